"""Test infrastructure: a real PostgreSQL (embedded cluster or PROPINTEL_DATABASE_URL).

One migrated template database per run; the test database is a copy of it. Each test runs inside
an outer transaction that is rolled back, so tests never see each other's rows. Code under test that
commits only releases a savepoint (``join_transaction_mode="create_savepoint"``).

Code that opens its own connections and commits (importers, jobs) gets ``import_url``: a second
copy, one per run, brought back to its freshly migrated state before each test (``ScratchReset``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from graphlib import TopologicalSorter
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from propintel.config import get_settings
from propintel.db import migrate
from propintel.db.embedded import EmbeddedCluster
from propintel.db.engine import create_engine_for
from propintel.db.session import request_session, streaming_session, units_of_work
from propintel.db.urls import database_url, with_database
from propintel.kit.errors import DomainError

# Passwords are hashed at the cheapest cost argon2 allows: hundreds of tests hash one, and at the
# production cost each would take a tenth of a second or more. Set before any settings are read
# (and inherited by processes the tests start); tests that need a real cost pass their own settings.
os.environ.update(
    PROPINTEL_ARGON2_TIME_COST="1",
    PROPINTEL_ARGON2_MEMORY_KIB="8",
    PROPINTEL_ARGON2_PARALLELISM="1",
    # The servers tests start (`propintel serve`/`run`) run one web process: several would each
    # import the app, which on two busy cores can outlast their start-up waits. Several are tested
    # where they are the point (tests/test_serve_workers.py, tests/bench/test_load_smoke.py).
    PROPINTEL_WEB_WORKERS="1",
)
get_settings.cache_clear()

# Per-process names: several pytest runs may share one server without stepping on each other.
TEMPLATE_DB = f"propintel_test_template_{os.getpid()}"
TEST_DB = f"propintel_test_{os.getpid()}"
SCRATCH_DB = f"propintel_scratch_{os.getpid()}"


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


# The application's tables: plain and partitioned tables outside the system schemas, except the ones
# an extension owns (PostGIS's spatial_ref_sys) and Alembic's record of the revision.
_APPLICATION_TABLES = """
SELECT c.oid::regclass::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND c.relname <> 'alembic_version'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1
"""
_SEQUENCES = """
SELECT c.oid::regclass::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'S' AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
ORDER BY 1
"""
_COLUMNS = """
SELECT attname FROM pg_attribute
WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
ORDER BY attnum
"""
_FOREIGN_KEYS = """
SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'
"""


def _digest(table: str) -> str:
    """SQL: a digest of every row of ``table`` (to tell whether a test changed its seed rows)."""
    return f"(SELECT md5(string_agg(r::text, ',' ORDER BY r::text)) FROM {table} r)"


@dataclass(frozen=True)
class _Seed:
    table: str  # regclass text, quoted where needed
    columns: tuple[str, ...]  # generated columns left out
    rows: bytes  # COPY … (FORMAT binary)


@dataclass(frozen=True)
class ScratchReset:
    """A freshly migrated database as ``snapshot`` found it, and ``apply`` to go back to it: the
    rows the migrations seed (plans, bundles, token pricing, intent indicators, …), every other
    application table empty, the sequences where they stood."""

    changed_tables: str  # SQL naming the tables that are not as in the snapshot
    referencing: dict[str, set[str]]  # table -> the tables with a foreign key to it
    seeds: tuple[_Seed, ...]  # a table after the tables it references
    restore_sequences: str  # SQL

    @classmethod
    def snapshot(cls, conn: psycopg.Connection[Any]) -> ScratchReset:
        tables = [name for (name,) in conn.execute(_APPLICATION_TABLES)]
        seeded = {
            table: set[str]()
            for table in tables
            if conn.execute(f"SELECT EXISTS (SELECT FROM {table})").fetchone() == (True,)
        }
        referencing: dict[str, set[str]] = {}
        for table, referenced in conn.execute(_FOREIGN_KEYS):
            referencing.setdefault(referenced, set()).add(table)
            if table in seeded and referenced in seeded and table != referenced:
                seeded[table].add(referenced)
        probes = []
        seeds = []
        for table in tables:
            if table not in seeded:
                probes.append(f"SELECT '{table}' WHERE EXISTS (SELECT FROM {table})")
        for table in TopologicalSorter(seeded).static_order():
            (digest,) = conn.execute(f"SELECT {_digest(table)}").fetchone() or (None,)
            probes.append(f"SELECT '{table}' WHERE {_digest(table)} IS DISTINCT FROM '{digest}'")
            columns = tuple(name for (name,) in conn.execute(_COLUMNS, (table,)))
            query = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT binary)").format(
                sql.SQL(", ").join(map(sql.Identifier, columns)), sql.SQL(table)
            )
            with conn.cursor() as cursor, cursor.copy(query) as copy:
                seeds.append(_Seed(table, columns, b"".join(bytes(block) for block in copy)))
        positions = []
        for (name,) in conn.execute(_SEQUENCES).fetchall():
            last_value, is_called = conn.execute(
                f"SELECT last_value, is_called FROM {name}"
            ).fetchone() or (1, False)
            positions.append(f"('{name}', {int(last_value)}, {bool(is_called)})")
        restore_sequences = (
            f"SELECT setval(s::regclass, v, c) FROM (VALUES {', '.join(positions)}) AS p(s, v, c)"
            if positions
            else "SELECT"
        )
        return cls("\nUNION ALL ".join(probes), referencing, tuple(seeds), restore_sequences)

    def apply(self, url: str) -> None:
        """Back to the snapshot: one TRUNCATE of the tables that have rows (and of the tables
        referencing them) where there should be none or other ones, seed rows put back, the
        sequences reset. Connections a previous test left open are ended first (as dropping the
        database did), so that none holds a lock the TRUNCATE would wait for."""
        with psycopg.connect(url) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            emptied = {name for (name,) in conn.execute(self.changed_tables)}
            pending = list(emptied)
            while pending:
                for table in self.referencing.get(pending.pop(), ()):
                    if table not in emptied:
                        emptied.add(table)
                        pending.append(table)
            if emptied:
                conn.execute(f"TRUNCATE {', '.join(sorted(emptied))}")
            for seed in self.seeds:
                if seed.table in emptied:
                    query = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT binary)").format(
                        sql.SQL(seed.table), sql.SQL(", ").join(map(sql.Identifier, seed.columns))
                    )
                    with conn.cursor() as cursor, cursor.copy(query) as copy:
                        copy.write(seed.rows)
            conn.execute(self.restore_sequences)


@pytest.fixture(scope="session")
def scratch_database(server_url: str, template_url: str) -> Iterator[tuple[str, ScratchReset]]:
    """The database behind ``import_url``: a copy of the template, and how to reset it."""
    url = fresh_database(server_url, template_url, SCRATCH_DB)
    with psycopg.connect(url) as conn:
        reset = ScratchReset.snapshot(conn)
    yield url, reset
    migrate.drop_database(server_url, SCRATCH_DB)


@pytest.fixture
def import_url(scratch_database: tuple[str, ScratchReset]) -> str:
    """A committed-to database for code that opens its own connections (importers, jobs): one per
    run, emptied before each test back to what the migrations left (their seed rows included)."""
    url, reset = scratch_database
    reset.apply(url)
    return url


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
    app.dependency_overrides[units_of_work] = lambda: asynccontextmanager(session_override)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
