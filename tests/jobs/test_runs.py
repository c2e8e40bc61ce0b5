"""What the admin dashboard reads: the latest run of each task, and the schedule beside it."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.jobs.models import JobRun
from propintel.jobs.runs import latest_runs, schedule_status
from propintel.jobs.schedule import PeriodicJob
from propintel.jobs.tasks import HEARTBEAT


async def add_run(db: AsyncSession, task_name: str, started_at: str, outcome: str) -> None:
    await db.execute(
        insert(JobRun).values(task_name=task_name, started_at=started_at, outcome=outcome)
    )


async def test_latest_runs_gives_the_newest_run_of_each_task(db: AsyncSession) -> None:
    await add_run(db, HEARTBEAT, "2027-01-04 09:01:00", "ok")
    await add_run(db, HEARTBEAT, "2027-01-04 09:03:00", "failed")
    await add_run(db, HEARTBEAT, "2027-01-04 09:02:00", "ok")
    await add_run(db, "tests.other", "2027-01-04 08:00:00", "running")

    latest = await latest_runs(db)

    assert [(run.task_name, run.started_at.minute, run.outcome) for run in latest] == [
        (HEARTBEAT, 3, "failed"),
        ("tests.other", 0, "running"),
    ]


async def test_latest_runs_is_empty_before_any_run(db: AsyncSession) -> None:
    assert await latest_runs(db) == []


async def test_schedule_status_shows_never_run_jobs_too(db: AsyncSession) -> None:
    await add_run(db, HEARTBEAT, "2027-01-04 09:01:00", "ok")
    schedule = [
        PeriodicJob(HEARTBEAT, "* * * * *", ""),
        PeriodicJob("tests.nightly", "0 3 * * *", ""),
    ]

    status = await schedule_status(db, schedule)

    assert [(row.job.name, row.last_run.outcome if row.last_run else None) for row in status] == [
        (HEARTBEAT, "ok"),
        ("tests.nightly", None),
    ]
