"""The calendar API's answers (``/api/v1/voice/calendar…``)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from propintel.config import Settings
from propintel.kit.clock import NewYorkDatetime
from propintel.voice import calendar
from propintel.voice.paths import webhook_url


class CalendarOut(BaseModel):
    connected: bool
    provider: Literal["google", "microsoft", "local"] | None = None
    status: Literal["connected", "broken"] | None = None
    account_email: str | None = None
    feed_url: str | None = Field(
        default=None,
        description="The local calendar's ICS feed (secret: anyone with it can read it).",
    )
    problem: str | None = Field(default=None, description="What to fix (a revoked calendar).")
    broken_at: NewYorkDatetime | None = None
    connected_at: NewYorkDatetime | None = None
    last_synced_at: NewYorkDatetime | None = None
    offered: dict[str, bool] = Field(
        default_factory=dict, description="Each provider and whether this server can connect it."
    )

    @classmethod
    def of(cls, state: calendar.CalendarState | None, settings: Settings) -> CalendarOut:
        offered = calendar.offered_providers(settings)
        if state is None:
            return cls(connected=False, offered=offered)
        return cls(
            connected=True,
            provider=state.provider,
            status=state.status,
            account_email=state.account_email,
            feed_url=webhook_url(settings, state.feed_path) if state.feed_path else None,
            problem=calendar.problem_of(state),
            broken_at=state.broken_at,
            connected_at=state.connected_at,
            last_synced_at=state.last_synced_at,
            offered=offered,
        )


class AppointmentOut(BaseModel):
    event_id: uuid.UUID
    lead_id: uuid.UUID | None
    call_id: uuid.UUID | None
    provider: str
    status: Literal["pending", "booked", "failed"]
    starts_at: NewYorkDatetime
    ends_at: NewYorkDatetime
    summary: str
    location: str | None
    attendee_email: str | None
    external_id: str | None
    error: str | None

    @classmethod
    def of(cls, item: calendar.Appointment) -> AppointmentOut:
        return cls(
            event_id=item.event_id,
            lead_id=item.lead_id,
            call_id=item.call_id,
            provider=item.provider,
            status=item.status,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            summary=item.summary,
            location=item.location,
            attendee_email=item.attendee_email,
            external_id=item.external_id,
            error=item.error,
        )
