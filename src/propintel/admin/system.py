"""The system's state at a glance: the database gauges of ``/metrics`` and the admin System page.

``system_snapshot`` reads queue depth, stalled jobs, token charges and import rows (last 24 h),
users by role and the database's size and connections, each a small grouped query under a short
statement timeout, in a savepoint (a timeout leaves the request's transaction usable: the
snapshot is then ``None`` and ``/metrics`` still answers, with ``propintel_system_up 0``).
``SnapshotCollector`` turns a snapshot into Prometheus gauges for one scrape.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import structlog
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.admin.system_repository import SystemRepository
from propintel.jobs.queue import stalled_jobs
from propintel.jobs.stalled import STALLED_AFTER_S

STATEMENT_TIMEOUT_MS = 2000
# A doing job whose worker has not beaten for this long is stalled: what the sweep retries.
HEARTBEAT_SECONDS = round(STALLED_AFTER_S)
WINDOW_HOURS = 24

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class QueueDepth:
    queue: str
    status: str  # todo | doing
    jobs: int


@dataclass(frozen=True)
class StalledJobs:
    queue: str
    task: str
    jobs: int


@dataclass(frozen=True)
class TokenCharges:
    action: str
    charges: int
    tokens: int


@dataclass(frozen=True)
class ImportRows:
    kind: str
    runs: int
    failed: int
    read: int
    inserted: int
    updated: int
    quarantined: int


@dataclass(frozen=True)
class SystemSnapshot:
    queues: list[QueueDepth]
    stalled: list[StalledJobs]
    charges: list[TokenCharges]
    imports: list[ImportRows]
    users: dict[str, int]
    database_bytes: int
    connections: int
    active_connections: int

    @property
    def stalled_total(self) -> int:
        return sum(row.jobs for row in self.stalled)


async def system_snapshot(session: AsyncSession) -> SystemSnapshot | None:
    """The database's side of the system now; None when the database did not answer in time."""
    repository = SystemRepository.from_session(session)
    try:
        async with session.begin_nested():
            await repository.limit_statements(STATEMENT_TIMEOUT_MS)
            queues = await repository.queue_depth()
            stalled = await stalled_jobs(session, HEARTBEAT_SECONDS)
            charges = await repository.token_charges(WINDOW_HOURS)
            imports = await repository.import_rows(WINDOW_HOURS)
            users = await repository.users_by_role()
            database = await repository.database()
    except DBAPIError as error:
        log.warning("system_snapshot_failed", error=str(error.orig or error).splitlines()[0])
        return None
    return SystemSnapshot(
        queues=[QueueDepth(row.queue_name, row.status, row.jobs) for row in queues],
        stalled=[StalledJobs(row.queue_name, row.task_name, row.jobs) for row in stalled],
        charges=[TokenCharges(row.action, row.charges, int(row.tokens)) for row in charges],
        imports=[
            ImportRows(
                row.kind,
                row.runs,
                row.failed,
                int(row.read),
                int(row.inserted),
                int(row.updated),
                int(row.quarantined),
            )
            for row in imports
        ],
        users={row.user_type: row.users for row in users},
        database_bytes=int(database.size_bytes),
        connections=int(database.connections),
        active_connections=int(database.active),
    )


class SnapshotCollector(Collector):
    """One scrape's database gauges, from a snapshot taken just before."""

    def __init__(self, snapshot: SystemSnapshot | None) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterator[GaugeMetricFamily]:
        snapshot = self.snapshot
        yield GaugeMetricFamily(
            "propintel_system_up",
            "1 when the database answered this scrape's queries in time, else 0.",
            value=0 if snapshot is None else 1,
        )
        if snapshot is None:
            return
        queue = GaugeMetricFamily(
            "propintel_queue_jobs",
            "Jobs waiting (todo) or running (doing), by queue.",
            labels=("queue", "status"),
        )
        for row in snapshot.queues:
            queue.add_metric((row.queue, row.status), row.jobs)
        yield queue
        stalled = GaugeMetricFamily(
            "propintel_stalled_jobs",
            f"Jobs running (doing) with no worker heartbeat in {HEARTBEAT_SECONDS} s.",
            labels=("queue", "task"),
        )
        for job in snapshot.stalled:
            stalled.add_metric((job.queue, job.task), job.jobs)
        yield stalled
        charges = GaugeMetricFamily(
            "propintel_token_charges_24h",
            "Token charges in the last 24 hours, by action.",
            labels=("action",),
        )
        tokens = GaugeMetricFamily(
            "propintel_tokens_charged_24h",
            "Tokens charged in the last 24 hours, by action.",
            labels=("action",),
        )
        for charge in snapshot.charges:
            charges.add_metric((charge.action,), charge.charges)
            tokens.add_metric((charge.action,), charge.tokens)
        yield charges
        yield tokens
        runs = GaugeMetricFamily(
            "propintel_import_runs_24h",
            "Imports started in the last 24 hours, by kind and outcome (failed or not).",
            labels=("kind", "failed"),
        )
        rows = GaugeMetricFamily(
            "propintel_import_rows_24h",
            "Rows of the imports started in the last 24 hours, by kind and what became of them.",
            labels=("kind", "count"),
        )
        for run in snapshot.imports:
            runs.add_metric((run.kind, "false"), run.runs - run.failed)
            runs.add_metric((run.kind, "true"), run.failed)
            for name in ("read", "inserted", "updated", "quarantined"):
                rows.add_metric((run.kind, name), getattr(run, name))
        yield runs
        yield rows
        users = GaugeMetricFamily("propintel_users", "Accounts, by role.", labels=("role",))
        for role, count in snapshot.users.items():
            users.add_metric((role,), count)
        yield users
        yield GaugeMetricFamily(
            "propintel_database_size_bytes",
            "pg_database_size of the application's database.",
            value=snapshot.database_bytes,
        )
        yield _connections(snapshot)


def _connections(snapshot: SystemSnapshot) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "propintel_database_connections",
        "Connections to the application's database (pg_stat_activity): all, and active.",
        labels=("state",),
    )
    family.add_metric(("all",), snapshot.connections)
    family.add_metric(("active",), snapshot.active_connections)
    return family
