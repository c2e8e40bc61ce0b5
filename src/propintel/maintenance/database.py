"""The spec's "Performance optimization": VACUUM (ANALYZE), index usage, slow queries."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.kit.i18n import N_
from propintel.maintenance import repository
from propintel.maintenance.repository import MaintenanceRepository

# English message ids: the CLI prints them as they are, the admin page translates them.
NOT_INSTALLED = N_(
    "the pg_stat_statements extension is not installed in this database: run "
    "`CREATE EXTENSION pg_stat_statements` (migration 0002 does it with `propintel db migrate`)"
)
NOT_PRELOADED = N_(
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
    properties_reordered_ms: int | None = None  # None: not reordered (the notices say why)

    def to_detail(self) -> dict[str, Any]:
        return {"statement": "CLUSTER properties; VACUUM (ANALYZE)", **asdict(self)}


def vacuum_analyze(url: str) -> VacuumReport:
    """The weekly upkeep of the whole database (blocking; run it in a thread from async code).

    First the parcels are stored again in map order (``CLUSTER`` on the location index): imports
    and score refreshes write new row versions wherever there is room, so after a while the
    parcels of one neighbourhood sit on as many pages as there are parcels, and every map, ZIP,
    radius or polygon search reads them all (a 3 km polygon at 1M parcels: ~12,500 pages and
    ~90 ms before, ~1,500 pages and ~25 ms after; docs/reliability.md). Then ``VACUUM
    (ANALYZE)``, which cannot run inside a transaction block: each opens its own autocommit
    connection. The server's notices (e.g. tables skipped for lack of ownership) and a reorder
    given up for a busy table are kept in the report.
    """
    report = VacuumReport()
    started = time.monotonic()
    try:
        repository.reorder_properties(url)
        report.properties_reordered_ms = round((time.monotonic() - started) * 1000)
    except (pg_errors.LockNotAvailable, pg_errors.InsufficientPrivilege) as error:
        report.notices.append(f"properties not reordered: {error}")
    started = time.monotonic()  # duration_ms: the VACUUM's own
    report.tables = repository.vacuum_analyze(
        url, lambda notice: report.notices.append(_notice_text(notice))
    )
    report.duration_ms = round((time.monotonic() - started) * 1000)
    return report


def _notice_text(notice: psycopg.errors.Diagnostic) -> str:
    return f"{notice.severity}: {notice.message_primary}"


async def index_usage(session: AsyncSession, *, limit: int | None = None) -> list[IndexUsage]:
    """Indexes of this database, least used first (``idx_scan`` since statistics were reset)."""
    rows = await MaintenanceRepository.from_session(session).index_usage()
    selected = rows if limit is None else rows[:limit]
    return [IndexUsage(row[0], row[1], row[2], int(row[3] or 0)) for row in selected]


async def slow_queries(session: AsyncSession, *, limit: int = 10) -> list[SlowQuery]:
    """The statements with the highest mean execution time in this database.

    Raises ``SlowQueriesUnavailable`` when the extension is missing or not preloaded; the
    session stays usable (the query runs in a savepoint).
    """
    try:
        rows = await MaintenanceRepository.from_session(session).slow_queries(limit)
    except DBAPIError as error:
        raise SlowQueriesUnavailable(_unavailable_reason(error)) from error
    return [SlowQuery(int(row[0]), float(row[1]), str(row[2])) for row in rows]


def _unavailable_reason(error: DBAPIError) -> str:
    if isinstance(error.orig, pg_errors.UndefinedTable):
        return NOT_INSTALLED
    if isinstance(error.orig, pg_errors.ObjectNotInPrerequisiteState):
        return NOT_PRELOADED
    raise error
