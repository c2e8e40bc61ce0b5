"""The per-request unit of work as a FastAPI dependency.

The session is committed after the endpoint returns and *before* the response is sent
(``scope="function"``), so a client never sees success for a transaction that failed to commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.db.engine import unit_of_work


async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with unit_of_work(request.app.state.engine) as session:
        yield session


DbSession = Annotated[AsyncSession, Depends(request_session, scope="function")]


async def streaming_session(request: Request) -> AsyncIterator[AsyncSession]:
    """For a streamed response body: the session lives (and commits) after the last byte."""
    async with unit_of_work(request.app.state.engine) as session:
        yield session


StreamingDbSession = Annotated[AsyncSession, Depends(streaming_session, scope="request")]


# Opens one more unit of work each time it is called.
UnitsOfWork = Callable[[], AbstractAsyncContextManager[AsyncSession]]


def units_of_work(request: Request) -> UnitsOfWork:
    """For work that outlives the request's own unit of work (the assistant's answer, written by
    a task while it streams): each call opens a transaction of its own on the app's engine."""
    engine = request.app.state.engine
    return lambda: unit_of_work(engine)


UnitsOfWorkDep = Annotated[UnitsOfWork, Depends(units_of_work)]
