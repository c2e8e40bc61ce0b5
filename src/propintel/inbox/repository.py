"""The inbox's queries. Idempotency lives in the statement: the unique (source, event id)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, func, literal, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert

from propintel.db.repository import Repository
from propintel.inbox.tables import webhook_events


@dataclass(frozen=True)
class StoredEvent:
    event_pk: uuid.UUID
    source: str
    event_id: str
    event_type: str
    event_created: datetime
    payload: Any
    processed_at: datetime | None


class InboxRepository(Repository):
    async def store(
        self, source: str, event_id: str, event_type: str, created: datetime, payload: str
    ) -> uuid.UUID | None:
        """The event's row id if it is new; None when this event was already received."""
        statement = (
            insert(webhook_events)
            .values(
                source=source,
                event_id=event_id,
                event_type=event_type,
                event_created=created,
                # the provider's JSON text as received, parsed by PostgreSQL
                payload=cast(literal(payload, Text), JSONB),
            )
            .on_conflict_do_nothing(
                index_elements=[webhook_events.c.source, webhook_events.c.event_id]
            )
            .returning(webhook_events.c.event_pk)
        )
        rows = (await self.session.execute(statement)).all()
        return rows[0].event_pk if rows else None

    async def lock(self, event_pk: uuid.UUID) -> StoredEvent | None:
        rows = (
            await self.session.execute(
                select(
                    webhook_events.c.event_pk,
                    webhook_events.c.source,
                    webhook_events.c.event_id,
                    webhook_events.c.event_type,
                    webhook_events.c.event_created,
                    webhook_events.c.payload,
                    webhook_events.c.processed_at,
                )
                .where(webhook_events.c.event_pk == event_pk)
                .with_for_update()
            )
        ).all()
        return StoredEvent(**rows[0]._mapping) if rows else None

    async def mark_processed(self, event_pk: uuid.UUID, outcome: str) -> None:
        await self.session.execute(
            update(webhook_events)
            .where(webhook_events.c.event_pk == event_pk)
            .values(
                processed_at=func.now(), outcome=outcome, attempts=webhook_events.c.attempts + 1
            )
        )
