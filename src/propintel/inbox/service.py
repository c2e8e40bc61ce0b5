"""The webhook inbox, for every provider (ARCHITECTURE.md, "Webhook inbox").

The endpoint verifies the provider's signature on the raw request first (nothing is stored when it
fails), then ``receive`` stores the event once under its (source, event id) and defers the
source's handler job in the same transaction. The job calls ``handle``: it locks the row, skips an
event already processed, runs the handler and records its outcome. A replayed delivery finds its
row already stored and changes nothing; a handler that raises leaves the row unprocessed for the
job's retry.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.inbox.repository import InboxRepository, StoredEvent
from propintel.jobs.enqueue import defer_in_transaction

__all__ = ["EventHandler", "StoredEvent", "handle", "receive"]

EventHandler = Callable[[AsyncSession, StoredEvent], Awaitable[str]]


async def receive(
    session: AsyncSession,
    *,
    source: str,
    event_id: str,
    event_type: str,
    created: datetime,
    payload: str,
    handler_job: str,
) -> uuid.UUID | None:
    """Store a verified event once and defer ``handler_job(event_pk=…)`` with it. Returns the
    stored row's id, or None for an event received before (a replay: nothing happens).
    ``payload`` is JSON text; ``created`` naive New York time."""
    event_pk = await InboxRepository.from_session(session).store(
        source, event_id, event_type, created, payload
    )
    if event_pk is not None:
        await defer_in_transaction(session, handler_job, event_pk=str(event_pk))
    return event_pk


async def handle(session: AsyncSession, event_pk: uuid.UUID, handler: EventHandler) -> str:
    """Handle one stored event once (a second run finds it processed). A handler that cannot
    proceed yet raises, so the job retries it later; the row stays unprocessed until then."""
    repo = InboxRepository.from_session(session)
    event = await repo.lock(event_pk)
    if event is None:
        return "no such event"
    if event.processed_at is not None:
        return "already processed"
    outcome = await handler(session, event)
    await repo.mark_processed(event_pk, outcome)
    return outcome
