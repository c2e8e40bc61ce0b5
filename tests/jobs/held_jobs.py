"""Jobs that hold until the test lets them go, and a worker process that runs them: what a test
kills with SIGKILL mid-job (``python -m tests.jobs.held_jobs URL``)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from procrastinate.types import JSONDict
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.jobs.app import JobApp, build_job_app
from propintel.jobs.registry import JobDefinition
from propintel.jobs.schedule import PeriodicJob
from propintel.jobs.worker import run_worker

HELD = "tests.held"  # retried when its worker dies
HELD_NOT_RETRIED = "tests.held_not_retried"  # like an import: failed when its worker dies
LOCK = "tests.held.lock"
NEVER_DURING_TESTS = "0 0 1 1 *"


async def held(
    session: AsyncSession, *, hold: str, mark: str, timestamp: int | None = None
) -> JSONDict:
    """Wait while the file ``hold`` exists (another process removes it), then leave a job_runs
    row named ``mark``."""
    while await asyncio.to_thread(Path(hold).exists):  # noqa: ASYNC110 (a file, not an event)
        await asyncio.sleep(0.05)
    await session.execute(
        text("INSERT INTO job_runs (task_name, outcome) VALUES (:mark, 'ok')"), {"mark": mark}
    )
    return {"mark": mark}


JOBS = {
    HELD: JobDefinition(HELD, held, lock=LOCK),
    HELD_NOT_RETRIED: JobDefinition(HELD_NOT_RETRIED, held, lock=LOCK, retry_stalled=False),
}


def held_jobs_app(url: str) -> JobApp:
    """Both jobs, "periodic" (their runs recorded in job_runs) on a tick that never comes."""
    schedule = [PeriodicJob(name, NEVER_DURING_TESTS, name) for name in JOBS]
    return build_job_app(url, jobs=JOBS, schedule=schedule, periodic=False)


if __name__ == "__main__":
    asyncio.run(run_worker(held_jobs_app(sys.argv[1])))
