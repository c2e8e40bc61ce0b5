"""The queries of maintenance.

Beside plain reads and deletes this module holds the statements that are not CRUD, which stay
here as hand-written SQL: ``VACUUM (ANALYZE)`` (on an autocommit connection of its own: it cannot
run in a transaction block), the server's statistics views (index usage, ``pg_stat_statements``)
and the list of tables a restore must find empty. Backups themselves are ``pg_dump`` and
``pg_restore`` processes (``backup.py``), not SQL.

Two groups read or write tables of other domains, as maintenance operations over the whole
database: retention deletes old rows of the spec's ``conversation_history`` and
``email_workflow_logs``, and the token reconciliation (``LedgerRepository``) reads the token
ledgers with every user's balance in one set-based query and rewrites the company pool, a figure
derived from those ledgers. Job history is purged through ``propintel.jobs``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from sqlalchemy import RowMapping, text

from propintel.db.engine import CONNECT_ARGS
from propintel.db.repository import Repository
from propintel.db.urls import libpq_url

_NEW_YORK_OPTIONS = CONNECT_ARGS["options"]

# The spec's query names the view's columns ``tablename`` and ``indexname``, which
# pg_stat_user_indexes does not have (they are ``relname`` and ``indexrelname``; that spelling
# belongs to pg_indexes). Same result columns, under the spec's names; ties broken by name.
_INDEX_USAGE = text(
    "SELECT schemaname, relname AS tablename, indexrelname AS indexname, idx_scan "
    "FROM pg_stat_user_indexes "
    "ORDER BY idx_scan ASC, schemaname, relname, indexrelname"
)

# The spec's query, restricted to this database (pg_stat_statements is server-wide).
_SLOW_QUERIES = text(
    "SELECT calls, mean_exec_time, query FROM pg_stat_statements "
    "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "ORDER BY mean_exec_time DESC LIMIT :limit"
)

_CUTOFF = "(NOW() AT TIME ZONE 'America/New_York') - make_interval(days => :days)"
# The assistant's conversations whose last message is past the period go with their messages
# (no empty conversation is left in the chat's list); the count is of messages.
_DELETE_CONVERSATIONS = text(
    f"""
    WITH old_threads AS (DELETE FROM assistant_threads WHERE updated_at < {_CUTOFF}),
         gone AS (DELETE FROM conversation_history WHERE timestamp < {_CUTOFF} RETURNING 1)
    SELECT count(*) FROM gone
    """
)
_DELETE_EMAIL_LOGS = text(f"DELETE FROM email_workflow_logs WHERE sent_at < {_CUTOFF}")

# Locks the pool rows first: a charge that updates the pool while we reconcile either committed
# before our sums are read (they include it) or waits for our commit and then adds itself on
# top of them. Without the lock, its increment could be overwritten by sums that miss it.
_LOCK_POOL = text(
    "SELECT pool_id, tokens_purchased, tokens_consumed, total_tokens "
    "FROM company_token_pool ORDER BY pool_id FOR UPDATE"
)

_RECONCILE_POOL = text(
    """
    WITH ledger AS (
      SELECT (SELECT COALESCE(SUM(tokens), 0) FROM token_purchases) AS purchased,
             (SELECT COALESCE(SUM(tokens_used), 0) FROM token_usage_logs) AS consumed
    )
    UPDATE company_token_pool
    SET tokens_purchased = ledger.purchased,
        tokens_consumed = ledger.consumed,
        total_tokens = ledger.purchased - ledger.consumed,
        updated_at = NOW()
    FROM ledger
    RETURNING pool_id, tokens_purchased, tokens_consumed, total_tokens
    """
)

_IMPLIED_BALANCES = """
    WITH purchases AS (
      SELECT user_id, SUM(tokens) AS tokens FROM token_purchases GROUP BY user_id
    ), transactions AS (
      SELECT user_id, SUM(COALESCE(tokens_amount, 0)) AS tokens FROM token_transactions
      WHERE transaction_type IS NULL OR transaction_type <> ALL(CAST(:mirrored AS text[]))
      GROUP BY user_id
    ), usage AS (
      SELECT user_id, SUM(tokens_used) AS tokens FROM token_usage_logs GROUP BY user_id
    )
    SELECT u.user_id, u.email, u.token_balance,
           COALESCE(p.tokens, 0) AS purchased,
           COALESCE(t.tokens, 0) AS transactions,
           COALESCE(us.tokens, 0) AS used,
           COALESCE(p.tokens, 0) + COALESCE(t.tokens, 0) - COALESCE(us.tokens, 0) AS implied
    FROM users u
    LEFT JOIN purchases p ON p.user_id = u.user_id
    LEFT JOIN transactions t ON t.user_id = u.user_id
    LEFT JOIN usage us ON us.user_id = u.user_id
