"""The statements of calendar booking: a subscriber's calendar (``calendar_integrations``, one per
subscriber, the OAuth refresh token encrypted) and the appointments booked (``calendar_events``,
one per idempotency key). Every read a user makes is scoped by their ``user_id``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert

from propintel.db.repository import Repository
from propintel.voice.tables import calendar_events, calendars

PENDING = "pending"
BOOKED = "booked"
FAILED = "failed"
CONNECTED = "connected"
BROKEN = "broken"


@dataclass(frozen=True)
class CalendarRow:
    integration_id: uuid.UUID
    user_id: uuid.UUID
    provider: str
    oauth_refresh_token: str | None
    calendar_id: str | None
    status: str
    broken_reason: str | None
    broken_at: datetime | None
    account_email: str | None
    feed_token: str | None
    time_zone: str
    connected_at: datetime | None
    last_synced_at: datetime | None


@dataclass(frozen=True)
class EventRow:
    event_id: uuid.UUID
    user_id: uuid.UUID
    lead_id: uuid.UUID | None
    call_id: uuid.UUID | None
    integration_id: uuid.UUID | None
    provider: str
    idempotency_key: str
    external_id: str | None
    summary: str
    description: str | None
    location: str | None
    attendee_email: str | None
    starts_at: datetime
    ends_at: datetime
    status: str
    error: str | None
    created_at: datetime
    booked_at: datetime | None


_CALENDAR = tuple(calendars.c[name] for name in CalendarRow.__dataclass_fields__)
_EVENT = tuple(calendar_events.c[name] for name in EventRow.__dataclass_fields__)


class CalendarRepository(Repository):
    # --- the calendar ----------------------------------------------------------------------------
    async def calendar(self, user_id: uuid.UUID, *, lock: bool = False) -> CalendarRow | None:
        statement = select(*_CALENDAR).where(calendars.c.user_id == user_id)
        if lock:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).mappings().first()
        return CalendarRow(**row) if row else None

    async def calendar_by_feed(self, feed_token: str) -> CalendarRow | None:
        statement = select(*_CALENDAR).where(
            calendars.c.feed_token == feed_token, calendars.c.provider == "local"
        )
        row = (await self.session.execute(statement)).mappings().first()
        return CalendarRow(**row) if row else None

    async def save_calendar(self, user_id: uuid.UUID, now: datetime, **values: Any) -> None:
        """Connect (or replace) the user's one calendar; ``values``: provider, the encrypted
        token, calendar id, account e-mail, feed token. The state starts over (connected)."""
        columns: dict[str, Any] = {
            "oauth_refresh_token": None,
            "calendar_id": None,
            "account_email": None,
            "feed_token": None,
            **values,
            "status": CONNECTED,
            "broken_reason": None,
            "broken_at": None,
            "sync_enabled": True,
            "connected_at": now,
            "last_synced_at": None,
        }
        statement = insert(calendars).values(user_id=user_id, **columns)
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=["user_id"], set_=columns)
        )

    async def update_calendar(self, integration_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(
            update(calendars).where(calendars.c.integration_id == integration_id).values(**values)
        )

    async def delete_calendar(self, user_id: uuid.UUID) -> bool:
        result = await self.session.execute(
            delete(calendars).where(calendars.c.user_id == user_id).returning(calendars.c.user_id)
        )
        return result.first() is not None

    # --- events ----------------------------------------------------------------------------------
    async def insert_event(self, **values: Any) -> uuid.UUID | None:
        """The new event's id; None when its idempotency key exists already."""
        statement = (
            insert(calendar_events)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(calendar_events.c.event_id)
        )
        found: uuid.UUID | None = (await self.session.execute(statement)).scalar()
        return found

    async def event_by_key(self, idempotency_key: str) -> EventRow | None:
        statement = select(*_EVENT).where(calendar_events.c.idempotency_key == idempotency_key)
        row = (await self.session.execute(statement)).mappings().first()
        return EventRow(**row) if row else None

    async def event(self, event_id: uuid.UUID, *, lock: bool = False) -> EventRow | None:
        statement = select(*_EVENT).where(calendar_events.c.event_id == event_id)
        if lock:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).mappings().first()
        return EventRow(**row) if row else None

    async def update_event(self, event_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(
            update(calendar_events).where(calendar_events.c.event_id == event_id).values(**values)
        )

    async def event_for_call(self, user_id: uuid.UUID, call_id: uuid.UUID) -> EventRow | None:
        statement = select(*_EVENT).where(
            calendar_events.c.user_id == user_id, calendar_events.c.call_id == call_id
        )
        row = (await self.session.execute(statement)).mappings().first()
        return EventRow(**row) if row else None

    async def events_for_lead(
        self, user_id: uuid.UUID, lead_id: uuid.UUID, limit: int
    ) -> list[EventRow]:
        statement = (
            select(*_EVENT)
            .where(calendar_events.c.user_id == user_id, calendar_events.c.lead_id == lead_id)
            .order_by(calendar_events.c.starts_at.desc(), calendar_events.c.event_id.desc())
            .limit(limit)
        )
        rows = (await self.session.execute(statement)).mappings()
        return [EventRow(**row) for row in rows]

    async def upcoming(
        self,
        user_id: uuid.UUID,
        since: datetime,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None = None,
    ) -> list[EventRow]:
        """The user's events ending after ``since``, soonest first (keyset: starts_at, event_id),
        failed ones included (the user should see them)."""
        statement = select(*_EVENT).where(
            calendar_events.c.user_id == user_id, calendar_events.c.ends_at > since
        )
        if after is not None:
            key = (calendar_events.c.starts_at, calendar_events.c.event_id)
            statement = statement.where(tuple_(*key) > tuple_(*after))
        statement = statement.order_by(
            calendar_events.c.starts_at, calendar_events.c.event_id
        ).limit(limit)
        rows = (await self.session.execute(statement)).mappings()
        return [EventRow(**row) for row in rows]

    async def feed_events(self, user_id: uuid.UUID, since: datetime, limit: int) -> list[EventRow]:
        """The local calendar's booked events that start after ``since``, for its ICS feed."""
        statement = (
            select(*_EVENT)
            .where(
                calendar_events.c.user_id == user_id,
                calendar_events.c.provider == "local",
                calendar_events.c.status == BOOKED,
                calendar_events.c.starts_at >= since,
            )
            .order_by(calendar_events.c.starts_at, calendar_events.c.event_id)
            .limit(limit)
        )
        rows = (await self.session.execute(statement)).mappings()
        return [EventRow(**row) for row in rows]
