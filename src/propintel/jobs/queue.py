"""Procrastinate's queue as the admin pages and retention see it: which tasks have jobs waiting
or running, which are stalled, finished jobs purged after a while; and the database clock the
heartbeat reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.jobs.repository import QueueRepository


async def pending_jobs(session: AsyncSession) -> dict[str, str]:
    """Task name → "running" or "waiting", for jobs in the queue that have not finished."""
    rows = await QueueRepository.from_session(session).pending()
    return {row.task_name: "running" if row.running else "waiting" for row in rows}


async def stalled_jobs(session: AsyncSession, seconds: float) -> list[Any]:
    """(queue_name, task_name, jobs) of the jobs ``doing`` whose worker is gone or silent for
    ``seconds``: what the stalled-job sweep (``jobs.stalled``) will retry or fail."""
    return await QueueRepository.from_session(session).stalled_by_task(seconds)


async def delete_finished_jobs(session: AsyncSession, days: int) -> int:
    """Delete the jobs that finished (succeeded, failed, cancelled, aborted) and whose last event
    is older than ``days``, with their events; jobs waiting or running are never touched."""
    return await QueueRepository.from_session(session).delete_finished_older_than(days)


async def database_time(session: AsyncSession) -> datetime:
    """The database's clock, as New York wall time."""
    return await QueueRepository.from_session(session).database_time()
