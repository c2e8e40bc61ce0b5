"""The System page's and ``/metrics``' database gauges: a read model across tables, read per scrape.

Like the Economics report (``repository.py``), these statements read several domains' tables
(Procrastinate's queue and workers, token usage, import runs, users) and PostgreSQL's statistics;
they only read, each is a small grouped aggregate (plans in docs/reliability.md), and the
session's statement timeout is lowered first so a slow database cannot hold a scrape. Written as
SQL text: grouped reports over tables this package does not declare, which Core would only obscure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text

from propintel.db.repository import Repository

_TIMEOUT = text("SELECT set_config('statement_timeout', :timeout, true)")

# Queue depth: jobs waiting (todo) or running (doing), per queue.
_QUEUE = text(
    """
    SELECT queue_name, status::text AS status, COUNT(*) AS jobs
    FROM procrastinate_jobs
    WHERE status IN ('todo', 'doing')
    GROUP BY queue_name, status
    ORDER BY queue_name, status
    """
)

# Token charges per action over the last :hours (timestamps are naive New York times, like the
# session's LOCALTIMESTAMP).
_CHARGES = text(
    """
    SELECT COALESCE(action_type, '') AS action, COUNT(*) AS charges,
           COALESCE(SUM(tokens_used), 0) AS tokens
    FROM token_usage_logs
    WHERE timestamp >= LOCALTIMESTAMP - make_interval(hours => :hours)
    GROUP BY 1
    ORDER BY 1
    """
)

# Rows of the imports started in the last :hours, per kind (import_runs.counts, ingest/runs.py).
_IMPORTS = text(
    """
    SELECT kind, COUNT(*) AS runs,
           COUNT(*) FILTER (WHERE status = 'failed') AS failed,
           COALESCE(SUM((counts ->> 'read')::bigint), 0) AS read,
           COALESCE(SUM((counts ->> 'inserted')::bigint), 0) AS inserted,
           COALESCE(SUM((counts ->> 'updated')::bigint), 0) AS updated,
           COALESCE(SUM((counts ->> 'quarantined_total')::bigint), 0) AS quarantined
    FROM import_runs
    WHERE started_at >= LOCALTIMESTAMP - make_interval(hours => :hours)
    GROUP BY kind
    ORDER BY kind
    """
)

_USERS = text("SELECT user_type, COUNT(*) AS users FROM users GROUP BY 1 ORDER BY 1")

_DATABASE = text(
    """
    SELECT pg_database_size(current_database()) AS size_bytes,
           (SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database())
             AS connections,
           (SELECT COUNT(*) FROM pg_stat_activity
             WHERE datname = current_database() AND state = 'active') AS active
    """
)


class SystemRepository(Repository):
    async def limit_statements(self, milliseconds: int) -> None:
        """This transaction's statements give up after ``milliseconds``."""
        await self.session.execute(_TIMEOUT, {"timeout": str(milliseconds)})

    async def queue_depth(self) -> Sequence[Any]:
        """(queue_name, status, jobs) of the todo and doing jobs."""
        return (await self.session.execute(_QUEUE)).all()

    async def token_charges(self, hours: int) -> Sequence[Any]:
        """(action, charges, tokens) over the last ``hours``."""
        return (await self.session.execute(_CHARGES, {"hours": hours})).all()

    async def import_rows(self, hours: int) -> Sequence[Any]:
        """(kind, runs, failed, read, inserted, updated, quarantined) over the last ``hours``."""
        return (await self.session.execute(_IMPORTS, {"hours": hours})).all()

    async def users_by_role(self) -> Sequence[Any]:
        """(user_type, users)."""
        return (await self.session.execute(_USERS)).all()

    async def database(self) -> Any:
        """(size_bytes, connections, active) of this database."""
        return (await self.session.execute(_DATABASE)).one()
