"""Calendar booking on a real database: book once per call (local and external), the job books
once however often it runs (and a Google 409 on a retry is "booked"), a revoked grant breaks the
calendar and fails the event, the refresh token is stored encrypted, the OAuth state is checked,
and the ICS feed parses back with its UID, times, summary, location and attendee."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, timedelta

import httpx
import pytest
from icalendar import Calendar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.integrations.calendar import CalendarError
from propintel.integrations.google.calendar import event_id as google_event_id
from propintel.kit import secretbox
from propintel.kit.clock import NEW_YORK
from propintel.kit.errors import Invalid, NotFound
from propintel.voice import calendar, calendar_tasks
from tests.factories import make_subscriber
from tests.voice.calendar_helpers import (
    ENDS,
    NOW,
    REFRESH,
    SETTINGS,
    STARTS,
    FakeProvider,
    book_for,
    make_call,
    queued_bookings,
)


async def connect(
    db: AsyncSession,
    user: User,
    provider: str,
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeProvider | None = None,
) -> FakeProvider:
    fake = fake or FakeProvider()
    fake.install(monkeypatch)
    url = calendar.start_oauth(SETTINGS, user, provider)
    state = httpx.URL(url).params["state"]
    await calendar.finish_oauth(
        db, SETTINGS, user, provider, code="auth-code", state=state, now=NOW
    )
    return fake


async def stored_token(db: AsyncSession, user: User) -> str:
    value: str = (
        await db.execute(
            text("SELECT oauth_refresh_token FROM calendar_integrations WHERE user_id = :u"),
            {"u": user.user_id},
        )
    ).scalar_one()
    return value


# --- booking --------------------------------------------------------------------------------------
async def test_without_a_calendar_the_appointment_is_ours_and_booked_once(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    call_id = await make_call(db, user.user_id)

    first = await book_for(db, user.user_id, call_id)
    second = await book_for(db, user.user_id, call_id)

    assert first == second
    rows = (
        await db.execute(
            text("SELECT provider, status, booked_at FROM calendar_events WHERE call_id = :c"),
            {"c": call_id},
        )
    ).all()
    assert [(r.provider, r.status, r.booked_at) for r in rows] == [("local", "booked", NOW)]
    assert await queued_bookings(db, first) == 0
    found = await calendar.event_for_call(db, user.user_id, call_id)
    assert found is not None and found.event_id == first and found.status == "booked"
    assert await calendar.event_for_call(db, uuid.uuid4(), call_id) is None  # not another's


async def test_aware_times_are_stored_as_new_york_wall_clock(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    call_id = await make_call(db, user.user_id)
    await calendar.book(
        db,
        user_id=user.user_id,
        lead_id=None,
        call_id=call_id,
        starts_at=STARTS.replace(tzinfo=NEW_YORK).astimezone(UTC),  # 15:00 UTC
        ends_at=ENDS.replace(tzinfo=NEW_YORK),
        summary="x",
        description=None,
        location=None,
        attendee_email=None,
        now=NOW,
    )
    found = await calendar.event_for_call(db, user.user_id, call_id)
    assert found is not None and (found.starts_at, found.ends_at) == (STARTS, ENDS)


async def test_an_appointment_must_end_after_it_starts(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    call_id = await make_call(db, user.user_id)
    with pytest.raises(Invalid):
        await calendar.book(
            db,
            user_id=user.user_id,
            lead_id=None,
            call_id=call_id,
            starts_at=STARTS,
            ends_at=STARTS,
            summary="x",
            description=None,
            location=None,
            attendee_email=None,
            now=NOW,
        )


async def test_connecting_google_stores_the_refresh_token_encrypted(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_subscriber(db)
    fake = await connect(db, user, "google", monkeypatch)

    (form,) = fake.token_forms()
    assert form["grant_type"] == "authorization_code" and form["code"] == "auth-code"
    assert form["redirect_uri"].endswith("/voice/calendar/oauth/google/callback")
    stored = await stored_token(db, user)
    assert stored != REFRESH and REFRESH not in stored
    assert secretbox.decrypt(SETTINGS, calendar.TOKEN_PURPOSE, stored) == REFRESH
    state = await calendar.calendar_of(db, user.user_id)
    assert state is not None
    assert (state.provider, state.status, state.calendar_id) == ("google", "connected", "primary")
    assert state.account_email == "owner.of.calendar@example.com"


async def test_a_tampered_or_foreign_state_is_refused(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_subscriber(db)
    other = await make_subscriber(db)
    fake = FakeProvider()
    fake.install(monkeypatch)
    state = httpx.URL(calendar.start_oauth(SETTINGS, user, "google")).params["state"]
    for bad_user, bad_provider, bad_state in (
        (user, "google", state[:-2] + ("A" if state[-2] != "A" else "B") + state[-1]),
        (other, "google", state),  # another user's sign-in
        (user, "microsoft", state),  # signed for Google
        (user, "google", "not-a-state"),
    ):
        with pytest.raises(Invalid):
            await calendar.finish_oauth(
                db, SETTINGS, bad_user, bad_provider, code="c", state=bad_state, now=NOW
            )
    assert fake.requests == []  # no code was exchanged
    assert await calendar.calendar_of(db, user.user_id) is None


async def test_an_expired_state_is_refused(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_subscriber(db)
    state = httpx.URL(calendar.start_oauth(SETTINGS, user, "google")).params["state"]
    real_loads = calendar.URLSafeTimedSerializer.loads

    def later(self: object, value: str, max_age: int | None = None, **kw: object) -> object:
        return real_loads(self, value, max_age=-1, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(calendar.URLSafeTimedSerializer, "loads", later)
    with pytest.raises(Invalid) as refused:
        calendar.check_state(SETTINGS, user, "google", state)
    assert "too long" in refused.value.message


async def test_google_booking_is_deferred_then_made_once(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_subscriber(db)
    fake = await connect(db, user, "google", monkeypatch)
    call_id = await make_call(db, user.user_id)

    event_id = await book_for(db, user.user_id, call_id)
    assert await book_for(db, user.user_id, call_id) == event_id
    assert await queued_bookings(db, event_id) == 1
    pending = await calendar.event_for_call(db, user.user_id, call_id)
    assert pending is not None and (pending.provider, pending.status) == ("google", "pending")

    async with fake.client() as http:
        first = await calendar.book_event(db, event_id, settings=SETTINGS, now=NOW, http=http)
        again = await calendar.book_event(db, event_id, settings=SETTINGS, now=NOW, http=http)

    assert (first, again) == ("booked", "already booked")
    (request,) = fake.event_requests()
    assert request.url.params["sendUpdates"] == "all"
    body = request.read()
    assert google_event_id(f"call-{call_id}").encode() in body
    refresh_forms = [f for f in fake.token_forms() if f["grant_type"] == "refresh_token"]
    assert [f["refresh_token"] for f in refresh_forms] == [REFRESH]
    booked = await calendar.event_for_call(db, user.user_id, call_id)
    assert booked is not None and (booked.status, booked.external_id) == ("booked", "evt-1")
    state = await calendar.calendar_of(db, user.user_id)
    assert state is not None and state.last_synced_at == NOW


async def test_a_google_409_on_a_retry_is_booked_once(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_subscriber(db)
    answers = iter([httpx.Response(503), httpx.Response(409, json={"error": {"code": 409}})])
    fake = await connect(db, user, "google", monkeypatch, FakeProvider(lambda _r: next(answers)))
    call_id = await make_call(db, user.user_id)
    event_id = await book_for(db, user.user_id, call_id)

    async with fake.client() as http:
        with pytest.raises(CalendarError):  # the job raises: Procrastinate retries
            await calendar.book_event(db, event_id, settings=SETTINGS, now=NOW, http=http)
        outcome = await calendar.book_event(db, event_id, settings=SETTINGS, now=NOW, http=http)

    assert outcome == "booked"
    first, retry = fake.event_requests()
    assert first.read() == retry.read()  # the same event id both times
    row = (
        await db.execute(
            text("SELECT status, external_id FROM calendar_events WHERE event_id = :e"),
            {"e": event_id},
        )
    ).one()
    assert tuple(row) == ("booked", google_event_id(f"call-{call_id}"))


async def test_a_revoked_grant_breaks_the_calendar_and_fails_the_event(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_subscriber(db)
    fake = await connect(db, user, "google", monkeypatch)
    event_id = await book_for(db, user.user_id, await make_call(db, user.user_id))
    fake.token = lambda _r: httpx.Response(400, json={"error": "invalid_grant"})
    later = NOW + timedelta(hours=1)

    async with fake.client() as http:
        outcome = await calendar.book_event(db, event_id, settings=SETTINGS, now=later, http=http)

    assert outcome == "failed"
    assert fake.event_requests() == []
    state = await calendar.calendar_of(db, user.user_id)
    assert state is not None and state.broken and state.broken_at == later
    assert state.broken_reason and "invalid_grant" in state.broken_reason
    problem = await calendar.calendar_problem(db, user.user_id)
    assert problem == "Google Calendar stopped accepting our access on 2026-12-06: reconnect it."
    failed = (await calendar.upcoming(db, user.user_id, NOW, 10))[0]
    assert failed.status == "failed" and failed.error == problem


async def test_microsoft_stores_the_rotated_refresh_token(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_subscriber(db)
    tokens = iter(["rt-first", "rt-rotated"])
    fake = FakeProvider(
        events=lambda r: httpx.Response(
            200 if r.url.path == "/v1.0/me" else 201, json={"id": "AAMk=", "mail": "me@x.com"}
        ),
        token=lambda _r: httpx.Response(
            200, json={"access_token": "at", "refresh_token": next(tokens)}
        ),
    )
    await connect(db, user, "microsoft", monkeypatch, fake)
    call_id = await make_call(db, user.user_id)
    event_id = await book_for(db, user.user_id, call_id)
    monkeypatch.setattr(calendar_tasks, "get_settings", lambda: SETTINGS)

    await calendar_tasks.book_calendar_event_job(db, event_id=str(event_id))  # the job itself

    assert secretbox.decrypt(SETTINGS, calendar.TOKEN_PURPOSE, await stored_token(db, user)) == (
        "rt-rotated"
    )
    (created,) = [r for r in fake.requests if r.url.path == "/v1.0/me/events"]
    assert json.loads(created.read())["transactionId"] == f"call-{call_id}"


# --- the ICS feed ---------------------------------------------------------------------------------
async def test_the_local_feed_parses_back(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    state = await calendar.connect_local(db, user, NOW)
    assert state.feed_token and len(state.feed_token) >= 40
    call_id = await make_call(db, user.user_id)
    await book_for(db, user.user_id, call_id)

    parsed = Calendar.from_ical(await calendar.feed_of(db, state.feed_token, NOW))

    assert str(parsed["VERSION"]) == "2.0" and "PropIntel" in str(parsed["PRODID"])
    (event,) = parsed.walk("VEVENT")
    assert str(event["UID"]) == f"call-{call_id}@propintel"
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None and str(start.tzinfo) == "America/New_York"
    assert start.replace(tzinfo=None) == STARTS
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTEND").replace(tzinfo=None) == ENDS
    assert str(event["SUMMARY"]) == "Roof estimate: 100 NW 1 AVE"
    assert str(event["LOCATION"]) == "100 NW 1 AVE, MIAMI FL 33128"
    assert str(event["ATTENDEE"]) == "mailto:owner@example.com"

    with pytest.raises(NotFound):
        await calendar.feed_of(db, "not-a-token", NOW)
