"""A worker killed mid-job (SIGKILL, as the out-of-memory killer does): the job stays `doing`
under a silent heartbeat until the sweep queues it again or fails it, which frees its lock; the
next run of the job proceeds. Issue 18, item 2."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from propintel.db.engine import unit_of_work
from propintel.jobs.stalled import MAX_ATTEMPTS, RecoveredJob, recover_stalled_jobs
from propintel.jobs.worker import run_worker
from tests.jobs.held_jobs import HELD, HELD_NOT_RETRIED, JOBS, held_jobs_app
from tests.jobs.helpers import job_runs, queued_jobs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hold(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "hold"
    path.touch()
    yield path
    path.unlink(missing_ok=True)


async def defer(url: str, task_name: str, hold: Path, mark: str) -> int:
    app = held_jobs_app(url)
    async with app.open_async():
        job_id: int = await app.tasks[task_name].defer_async(hold=str(hold), mark=mark)
    return job_id


async def status_of(engine: AsyncEngine, job_id: int) -> str:
    return {job["id"]: job["status"] for job in await queued_jobs(engine)}[job_id]


async def wait_for_status(engine: AsyncEngine, job_id: int, status: str) -> None:
    for _ in range(600):  # a minute: the machine may be busy
        if await status_of(engine, job_id) == status:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"job {job_id} never reached {status}")


async def wait_for_running_run(engine: AsyncEngine, job_id: int) -> None:
    """Until the job's run record says ``running``: the job itself has started."""
    for _ in range(600):
        runs = await job_runs(engine)
        if any(run["job_id"] == job_id and run["outcome"] == "running" for run in runs):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"job {job_id} never started")


async def killed_mid_job(engine: AsyncEngine, url: str, job_id: int) -> None:
    """A worker process takes the job, and is killed with SIGKILL while the job runs."""
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.jobs.held_jobs", url, cwd=ROOT, env=dict(os.environ)
    )
    try:
        await wait_for_running_run(engine, job_id)
    finally:
        worker.send_signal(signal.SIGKILL)
        await worker.wait()
    assert worker.returncode == -signal.SIGKILL
    await asyncio.sleep(1.5)  # its heartbeat is now more than a second old
    assert await status_of(engine, job_id) == "doing"  # nothing else would ever move it


async def sweep(engine: AsyncEngine) -> list[RecoveredJob]:
    async with unit_of_work(engine) as session:
        return await recover_stalled_jobs(session, stalled_after_s=1, jobs=JOBS)


async def marks(engine: AsyncEngine) -> list[str]:
    return [
        run["task_name"] for run in await job_runs(engine) if run["task_name"].startswith("mark")
    ]


async def test_a_job_killed_mid_run_is_queued_again_and_then_runs(
    jobs_engine: AsyncEngine, jobs_database_url: str, hold: Path
) -> None:
    job_id = await defer(jobs_database_url, HELD, hold, "mark-1")
    await killed_mid_job(jobs_engine, jobs_database_url, job_id)

    assert await sweep(jobs_engine) == [RecoveredJob(job_id, HELD, retried=True)]
    assert await status_of(jobs_engine, job_id) == "todo"
    [run] = [run for run in await job_runs(jobs_engine) if run["job_id"] == job_id]
    assert run["outcome"] == "failed" and "queued again" in run["detail"]["error"]
    assert await sweep(jobs_engine) == []  # nothing stalled any more

    await asyncio.to_thread(hold.unlink)
    second = await defer(jobs_database_url, HELD, hold, "mark-2")  # the same lock
    await run_worker(held_jobs_app(jobs_database_url), wait=False, install_signal_handlers=False)
    assert {await status_of(jobs_engine, job_id), await status_of(jobs_engine, second)} == {
        "succeeded"
    }
    assert sorted(await marks(jobs_engine)) == ["mark-1", "mark-2"]


