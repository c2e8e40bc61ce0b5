"""Whether the database can be reached: telling an outage (refused or broken connections, a
server restarting) from a statement that failed, and probing until it answers again. The web
answers 503 during an outage and the worker waits and reconnects (docs/reliability.md)."""

from __future__ import annotations

import psycopg
from sqlalchemy import exc as sqlalchemy_errors

from propintel.db.urls import libpq_url

# SQLSTATEs of a server that is going away or not yet accepting connections.
_SERVER_GOING_AWAY = {"57P01", "57P02", "57P03"}
PROBE_TIMEOUT_S = 3


def database_unreachable(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) says the database cannot be reached or is restarting,
    rather than that a statement failed: a refused or broken connection, a server shutting down,
    no pooled connection free in time. A statement timeout or a broken constraint is not this."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, sqlalchemy_errors.TimeoutError | psycopg.InterfaceError):
            return True
        if isinstance(seen, psycopg.OperationalError):
            state = seen.sqlstate
            return state is None or state.startswith("08") or state in _SERVER_GOING_AWAY
        if isinstance(seen, sqlalchemy_errors.DBAPIError) and seen.connection_invalidated:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def database_answers(url: str) -> bool:
    """Whether a new connection to ``url`` opens and answers ``SELECT 1`` within a few seconds."""
    try:
        async with await psycopg.AsyncConnection.connect(
            libpq_url(url), connect_timeout=PROBE_TIMEOUT_S
        ) as connection:
            await connection.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True
