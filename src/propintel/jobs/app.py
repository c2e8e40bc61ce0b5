"""The Procrastinate app: the queue in our PostgreSQL, the declared jobs, the periodic schedule.

Building an app opens no connection: ``build_job_app(url)`` for any database (tests build one per
scratch database), ``job_app()`` for the configured one. Workers run with
``jobs.worker.run_worker``, which gives every job a SQLAlchemy engine on the same database for
its unit of work.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import croniter
import procrastinate
from procrastinate import JobContext, PsycopgConnector
from procrastinate.periodic import PeriodicTask
from procrastinate.tasks import Task
from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncEngine

from propintel.config import get_settings
from propintel.db.engine import CONNECT_ARGS, create_engine_for, unit_of_work
from propintel.db.urls import database_url, libpq_url
from propintel.jobs.metrics import counted_job
from propintel.jobs.registry import (
    JOB_MODULES,
    JobDefinition,
    UnknownJob,
    declared_jobs,
    job_definition,
)
from propintel.jobs.runs import recorded_run
from propintel.jobs.schedule import SCHEDULE, PeriodicJob
from propintel.kit.logging import log_context

# Where a worker puts the engine its jobs open their sessions on (Procrastinate's job context).
ENGINE_KEY = "propintel.engine"

TaskRunner = Callable[..., Awaitable[JSONDict | None]]


class JobApp(procrastinate.App):
    """A Procrastinate ``App`` that remembers its database, so a worker can open sessions on it."""

    def __init__(self, url: str) -> None:
        super().__init__(connector=build_connector(url), import_paths=list(JOB_MODULES))
        self.database_url = url


# How long the worker's queries wait for a pooled connection: past it, an outage surfaces as an
# error, and jobs.worker waits for the database and starts a new worker (psycopg's default: 30 s).
POOL_TIMEOUT_S = 10.0


def build_connector(url: str) -> PsycopgConnector:
    """A psycopg pool on ``url`` (opened with the app), New York time like every other session."""
    return PsycopgConnector(
        conninfo=libpq_url(url),
        kwargs=dict(CONNECT_ARGS),
        min_size=1,
        max_size=10,
        timeout=POOL_TIMEOUT_S,
    )


def build_job_app(
    url: str,
    *,
    jobs: Mapping[str, JobDefinition] | None = None,
    schedule: Sequence[PeriodicJob] = SCHEDULE,
    periodic: bool = True,
) -> JobApp:
    """An app with ``jobs`` (default: every declared job) and ``schedule`` registered.

    Runs of scheduled jobs are recorded in job_runs. With ``periodic=False`` its workers defer no
    periodic job themselves (they still run, and record, those already queued).
    """
    jobs = declared_jobs() if jobs is None else jobs
    scheduled = {entry.name for entry in schedule}
    app = JobApp(url)
    tasks = {
        name: _register_task(app, job, recorded=name in scheduled) for name, job in jobs.items()
    }
    for entry in schedule:
        if entry.name not in tasks:
            raise UnknownJob(f"the schedule names {entry.name!r}, which no module declares")
        if periodic:
            _register_periodic(app, tasks[entry.name], entry)
    return app


@lru_cache(maxsize=1)
def job_app() -> JobApp:
    """The app of the configured database (``PROPINTEL_DATABASE_URL`` or the embedded cluster)."""
    return build_job_app(database_url(get_settings()))


def _register_task(app: JobApp, job: JobDefinition, *, recorded: bool) -> Task[Any, Any, Any]:
    register = app.task(
        name=job.name,
        queue=job.queue,
        retry=job.retry,
        lock=job.lock,
        queueing_lock=job.queueing_lock,
        pass_context=True,
    )
    return register(_task_runner(job, recorded=recorded))


def _task_runner(job: JobDefinition, *, recorded: bool) -> TaskRunner:
    """What the worker calls: the job inside its unit of work, recorded in job_runs if periodic."""

    @functools.wraps(job.func)
    async def run(context: JobContext, **kwargs: Any) -> JSONDict | None:
        with log_context(job=job.name, job_id=context.job.id):
            return await _run(
                job_engine(context), job, kwargs, recorded=recorded, job_id=context.job.id
            )

    return run


async def run_job_inline(engine: AsyncEngine, name: str, **kwargs: Any) -> JSONDict | None:
    """Run the declared job ``name`` in this process, now, exactly as a worker would: in its own
    unit of work, recorded in job_runs when it is a scheduled job. For a caller that waits for
    the outcome and may not depend on the job's domain (a CLI import refreshing the scores it
    changed names ``scoring.refresh``). The job's own SQL locks still apply; Procrastinate's
    queue locks do not (nothing is queued)."""
    job = job_definition(name)
    scheduled = any(entry.name == name for entry in SCHEDULE)
    return await _run(engine, job, kwargs, recorded=scheduled)


def run_job_now(url: str, name: str, **kwargs: Any) -> JSONDict | None:
    """``run_job_inline`` from synchronous code, on its own engine for ``url``."""

    async def run() -> JSONDict | None:
        engine = create_engine_for(url, pool_size=1)
        try:
            return await run_job_inline(engine, name, **kwargs)
        finally:
            await engine.dispose()

    return asyncio.run(run())


async def _run(
    engine: AsyncEngine,
    job: JobDefinition,
    kwargs: dict[str, Any],
    *,
    recorded: bool,
    job_id: int | None = None,
) -> JSONDict | None:
    with counted_job(job.name):  # propintel_jobs_total{task,outcome} (jobs/metrics.py)
        if not recorded:
            return await _in_unit_of_work(engine, job, kwargs)
        async with recorded_run(engine, job.name, job_id) as handle:
            handle.detail = await _in_unit_of_work(engine, job, kwargs)
        return handle.detail


async def _in_unit_of_work(
    engine: AsyncEngine, job: JobDefinition, kwargs: dict[str, Any]
) -> JSONDict | None:
    async with unit_of_work(engine) as session:
        return await job.func(session, **kwargs)


def _register_periodic(app: JobApp, task: Task[Any, Any, Any], entry: PeriodicJob) -> None:
    periodic_task: PeriodicTask[Any, Any, Any] = app.periodic_registry.register_task(
        task=task, cron=entry.cron, periodic_id="", configure_kwargs={}
    )
    # Procrastinate reads cron expressions in UTC and offers no time zone. A croniter started from
    # a zoned time keeps that zone for every later tick (DST included), so we pre-fill its cached
    # iterator (PeriodicTask.croniter, a cached_property): an internal, hence Procrastinate pinned
    # to one minor version in pyproject.toml, and tests/jobs/test_schedule.py runs its deferrer.
    start = datetime.now(ZoneInfo(entry.timezone))
    periodic_task.__dict__["croniter"] = croniter.croniter(entry.cron, start)


def job_engine(context: JobContext) -> AsyncEngine:
    engine = context.additional_context.get(ENGINE_KEY)
    if not isinstance(engine, AsyncEngine):
        raise RuntimeError("jobs run in workers started by propintel.jobs.worker.run_worker")
    return engine