async def test_a_job_not_to_retry_is_failed_and_frees_its_lock(
    jobs_engine: AsyncEngine, jobs_database_url: str, hold: Path
) -> None:
    job_id = await defer(jobs_database_url, HELD_NOT_RETRIED, hold, "mark-import")
    await killed_mid_job(jobs_engine, jobs_database_url, job_id)
    next_one = await defer(jobs_database_url, HELD, hold, "mark-next")  # waits for the lock

    assert await sweep(jobs_engine) == [RecoveredJob(job_id, HELD_NOT_RETRIED, retried=False)]
    assert await status_of(jobs_engine, job_id) == "failed"
    [run] = [run for run in await job_runs(jobs_engine) if run["job_id"] == job_id]
    assert run["outcome"] == "failed" and "not retried" in run["detail"]["error"]

    await asyncio.to_thread(hold.unlink)
    await run_worker(held_jobs_app(jobs_database_url), wait=False, install_signal_handlers=False)
    assert await status_of(jobs_engine, next_one) == "succeeded"
    assert await marks(jobs_engine) == ["mark-next"]


async def stalled_by_hand(engine: AsyncEngine, job_id: int, **columns: Any) -> None:
    """The job `doing` for a worker whose last heartbeat is an hour old."""
    async with engine.begin() as connection:
        worker_id = (
            await connection.execute(
                text(
                    "INSERT INTO procrastinate_workers (last_heartbeat) "
                    "VALUES (now() - interval '1 hour') RETURNING id"
                )
            )
        ).scalar_one()
        sets = ", ".join(f"{name} = :{name}" for name in columns)
        await connection.execute(
            text(
                "UPDATE procrastinate_jobs SET status = 'doing', worker_id = :worker"
                f"{', ' + sets if sets else ''} WHERE id = :id"
            ),
            {"worker": worker_id, "id": job_id, **columns},
        )


async def test_a_job_that_stalled_too_often_is_failed(
    jobs_engine: AsyncEngine, jobs_database_url: str, hold: Path
) -> None:
    job_id = await defer(jobs_database_url, HELD, hold, "mark")
    await stalled_by_hand(jobs_engine, job_id, attempts=MAX_ATTEMPTS - 1)
    assert await sweep(jobs_engine) == [RecoveredJob(job_id, HELD, retried=False)]
    assert await status_of(jobs_engine, job_id) == "failed"


async def test_a_stalled_job_whose_next_instance_waits_is_failed(
    jobs_engine: AsyncEngine, jobs_database_url: str, hold: Path
) -> None:
    """Its queueing lock admits one waiting instance: the one already waiting runs instead."""
    job_id = await defer(jobs_database_url, HELD, hold, "mark")
    async with jobs_engine.begin() as connection:
        await connection.execute(
            text("UPDATE procrastinate_jobs SET queueing_lock = 'tests.one' WHERE id = :id"),
            {"id": job_id},
        )
    await stalled_by_hand(jobs_engine, job_id)
    waiting = await defer(jobs_database_url, HELD, hold, "mark-waiting")
    async with jobs_engine.begin() as connection:
        await connection.execute(
            text("UPDATE procrastinate_jobs SET queueing_lock = 'tests.one' WHERE id = :id"),
            {"id": waiting},
        )
    assert await sweep(jobs_engine) == [RecoveredJob(job_id, HELD, retried=False)]
    assert await status_of(jobs_engine, waiting) == "todo"


async def test_a_live_worker_s_job_is_left_alone(
    jobs_engine: AsyncEngine, jobs_database_url: str, hold: Path
) -> None:
    job_id = await defer(jobs_database_url, HELD, hold, "mark")
    worker = asyncio.create_task(
        run_worker(held_jobs_app(jobs_database_url), install_signal_handlers=False)
    )
    try:
        await wait_for_status(jobs_engine, job_id, "doing")
        async with unit_of_work(jobs_engine) as session:
            assert await recover_stalled_jobs(session, jobs=JOBS) == []  # the real threshold
        assert await status_of(jobs_engine, job_id) == "doing"
        await asyncio.to_thread(hold.unlink)
        await wait_for_status(jobs_engine, job_id, "succeeded")
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
