"""Engine and sessions. One request or one job is one transaction, committed at its edge."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from propintel.config import Settings, get_settings
from propintel.db.urls import database_url, sqlalchemy_url
from propintel.kit.errors import DomainError

# Business time is New York time: the spec stores TIMESTAMP without zone in America/New_York.
CONNECT_ARGS = {"options": "-c timezone=America/New_York"}


def connect_args(pooler: str = "none") -> dict[str, Any]:
    """The driver's connection arguments. Through a transaction-pooling PgBouncer
    (``PROPINTEL_DATABASE_POOLER=transaction``) consecutive transactions may run on different
    server connections, so psycopg must never prepare a statement (``prepare_threshold=None``),
    and PgBouncer refuses the ``options`` startup parameter: the database's own default time
    zone (America/New_York, set by the first migration) applies instead."""
    if pooler == "transaction":
        return {"prepare_threshold": None}
    return dict(CONNECT_ARGS)


def create_engine_for(url: str, *, pool_size: int = 10, pooler: str = "none") -> AsyncEngine:
    return create_async_engine(
        sqlalchemy_url(url),
        pool_size=pool_size,
        max_overflow=10,
        pool_pre_ping=True,
        connect_args=connect_args(pooler),
    )


@lru_cache
def _engine_for(url: str, pooler: str) -> AsyncEngine:
    return create_engine_for(url, pooler=pooler)


def get_engine(settings: Settings | None = None) -> AsyncEngine:
    settings = settings or get_settings()
    return _engine_for(database_url(settings), settings.database_pooler)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


@asynccontextmanager
async def unit_of_work(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """One transaction: committed when the block ends normally, rolled back on any exception
    (except a domain error that asks for its changes to be kept)."""
    async with session_factory(engine)() as session:
        try:
            yield session
        except DomainError as error:
            await (session.commit() if error.commit_changes else session.rollback())
            raise
        except BaseException:
            await session.rollback()
            raise
        await session.commit()


T = TypeVar("T")


async def in_unit_of_work(url: str, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """``action`` in one unit of work on an engine of its own for ``url``, disposed afterwards:
    a command's one-off (a CLI, the demo loader), which has no app engine to borrow."""
    engine = create_engine_for(url, pool_size=1)
    try:
        async with unit_of_work(engine) as session:
            return await action(session)
    finally:
        await engine.dispose()
