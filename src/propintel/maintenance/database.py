"""The spec's "Performance optimization": VACUUM (ANALYZE), index usage, slow queries."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.db.engine import CONNECT_ARGS
from propintel.db.urls import libpq_url

# The spec's query names the view's columns ``tablename`` and ``indexname``, which
# pg_stat_user_indexes does not have (they are ``relname`` and ``indexrelname``; that spelling
# belongs to pg_indexes). Same result columns, under the spec's names; ties broken by name.
INDEX_USAGE = text(
    "SELECT schemaname, relname AS tablename, indexrelname AS indexname, idx_scan "
    "FROM pg_stat_user_indexes "
    "ORDER BY idx_scan ASC, schemaname, relname, indexrelname"
)

# The spec's query, restricted to this database (pg_stat_statements is server-wide).
SLOW_QUERIES = text(
    "SELECT calls, mean_exec_time, query FROM pg_stat_statements "
    "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "ORDER BY mean_exec_time DESC LIMIT :limit"
)

NEW_YORK_OPTIONS = CONNECT_ARGS["options"]
NOT_INSTALLED = (
    "the pg_stat_statements extension is not installed in this database: run "
    "`CREATE EXTENSION pg_stat_statements` (migration 0002 does it with `propintel db migrate`)"
)
NOT_PRELOADED = (
    "pg_stat_statements is installed but not loaded: add it to shared_preload_libraries in "
    "postgresql.conf and restart the server (Cloud SQL: set the flag "
    "cloudsql.enable_pg_stat_statements; RDS: it is in the default parameter group's "
    "shared_preload_libraries). The embedded cluster preloads it."
)


class SlowQueriesUnavailable(RuntimeError):
    """pg_stat_statements cannot be read; the message says what to change."""


@dataclass(frozen=True)
class IndexUsage:
    schemaname: str
    tablename: str
    indexname: str
    idx_scan: int


@dataclass(frozen=True)
class SlowQuery:
    calls: int
    mean_exec_time_ms: float
    query: str


@dataclass
class VacuumReport:
    duration_ms: int = 0
    tables: int = 0
    notices: list[str] = field(default_factory=list)

    def to_detail(self) -> dict[str, Any]:
        return {"statement": "VACUUM (ANALYZE)", **asdict(self)}


def vacuum_analyze(url: str) -> VacuumReport:
    """``VACUUM (ANALYZE)`` of the whole database (blocking; run it in a thread from async code).

    VACUUM cannot run inside a transaction block, so this opens its own autocommit connection.
    The server's notices (e.g. tables skipped for lack of ownership) are kept in the report.
    """
    report = VacuumReport()
    started = time.monotonic()
    with psycopg.connect(libpq_url(url), autocommit=True, options=NEW_YORK_OPTIONS) as conn:
        conn.add_notice_handler(lambda notice: report.notices.append(_notice_text(notice)))
        conn.execute("VACUUM (ANALYZE)")
        row = conn.execute("SELECT COUNT(*) FROM pg_stat_user_tables").fetchone()
    report.duration_ms = round((time.monotonic() - started) * 1000)
    report.tables = int(row[0]) if row else 0
    return report


def _notice_text(notice: psycopg.errors.Diagnostic) -> str:
    return f"{notice.severity}: {notice.message_primary}"


async def index_usage(session: AsyncSession, *, limit: int | None = None) -> list[IndexUsage]:
    """Indexes of this database, least used first (``idx_scan`` since statistics were reset)."""
    rows = (await session.execute(INDEX_USAGE)).all()
    selected = rows if limit is None else rows[:limit]
    return [IndexUsage(row[0], row[1], row[2], int(row[3] or 0)) for row in selected]


async def slow_queries(session: AsyncSession, *, limit: int = 10) -> list[SlowQuery]:
    """The statements with the highest mean execution time in this database.

    Raises ``SlowQueriesUnavailable`` when the extension is missing or not preloaded; the
    session stays usable (the query runs in a savepoint).
    """
    try:
        async with session.begin_nested():
            rows = (await session.execute(SLOW_QUERIES, {"limit": limit})).all()
    except DBAPIError as error:
        raise SlowQueriesUnavailable(_unavailable_reason(error)) from error
    return [SlowQuery(int(row[0]), float(row[1]), str(row[2])) for row in rows]


def _unavailable_reason(error: DBAPIError) -> str:
    if isinstance(error.orig, pg_errors.UndefinedTable):
        return NOT_INSTALLED
    if isinstance(error.orig, pg_errors.ObjectNotInPrerequisiteState):
        return NOT_PRELOADED
    raise error
