"""The queries of the jobs package: the run records (``job_runs``) and the state of
Procrastinate's queue (``procrastinate_jobs``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from procrastinate.types import JSONDict
from sqlalchemy import ColumnElement, and_, cast, delete, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import aliased

from propintel.db.repository import Repository
from propintel.jobs.models import (
    JOB_STATUS,
    JobRun,
    procrastinate_events,
    procrastinate_jobs,
    procrastinate_workers,
)

_jobs = procrastinate_jobs.c
_events = procrastinate_events.c
_workers = procrastinate_workers.c
_FINISHED = ("succeeded", "failed", "cancelled", "aborted")


def _rowcount(result: Any) -> int:
    return int(result.rowcount or 0)


def _stalled(seconds: float) -> ColumnElement[bool]:
    """A job ``doing`` whose worker is gone or has not written its heartbeat for ``seconds``."""
    silent = select(_workers.id).where(
        _workers.last_heartbeat < func.now() - timedelta(seconds=seconds)
    )
    return and_(_jobs.status == "doing", _jobs.worker_id.is_(None) | _jobs.worker_id.in_(silent))


class JobRunRepository(Repository):
    async def start(self, task_name: str, job_id: int | None) -> int:
        """A ``running`` row for ``task_name`` (run by the queue's job ``job_id``); its id."""
        statement = (
            insert(JobRun)
            .values(task_name=task_name, outcome="running", job_id=job_id)
            .returning(JobRun.run_id)
        )
        run_id: int = (await self.session.execute(statement)).scalar_one()
        return run_id

    async def finish(
        self, run_id: int, outcome: str, duration_ms: int, detail: JSONDict | None
    ) -> None:
        await self.session.execute(
            update(JobRun)
            .where(JobRun.run_id == run_id)
            .values(finished_at=func.now(), duration_ms=duration_ms, outcome=outcome, detail=detail)
        )

    async def fail_running_of_jobs(self, job_ids: list[int], detail: JSONDict) -> int:
        """The runs still ``running`` of the queue's jobs ``job_ids``, marked failed."""
        statement = (
            update(JobRun)
            .where(JobRun.job_id.in_(job_ids), JobRun.outcome == "running")
            .values(finished_at=func.now(), outcome="failed", detail=detail)
        )
        return _rowcount(await self.session.execute(statement))

    async def latest_runs(self) -> list[JobRun]:
        """The most recent run of each task, by task name."""
        statement = (
            select(JobRun)
            .ext(distinct_on(JobRun.task_name))
            .order_by(JobRun.task_name, JobRun.started_at.desc(), JobRun.run_id.desc())
        )
        return list((await self.session.scalars(statement)).all())

    async def delete_older_than(self, days: int) -> int:
        """Runs started more than ``days`` ago (New York time), but each task's latest."""
        # Every task keeps its latest run (the admin pages show it), however old.
        latest = aliased(JobRun)
        latest_of_task = (
            select(latest.run_id)
            .where(latest.task_name == JobRun.task_name)
            .order_by(latest.started_at.desc(), latest.run_id.desc())
            .limit(1)
            .scalar_subquery()
        )
        cutoff = func.timezone("America/New_York", func.now()) - timedelta(days=days)
        statement = delete(JobRun).where(
            JobRun.started_at < cutoff, JobRun.run_id != latest_of_task
        )
        return _rowcount(await self.session.execute(statement))


class QueueRepository(Repository):
    async def pending(self) -> list[Any]:
        """(task_name, running) of each task with jobs waiting or running."""
        statement = (
            select(_jobs.task_name, func.bool_or(_jobs.status == "doing").label("running"))
            .where(_jobs.status.in_(("todo", "doing")))
            .group_by(_jobs.task_name)
        )
        return list((await self.session.execute(statement)).all())

    async def delete_finished_older_than(self, days: int) -> int:
        """Finished jobs whose last event is more than ``days`` old (their events cascade)."""
        # procrastinate_events.at is a timestamptz: the cutoff is an instant, no time zone involved.
        last_event = select(func.max(_events.at)).where(_events.job_id == _jobs.id)
        statement = delete(procrastinate_jobs).where(
            _jobs.status.in_(_FINISHED),
            last_event.scalar_subquery() < func.now() - timedelta(days=days),
        )
        return _rowcount(await self.session.execute(statement))

    async def prune_stalled_workers(self, seconds: float) -> int:
        """Procrastinate's own pruning: workers silent for ``seconds`` are deleted, and their
        jobs' ``worker_id`` becomes NULL."""
        pruned = select(func.procrastinate_prune_stalled_workers_v1(seconds))
        return len((await self.session.execute(pruned)).all())

    async def stalled(self, seconds: float) -> list[Any]:
        """Jobs ``doing`` whose worker is gone or silent for ``seconds`` (Procrastinate's
        heartbeat query), locked so that two sweeps never handle one job."""
        statement = (
            select(_jobs.id, _jobs.task_name, _jobs.attempts, _jobs.queueing_lock)
            .where(_stalled(seconds))
            .order_by(_jobs.id)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.execute(statement)).all())

    async def stalled_by_task(self, seconds: float) -> list[Any]:
        """(queue_name, task_name, jobs) of the stalled jobs (see ``stalled``)."""
        statement = (
            select(_jobs.queue_name, _jobs.task_name, func.count().label("jobs"))
            .where(_stalled(seconds))
            .group_by(_jobs.queue_name, _jobs.task_name)
            .order_by(_jobs.queue_name, _jobs.task_name)
        )
        return list((await self.session.execute(statement)).all())

    async def another_waiting(self, job_id: int, queueing_lock: str | None) -> bool:
        """Whether a job other than ``job_id`` waits under ``queueing_lock`` (then the stalled
        one cannot go back to waiting: the lock admits one)."""
        if queueing_lock is None:
            return False
        statement = select(_jobs.id).where(
            _jobs.queueing_lock == queueing_lock, _jobs.status == "todo", _jobs.id != job_id
        )
        return (await self.session.execute(statement.limit(1))).first() is not None

    async def retry(self, job_id: int) -> None:
        """Back to ``todo`` now (an attempt more), through Procrastinate's own function."""
        await self.session.execute(
            select(func.procrastinate_retry_job_v2(job_id, func.now(), None, None, None))
        )

    async def fail(self, job_id: int) -> None:
        """``failed``, through Procrastinate's own function (which frees its lock)."""
        await self.session.execute(
            select(
                func.procrastinate_finish_job_v1(job_id, cast(literal("failed"), JOB_STATUS), False)
            )
        )

    async def database_time(self) -> datetime:
        """The database's clock (New York wall time, the connections' time zone)."""
        database_time: datetime = (
            await self.session.execute(select(func.localtimestamp()))
        ).scalar_one()
        return database_time