"""

_DISCREPANCIES = text(
    f"""
    WITH balances AS ({_IMPLIED_BALANCES})
    SELECT *, COUNT(*) OVER () AS total FROM balances
    WHERE token_balance IS DISTINCT FROM implied
    ORDER BY ABS(COALESCE(token_balance, 0) - implied) DESC, email, user_id
    LIMIT :limit
    """
)


def _rowcount(result: Any) -> int:
    return int(result.rowcount or 0)


def vacuum_analyze(url: str, on_notice: Callable[[psycopg.errors.Diagnostic], None]) -> int:
    """``VACUUM (ANALYZE)`` of the whole database at ``url`` (blocking), on an autocommit
    connection of its own; the server's notices go to ``on_notice``. Returns how many user
    tables the database has."""
    with psycopg.connect(libpq_url(url), autocommit=True, options=_NEW_YORK_OPTIONS) as conn:
        conn.add_notice_handler(on_notice)
        conn.execute("VACUUM (ANALYZE)")
        row = conn.execute("SELECT COUNT(*) FROM pg_stat_user_tables").fetchone()
    return int(row[0]) if row else 0


# How long CLUSTER waits for its lock before giving up: waiting longer behind a running statement
# would hold every search of the properties queued behind the CLUSTER.
REORDER_LOCK_TIMEOUT = "5s"


def reorder_properties(url: str) -> None:
    """Rewrite ``properties`` in the order of its location index (``CLUSTER``), on an autocommit
    connection of its own; ``psycopg.errors.LockNotAvailable`` when the table stayed busy for
    ``REORDER_LOCK_TIMEOUT``. The table is locked while it is rewritten (~30 s per million
    parcels on two cores)."""
    with psycopg.connect(libpq_url(url), autocommit=True, options=_NEW_YORK_OPTIONS) as conn:
        conn.execute(f"SET lock_timeout = '{REORDER_LOCK_TIMEOUT}'")
        conn.execute("CLUSTER properties USING idx_properties_location")


def public_tables(url: str) -> list[str]:
    """The tables in schema ``public`` of ``url``, by name (``psycopg.OperationalError`` when
    the database cannot be reached)."""
    with psycopg.connect(libpq_url(url)) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    return [str(row[0]) for row in rows]


class MaintenanceRepository(Repository):
    async def index_usage(self) -> Sequence[Any]:
        return (await self.session.execute(_INDEX_USAGE)).all()

    async def slow_queries(self, limit: int) -> Sequence[Any]:
        """In a savepoint: when ``pg_stat_statements`` cannot be read (``DBAPIError``), the
        session stays usable."""
        async with self.session.begin_nested():
            return (await self.session.execute(_SLOW_QUERIES, {"limit": limit})).all()

    async def delete_conversations_older_than(self, days: int) -> int:
        return int((await self.session.execute(_DELETE_CONVERSATIONS, {"days": days})).scalar_one())

    async def delete_email_logs_older_than(self, days: int) -> int:
        """Email logs sent more than ``days`` ago; never-sent ones (``sent_at`` NULL) stay."""
        return _rowcount(await self.session.execute(_DELETE_EMAIL_LOGS, {"days": days}))


class LedgerRepository(Repository):
    """The token reconciliation's statements (a read model across the ledgers and users)."""

    async def lock_pool(self) -> Sequence[Any]:
        return (await self.session.execute(_LOCK_POOL)).all()

    async def reconcile_pool(self) -> Sequence[Any]:
        """Rewrite every pool row from the ledger sums; returns the new figures."""
        return (await self.session.execute(_RECONCILE_POOL)).all()

    async def discrepancies(self, mirrored: Sequence[str], limit: int) -> Sequence[RowMapping]:
        """The ``limit`` users whose balance differs most from the ledgers, each with the total
        count of such users (``total``); ``mirrored`` transaction types are not counted."""
        params = {"mirrored": list(mirrored), "limit": limit}
        return (await self.session.execute(_DISCREPANCIES, params)).mappings().all()
