"""What the admin dashboard reads: the latest run of each task, and the schedule beside it."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.jobs import runs
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


async def test_a_job_is_overdue_once_a_tick_after_its_last_run_is_long_past(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "PROCESS_STARTED_AT", datetime(2027, 1, 4, 2, 0))
    await add_run(db, "tests.nightly", "2027-01-03 03:00:05", "ok")
    schedule = [
        PeriodicJob("tests.nightly", "0 3 * * *", ""),
        PeriodicJob("tests.never_run", "0 3 * * *", ""),
        PeriodicJob(HEARTBEAT, "* * * * *", ""),
    ]

    async def overdue_at(hour: int, minute: int) -> dict[str, datetime | None]:
        now = datetime(2027, 1, 4, hour, minute)
        return {row.job.name: row.overdue_since for row in await schedule_status(db, schedule, now)}

    # 10 minutes after 03:00 a worker may just be busy; a never-run heartbeat due at 02:01 is not
    assert await overdue_at(3, 10) == {
        "tests.nightly": None,
        "tests.never_run": None,
        HEARTBEAT: datetime(2027, 1, 4, 2, 1),
    }
    assert await overdue_at(3, 20) == {
        "tests.nightly": datetime(2027, 1, 4, 3, 0),
        "tests.never_run": datetime(2027, 1, 4, 3, 0),  # its first tick after the start
        HEARTBEAT: datetime(2027, 1, 4, 2, 1),
    }
    [nightly, *_] = await schedule_status(db, schedule, datetime(2027, 1, 4, 3, 20))
    assert nightly.next_run == datetime(2027, 1, 5, 3, 0)
