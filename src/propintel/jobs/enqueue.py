"""Deferring jobs inside the caller's transaction: the job exists if, and only if, it commits.

This is how a request or a job hands work to the workers without ever letting them see
uncommitted rows, and without losing the job when the process dies right after the commit.
"""

from __future__ import annotations

from procrastinate import PsycopgConnector
from procrastinate.jobs import DEFAULT_PRIORITY, Job
from procrastinate.manager import JobManager
from procrastinate.types import JSONValue
from psycopg import AsyncConnection
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.jobs.registry import job_definition

# Used only with the caller's connection: its own pool is never opened, so it needs no URL.
_job_manager = JobManager(PsycopgConnector())


async def defer_in_transaction(
    session: AsyncSession, task_name: str, **task_kwargs: JSONValue
) -> int:
    """Enqueue ``task_name`` on the session's connection and transaction; returns the job id.

    The job gets its declared queue and locks. Raises ``UnknownJob`` for an undeclared name, and
    Procrastinate's ``AlreadyEnqueued`` when the job's queueing lock is taken; either way the
    session's transaction is intact (the insert runs in a savepoint).
    """
    definition = job_definition(task_name)
    job = Job(
        id=None,
        queue=definition.queue,
        lock=definition.lock,
        queueing_lock=definition.queueing_lock,
        task_name=definition.name,
        priority=DEFAULT_PRIORITY,
        task_kwargs=dict(task_kwargs),
    )
    async with session.begin_nested():
        deferred = await _job_manager.defer_job_async(
            job, connection=await _driver_connection(session)
        )
    assert deferred.id is not None
    return deferred.id


async def _driver_connection(session: AsyncSession) -> AsyncConnection[object]:
    """The psycopg connection under the session, inside the session's current transaction."""
    raw = await (await session.connection()).get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, AsyncConnection), "the engine must use the psycopg (3) driver"
    return driver
