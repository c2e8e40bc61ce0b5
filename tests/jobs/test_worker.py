"""Real workers on the scratch database: jobs run in their unit of work, periodic runs are
recorded (ok and failed), and the periodic deferrer really schedules the heartbeat."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from procrastinate.types import JSONDict
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from propintel.db.engine import session_factory
from propintel.jobs.app import JobApp, build_job_app
from propintel.jobs.enqueue import defer_in_transaction
from propintel.jobs.registry import JobDefinition, UnknownJob, declared_jobs
from propintel.jobs.schedule import SCHEDULE, PeriodicJob
from propintel.jobs.tasks import HEARTBEAT
from propintel.jobs.worker import run_worker
from tests.jobs.helpers import job_runs, queued_jobs, wait_for_runs

# A schedule that makes a job "periodic" (so its runs are recorded) without the deferrer firing
# during a test: midnight on January 1st, New York time.
NEVER_DURING_TESTS = "0 0 1 1 *"


async def run_until_idle(app: JobApp) -> None:
    await run_worker(app, wait=False, install_signal_handlers=False)


async def mark(session: AsyncSession, task_name: str) -> None:
    """A visible side effect: a row in job_runs under a name of the test's choosing."""
    await session.execute(
        text("INSERT INTO job_runs (task_name, outcome) VALUES (:name, 'ok')"), {"name": task_name}
    )


async def explode(session: AsyncSession, *, timestamp: int | None = None) -> JSONDict:
    await mark(session, "tests.explode.side_effect")
    raise RuntimeError("boom")


async def outcomes_seen_from_inside(
    session: AsyncSession, *, timestamp: int | None = None
) -> JSONDict:
    """What the run record says while the job runs (read in the job's own transaction)."""
    rows = await session.execute(
        text("SELECT outcome FROM job_runs WHERE task_name = 'tests.look'")
    )
    return {"outcomes_seen": list(rows.scalars())}


async def write_marker(session: AsyncSession) -> None:
    await mark(session, "tests.write.marker")


def heartbeat_app(url: str, cron: str = NEVER_DURING_TESTS) -> JobApp:
    return build_job_app(url, schedule=[PeriodicJob(HEARTBEAT, cron, "heartbeat")])


async def test_worker_runs_the_heartbeat_and_records_an_ok_run(
    jobs_engine: AsyncEngine, jobs_database_url: str
) -> None:
    async with session_factory(jobs_engine)() as session:
        await defer_in_transaction(session, HEARTBEAT)
        await session.commit()

    await run_until_idle(heartbeat_app(jobs_database_url))

    [run] = await job_runs(jobs_engine)
    assert run["task_name"] == HEARTBEAT
    assert run["outcome"] == "ok"
    assert run["finished_at"] >= run["started_at"]
    assert run["duration_ms"] >= 0
    assert datetime.fromisoformat(run["detail"]["database_time"]) >= run["started_at"]
    assert [job["status"] for job in await queued_jobs(jobs_engine)] == ["succeeded"]


async def test_failing_periodic_job_is_recorded_failed_and_its_work_rolled_back(
    jobs_engine: AsyncEngine, jobs_database_url: str
) -> None:
    jobs = {"tests.explode": JobDefinition("tests.explode", explode)}
    app = build_job_app(
        jobs_database_url,
        jobs=jobs,
        schedule=[PeriodicJob("tests.explode", NEVER_DURING_TESTS, "fails")],
    )
    async with app.open_async():
        await app.configure_task("tests.explode", allow_unknown=False).defer_async()

    await run_until_idle(app)

    [run] = await job_runs(jobs_engine)  # the side effect's row was rolled back with the job
    assert (run["task_name"], run["outcome"]) == ("tests.explode", "failed")
    assert run["detail"] == {"error": "RuntimeError: boom"}
    assert run["finished_at"] is not None and run["duration_ms"] >= 0
    assert [job["status"] for job in await queued_jobs(jobs_engine)] == ["failed"]


async def test_run_is_recorded_running_before_the_job_starts(
    jobs_engine: AsyncEngine, jobs_database_url: str
) -> None:
    app = build_job_app(
        jobs_database_url,
        jobs={"tests.look": JobDefinition("tests.look", outcomes_seen_from_inside)},
        schedule=[PeriodicJob("tests.look", NEVER_DURING_TESTS, "looks at its own run")],
    )
    async with app.open_async():
        await app.configure_task("tests.look", allow_unknown=False).defer_async()

    await run_until_idle(app)

    [run] = await job_runs(jobs_engine)
    assert run["outcome"] == "ok"
    assert run["detail"] == {"outcomes_seen": ["running"]}


async def test_job_that_is_not_periodic_commits_its_work_and_is_not_recorded(
    jobs_engine: AsyncEngine, jobs_database_url: str
) -> None:
    app = build_job_app(
        jobs_database_url,
        jobs={"tests.write": JobDefinition("tests.write", write_marker)},
        schedule=[],
    )
    async with app.open_async():
        await app.configure_task("tests.write", allow_unknown=False).defer_async()

    await run_until_idle(app)

    assert [run["task_name"] for run in await job_runs(jobs_engine)] == ["tests.write.marker"]
    assert [job["status"] for job in await queued_jobs(jobs_engine)] == ["succeeded"]


async def test_periodic_deferrer_schedules_the_heartbeat_once_per_tick(
    jobs_engine: AsyncEngine, jobs_database_url: str
) -> None:
    """On start the deferrer defers the tick just past (under a minute ago for ``* * * * *``).

    Only the heartbeat is scheduled: the real schedule would also defer any maintenance job whose
    tick was under 10 minutes ago (a backup at 02:0x would write into the configured directory).
    """
    workers = [
        asyncio.create_task(
            run_worker(heartbeat_app(url, "* * * * *"), install_signal_handlers=False)
        )
        for url in (jobs_database_url, jobs_database_url)
    ]
    try:
        runs = await wait_for_runs(jobs_engine, timeout_s=20)
    finally:
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    assert runs[0]["task_name"] == HEARTBEAT and runs[0]["outcome"] == "ok"
    assert runs[0]["detail"]["scheduled_for"] is not None
    ticks = [job["args"]["timestamp"] for job in await queued_jobs(jobs_engine)]
    assert ticks and len(ticks) == len(set(ticks))  # two workers, still one job per tick


def test_schedule_names_only_declared_jobs_in_new_york_time() -> None:
    declared = declared_jobs()
    assert SCHEDULE, "the schedule is empty"
    for entry in SCHEDULE:
        assert entry.name in declared
        assert entry.timezone == "America/New_York"
    assert HEARTBEAT in {entry.name for entry in SCHEDULE}


def test_schedule_naming_an_undeclared_job_is_refused() -> None:
    with pytest.raises(UnknownJob, match=r"tests\.missing"):
        build_job_app(
            "postgresql://unused/unused", schedule=[PeriodicJob("tests.missing", "* * * * *", "")]
        )
