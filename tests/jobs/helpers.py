"""Reading what the queue and the run record hold, through a connection of their own."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


async def queued_jobs(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT id, task_name, queue_name, queueing_lock, status::text, args"
                " FROM procrastinate_jobs ORDER BY id"
            )
        )
        return [dict(row) for row in rows.mappings()]


async def job_runs(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT * FROM job_runs ORDER BY run_id"))
        return [dict(row) for row in rows.mappings()]


async def wait_for_runs(
    engine: AsyncEngine, *, timeout_s: float, task_name: str | None = None
) -> list[dict[str, Any]]:
    """The run records (of ``task_name`` only, when given), once at least one of them has
    finished (polling: a worker is another task). Other scheduled jobs may run meanwhile: a
    worker started within 10 minutes after one's tick defers it."""
    poll_s = 0.2
    for _ in range(round(timeout_s / poll_s)):
        runs = [
            run
            for run in await job_runs(engine)
            if task_name is None or run["task_name"] == task_name
        ]
        if any(run["outcome"] != "running" for run in runs):
            return runs
        await asyncio.sleep(poll_s)
    raise TimeoutError(f"no job run finished within {timeout_s} s")
