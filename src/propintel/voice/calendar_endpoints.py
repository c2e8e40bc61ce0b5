"""Calendar API: your calendar (state, the local ICS calendar, disconnecting) and your upcoming
appointments. Google and Microsoft are connected in the browser (OAuth consent): /voice/calendar.
Needs a plan with AI voice calls (403 otherwise)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from propintel.auth.deps import SubscriberUser
from propintel.catalog import service as catalog
from propintel.config import Settings
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, KeyPart, Listing, Page
from propintel.voice import calendar
from propintel.voice.calendar_schemas import AppointmentOut, CalendarOut

router = APIRouter(prefix="/api/v1/voice", tags=["voice"])
EVENTS = Listing("calendar_events", (KeyPart.DATETIME, KeyPart.UUID))


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("/calendar", response_model=CalendarOut)
async def get_calendar(request: Request, user: SubscriberUser, db: DbSession) -> CalendarOut:
    """Your calendar (``connected: false`` when none), its problem when it stopped accepting our
    access, and which providers this server offers."""
    await catalog.require_feature(db, user, calendar.FEATURE)
    state = await calendar.calendar_of(db, user.user_id)
    return CalendarOut.of(state, settings_of(request))


@router.post("/calendar/local", response_model=CalendarOut, status_code=201)
async def connect_local(request: Request, user: SubscriberUser, db: DbSession) -> CalendarOut:
    """Use the local calendar: appointments go to an ICS feed at a new secret URL (it replaces
    any other calendar and any former feed URL)."""
    state = await calendar.connect_local(db, user, now_new_york())
    return CalendarOut.of(state, settings_of(request))


@router.delete("/calendar", status_code=204)
async def disconnect(user: SubscriberUser, db: DbSession) -> Response:
    """Disconnect your calendar (its token or feed URL is forgotten); 204 even when none."""
    await calendar.disconnect(db, user)
    return Response(status_code=204)


@router.get("/calendar/events", response_model=Page[AppointmentOut])
async def upcoming_events(
    user: SubscriberUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> Page[AppointmentOut]:
    """Your appointments not over yet, soonest first (pending, booked and failed)."""
    await catalog.require_feature(db, user, calendar.FEATURE)
    after = EVENTS.decode_optional(cursor)
    rows = await calendar.upcoming(
        db, user.user_id, now_new_york(), limit + 1, after=(after[0], after[1]) if after else None
    )
    items, next_cursor = EVENTS.page(rows, limit, key=lambda row: (row.starts_at, row.event_id))
    return Page[AppointmentOut](
        items=[AppointmentOut.of(item) for item in items], next_cursor=next_cursor
    )
