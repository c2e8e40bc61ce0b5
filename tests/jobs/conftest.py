"""Jobs tests need committed rows (a worker sees only those): they get a scratch database of their
own, copied from the migrated template, and emptied of jobs and runs before each test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from propintel.db import migrate
from propintel.db.engine import create_engine_for
from tests.conftest import fresh_database

JOBS_DB = f"propintel_test_jobs_{os.getpid()}"
JOB_TABLES = (
    "procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, "
    "procrastinate_workers, job_runs"
)


@pytest.fixture(scope="session")
def jobs_database_url(server_url: str, template_url: str) -> Iterator[str]:
    url = fresh_database(server_url, template_url, JOBS_DB)
    yield url
    migrate.drop_database(server_url, JOBS_DB)


@pytest.fixture(scope="session")
async def jobs_engine_session(jobs_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_for(jobs_database_url, pool_size=3)
    yield engine
    await engine.dispose()


@pytest.fixture
async def jobs_engine(jobs_engine_session: AsyncEngine) -> AsyncEngine:
    """The scratch database's engine, with no jobs, workers or runs left by an earlier test."""
    async with jobs_engine_session.begin() as connection:
        await connection.execute(text(f"TRUNCATE {JOB_TABLES} RESTART IDENTITY CASCADE"))
    return jobs_engine_session
