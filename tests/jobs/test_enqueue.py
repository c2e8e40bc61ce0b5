"""A job deferred in a transaction exists if and only if that transaction commits."""

from __future__ import annotations

import pytest
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from propintel.db.engine import session_factory
from propintel.jobs.enqueue import defer_in_transaction
from propintel.jobs.registry import UnknownJob
from propintel.jobs.tasks import HEARTBEAT
from tests.jobs.helpers import queued_jobs


async def test_job_deferred_in_a_rolled_back_transaction_never_exists(
    jobs_engine: AsyncEngine,
) -> None:
    async with session_factory(jobs_engine)() as session:
        await defer_in_transaction(session, HEARTBEAT)
        await session.rollback()

    assert await queued_jobs(jobs_engine) == []


async def test_job_deferred_in_a_transaction_is_queued_only_when_it_commits(
    jobs_engine: AsyncEngine,
) -> None:
    async with session_factory(jobs_engine)() as session:
        job_id = await defer_in_transaction(session, HEARTBEAT, timestamp=1_800_000_000)
        assert await queued_jobs(jobs_engine) == []  # another connection cannot see it yet
        await session.commit()

    assert await queued_jobs(jobs_engine) == [
        {
            "id": job_id,
            "task_name": HEARTBEAT,
            "queue_name": "default",
            "queueing_lock": HEARTBEAT,
            "status": "todo",
            "args": {"timestamp": 1_800_000_000},
        }
    ]


async def test_taken_queueing_lock_is_refused_and_the_transaction_goes_on(
    jobs_engine: AsyncEngine,
) -> None:
    async with session_factory(jobs_engine)() as session:
        await defer_in_transaction(session, HEARTBEAT)
        with pytest.raises(AlreadyEnqueued):
            await defer_in_transaction(session, HEARTBEAT)
        assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
        await session.commit()

    assert len(await queued_jobs(jobs_engine)) == 1


async def test_undeclared_job_is_refused_before_anything_is_written(
    jobs_engine: AsyncEngine,
) -> None:
    async with session_factory(jobs_engine)() as session:
        with pytest.raises(UnknownJob, match=r"maintenance\.heartbaet"):
            await defer_in_transaction(session, "maintenance.heartbaet")
        await session.commit()

    assert await queued_jobs(jobs_engine) == []


async def test_defer_joins_the_request_transaction_of_the_test_session(db: AsyncSession) -> None:
    """``db`` is how endpoint tests run: the job is visible inside, and rolled back after."""
    job_id = await defer_in_transaction(db, HEARTBEAT)

    found = await db.execute(
        text("SELECT task_name FROM procrastinate_jobs WHERE id = :id"), {"id": job_id}
    )
    assert found.scalar_one() == HEARTBEAT
