"""Test infrastructure: a real PostgreSQL (embedded cluster or PROPINTEL_DATABASE_URL).

One migrated template database per run; the test database is a copy of it. Each test runs inside
an outer transaction that is rolled back, so tests never see each other's rows. Code under test that
commits only releases a savepoint (``join_transaction_mode="create_savepoint"``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from propintel.config import get_settings
from propintel.db import migrate
from propintel.db.embedded import EmbeddedCluster
from propintel.db.engine import create_engine_for
from propintel.db.session import request_session, streaming_session
from propintel.db.urls import database_url, with_database
from propintel.kit.errors import DomainError

# Passwords are hashed at the cheapest cost argon2 allows: hundreds of tests hash one, and at the
# production cost each would take a tenth of a second or more. Set before any settings are read
# (and inherited by processes the tests start); tests that need a real cost pass their own settings.
os.environ.update(
    PROPINTEL_ARGON2_TIME_COST="1",
    PROPINTEL_ARGON2_MEMORY_KIB="8",
    PROPINTEL_ARGON2_PARALLELISM="1",
)
get_settings.cache_clear()

# Per-process names: several pytest runs may share one server without stepping on each other.
TEMPLATE_DB = f"propintel_test_template_{os.getpid()}"
TEST_DB = f"propintel_test_{os.getpid()}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: they are the slowest and run Playwright's own event loop."""
    items.sort(key=lambda item: "tests/e2e/" in str(item.path).replace("\\", "/"))


@pytest.fixture(scope="session")
def server_url() -> str:
    """A URL of the server under test (its own database is not touched by tests)."""
    settings = get_settings()
    if settings.uses_embedded_database:
        EmbeddedCluster.from_settings(settings).start()
    return database_url(settings)


@pytest.fixture(scope="session")
def template_url(server_url: str) -> Iterator[str]:
    """A freshly migrated database that test databases are copied from."""
    url = with_database(server_url, TEMPLATE_DB)
    migrate.drop_database(server_url, TEMPLATE_DB)
    migrate.ensure_database_exists(url)
    migrate.upgrade(url)
    yield url
    migrate.drop_database(server_url, TEMPLATE_DB)


def fresh_database(server_url: str, template_url: str, name: str) -> str:
    """A new database copied from the migrated template (fast: a file copy)."""
    migrate.drop_database(server_url, name)
    url = with_database(server_url, name)
    migrate.ensure_database_exists(url, template=TEMPLATE_DB)
    migrate.set_database_timezone(url)  # database-level settings are not copied from a template
    return url


@pytest.fixture(scope="session")
def test_database_url(server_url: str, template_url: str) -> Iterator[str]:
    url = fresh_database(server_url, template_url, TEST_DB)
    yield url
    migrate.drop_database(server_url, TEST_DB)


@pytest.fixture
def import_url(server_url: str, template_url: str) -> Iterator[str]:
    """A fresh, committed-to database for code that opens its own connections (importers, jobs)."""
    name = f"propintel_scratch_{os.getpid()}"
    url = fresh_database(server_url, template_url, name)
    yield url
    migrate.drop_database(server_url, name)


@pytest.fixture(scope="session")
async def engine(test_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_for(test_database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction that is rolled back after the test."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        try:
            yield session
        finally:
            await session.close()
            await transaction.rollback()


@pytest.fixture
def app_options() -> dict[str, Any]:
    """Extra ``create_app`` arguments; a test module overrides this fixture to inject adapters."""
    return {}


@pytest.fixture
async def client(
    db: AsyncSession, engine: AsyncEngine, app_options: dict[str, Any]
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the app whose requests run inside the test's transaction."""
    from propintel.app import create_app

    app = create_app(engine=engine, **app_options)

    async def session_override() -> AsyncIterator[AsyncSession]:
        # Mirrors propintel.db.engine.unit_of_work, on the test's savepoint.
        try:
            yield db
        except DomainError as error:
            await (db.commit() if error.commit_changes else db.rollback())
            raise
        except BaseException:
            await db.rollback()
            raise
        await db.commit()

    app.dependency_overrides[request_session] = session_override
    app.dependency_overrides[streaming_session] = session_override
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
