"""The record of periodic job runs (``job_runs``), and what the admin dashboard reads from it.

A run is written in transactions of its own, apart from the job's unit of work: the ``running``
row is committed before the job starts and the outcome after it ends, so a job whose transaction
rolls back still leaves its ``failed`` row, and a job that is still going shows as ``running``.

Beside each job's last run the dashboard shows its next run, and whether it is overdue: a tick
due after its last run (or, never run, after this process started) passed more than
``OVERDUE_AFTER`` ago. A job not yet due is simply waiting; an overdue one suggests no worker runs.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from propintel.db.engine import unit_of_work
from propintel.jobs.models import JobRun
from propintel.jobs.repository import JobRunRepository
from propintel.jobs.schedule import SCHEDULE, PeriodicJob
from propintel.kit.clock import now_new_york

MAX_ERROR_CHARS = 2000
OVERDUE_AFTER = timedelta(minutes=15)  # a worker may be busy: a late start is not yet a problem
# A job that never ran is not overdue before its first tick after this process started: a fresh
# install has not missed a nightly job it never had a chance to run.
PROCESS_STARTED_AT = now_new_york()


@dataclass
class RunHandle:
    """The run being recorded; set ``detail`` to what the outcome row should say."""

    run_id: int
    detail: JSONDict | None = None


@asynccontextmanager
async def recorded_run(
    engine: AsyncEngine, task_name: str, job_id: int | None = None
) -> AsyncIterator[RunHandle]:
    """Record the block as one run of ``task_name``: ``ok`` if it ends, ``failed`` if it raises.
    ``job_id``, the queue's job, lets the stalled-job sweep close a run whose worker died."""
    run = RunHandle(run_id=await _start(engine, task_name, job_id))
    started = time.monotonic()
    try:
        yield run
    except BaseException as error:  # cancellation (a worker shutting down) is a failure too
        await _finish(engine, run.run_id, "failed", started, _error_detail(error))
        raise
    await _finish(engine, run.run_id, "ok", started, run.detail)


async def _start(engine: AsyncEngine, task_name: str, job_id: int | None) -> int:
    async with unit_of_work(engine) as session:
        return await JobRunRepository.from_session(session).start(task_name, job_id)


async def _finish(
    engine: AsyncEngine, run_id: int, outcome: str, started: float, detail: JSONDict | None
) -> None:
    duration_ms = round((time.monotonic() - started) * 1000)
    async with unit_of_work(engine) as session:
        await JobRunRepository.from_session(session).finish(run_id, outcome, duration_ms, detail)


def _error_detail(error: BaseException) -> JSONDict:
    return {"error": f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS]}


async def latest_runs(session: AsyncSession) -> list[JobRun]:
    """The most recent run of each task that has run at least once, by task name."""
    return await JobRunRepository.from_session(session).latest_runs()


async def delete_old_runs(session: AsyncSession, days: int) -> int:
    """Delete the runs started more than ``days`` ago (New York time), except the latest run of
    each task, which the admin pages show however old it is; returns how many went."""
    return await JobRunRepository.from_session(session).delete_older_than(days)


@dataclass(frozen=True)
class ScheduledJobStatus:
    """A scheduled job and its runs; times are naive New York wall-clock times."""

    job: PeriodicJob
    last_run: JobRun | None  # None: it has never run
    next_run: datetime  # its next tick
    overdue_since: datetime | None  # the tick it missed, when overdue


async def schedule_status(
    session: AsyncSession, schedule: Sequence[PeriodicJob] = SCHEDULE, now: datetime | None = None
) -> list[ScheduledJobStatus]:
    """Each scheduled job with its latest run, in schedule order (the admin dashboard's table)."""
    latest = {run.task_name: run for run in await latest_runs(session)}
    now = now or now_new_york()
    return [_status(job, latest.get(job.name), now) for job in schedule]


def _status(job: PeriodicJob, last_run: JobRun | None, now: datetime) -> ScheduledJobStatus:
    due = job.next_run(last_run.started_at if last_run else PROCESS_STARTED_AT)
    overdue = due if now - due > OVERDUE_AFTER else None
    return ScheduledJobStatus(job, last_run, job.next_run(now), overdue)
