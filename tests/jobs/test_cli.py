"""`propintel worker` as an operator runs it: a separate process on the configured database."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from propintel.db.engine import session_factory
from propintel.jobs.enqueue import defer_in_transaction
from propintel.jobs.tasks import HEARTBEAT
from tests.jobs.helpers import job_runs, wait_for_runs


async def start_worker(
    url: str, *args: str, env: dict[str, str] | None = None
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "propintel",
        "worker",
        *args,
        env={**os.environ, "PROPINTEL_DATABASE_URL": url, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def output_of(worker: asyncio.subprocess.Process, timeout_s: float) -> str:
    stdout, _ = await asyncio.wait_for(worker.communicate(), timeout_s)
    return stdout.decode()


async def test_worker_once_runs_the_waiting_jobs_then_exits(
    jobs_engine: AsyncEngine, jobs_database_url: str
) -> None:
    async with session_factory(jobs_engine)() as session:
        await defer_in_transaction(session, HEARTBEAT)
        await session.commit()

    worker = await start_worker(jobs_database_url, "--once")
    output = await output_of(worker, timeout_s=60)

    assert worker.returncode == 0, output
    assert "PropIntel worker starting" in output
    assert "no periodic jobs (--once)" in output
    password = make_url(jobs_database_url).password
    assert password and password not in output
    assert [(run["task_name"], run["outcome"]) for run in await job_runs(jobs_engine)] == [
        (HEARTBEAT, "ok")
    ]


async def test_worker_runs_the_schedule_until_sigterm(
    jobs_engine: AsyncEngine, jobs_database_url: str, tmp_path: Path
) -> None:
    # The real schedule: a maintenance job whose tick was < 10 minutes ago runs too (a backup
    # writes into PROPINTEL_BACKUP_DIR, kept out of the real one here).
    worker = await start_worker(
        jobs_database_url, env={"PROPINTEL_BACKUP_DIR": str(tmp_path / "backups")}
    )
    try:
        runs = await wait_for_runs(jobs_engine, timeout_s=60, task_name=HEARTBEAT)
    finally:
        worker.send_signal(signal.SIGTERM)
        output = await output_of(worker, timeout_s=30)

    assert worker.returncode == 0, output
    assert f"periodic: {HEARTBEAT} [* * * * * America/New_York]" in output
    assert "PropIntel worker stopped" in output
    assert runs[0]["task_name"] == HEARTBEAT and runs[0]["outcome"] == "ok"
