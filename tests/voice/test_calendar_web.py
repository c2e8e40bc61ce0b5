"""Calendar pages and API: the plan gate (403 for the contractor plan), empty states, the local
calendar and its public feed (404 for an unknown token), the OAuth round trip through the
callback (a tampered state refused, access_denied explained), the broken-calendar banner,
disconnecting after a confirmation, and the API's answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from propintel.config import get_settings
from propintel.kit.clock import now_new_york
from propintel.voice import calendar
from tests.factories import api_as, bearer_for, csrf_of, log_in_browser, make_subscriber
from tests.voice.calendar_helpers import SETTINGS, FakeProvider, make_call

PAGE = "/voice/calendar"


@pytest.fixture
def app_options() -> dict[str, Any]:
    return {"settings": SETTINGS}


async def logged_in(client: httpx.AsyncClient, db: AsyncSession, plan: Plan = Plan.FULL) -> Any:
    user = await make_subscriber(db, plan)
    await log_in_browser(client, user)
    return user


async def test_the_contractor_plan_is_refused(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await logged_in(client, db, Plan.CONTRACTOR)
    page = await client.get(PAGE)
    assert page.status_code == 403
    assert 'data-testid="calendar-upgrade"' in page.text
    client.cookies.clear()  # the API as a bearer-token client
    headers = await api_as(client, db, Plan.CONTRACTOR)
    assert (await client.get("/api/v1/voice/calendar", headers=headers)).status_code == 403
    assert (await client.post("/api/v1/voice/calendar/local", headers=headers)).status_code == 403
    assert (await client.get("/api/v1/voice/calendar/events", headers=headers)).status_code == 403


async def test_empty_states_and_offered_providers(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await logged_in(client, db)
    page = await client.get(PAGE)
    assert page.status_code == 200
    assert 'data-testid="calendar-none"' in page.text
    assert 'data-testid="calendar-no-appointments"' in page.text
    assert 'data-testid="calendar-connect-google"' in page.text
    assert "not configured on this server" not in page.text


async def test_unconfigured_providers_are_disabled(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    await logged_in(client, db)
    bare = get_settings().model_copy(
        update={"google_oauth_client_id": None, "microsoft_oauth_client_id": None}
    )
    monkeypatch.setattr(client._transport.app.state, "settings", bare)  # type: ignore[attr-defined]
    page = await client.get(PAGE)
    assert page.text.count("not configured on this server") == 2
    refused = await client.post(PAGE + "/connect/google", data={"csrf_token": csrf_of(client)})
    assert refused.status_code == 303 and refused.headers["location"] == PAGE


async def test_the_local_calendar_and_its_feed(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await logged_in(client, db)
    done = await client.post(PAGE + "/local", data={"csrf_token": csrf_of(client)})
    assert done.status_code == 303
    state = await calendar.calendar_of(db, user.user_id)
    assert state is not None and state.feed_token
    call_id = await make_call(db, user.user_id)
    now = now_new_york()
    await calendar.book(
        db,
        user_id=user.user_id,
        lead_id=None,
        call_id=call_id,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=1),
        summary="Kitchen estimate",
        description=None,
        location="1 Main St",
        attendee_email=None,
        now=now,
    )
    page = await client.get(PAGE)
    assert f"/calendar/feeds/{state.feed_token}.ics" in page.text
    assert 'data-testid="calendar-appointments"' in page.text and "Kitchen estimate" in page.text

    anonymous = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    feed = await anonymous.get(f"/calendar/feeds/{state.feed_token}.ics")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Kitchen estimate"
    assert (await anonymous.get("/calendar/feeds/unknown-token.ics")).status_code == 404


async def test_oauth_round_trip_and_a_tampered_state(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await logged_in(client, db)
    fake = FakeProvider()
    fake.install(monkeypatch)
    start = await client.post(PAGE + "/connect/google", data={"csrf_token": csrf_of(client)})
    assert start.status_code == 303
    consent = httpx.URL(start.headers["location"])
    assert consent.host == "accounts.google.com"
    state = consent.params["state"]
    callback = PAGE + "/oauth/google/callback"

    tampered = await client.get(callback, params={"code": "c", "state": state + "x"})
    assert tampered.status_code == 303 and fake.requests == []
    assert await calendar.calendar_of(db, user.user_id) is None

    denied = await client.get(callback, params={"error": "access_denied", "state": state})
    assert denied.status_code == 303
    shown = await client.get(PAGE)
    assert "You did not allow access to your calendar" in shown.text

    done = await client.get(callback, params={"code": "c", "state": state})
    assert done.status_code == 303 and done.headers["location"] == PAGE
    connected = await client.get(PAGE)
    assert "Google Calendar is connected" in connected.text
    assert "owner.of.calendar@example.com" in connected.text


async def test_a_broken_calendar_shows_a_banner(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await logged_in(client, db)
    fake = FakeProvider()
    fake.install(monkeypatch)
    state = httpx.URL(calendar.start_oauth(SETTINGS, user, "google")).params["state"]
    now = now_new_york()
    await calendar.finish_oauth(db, SETTINGS, user, "google", code="c", state=state, now=now)
    event_id = await calendar.book(
        db,
        user_id=user.user_id,
        lead_id=None,
        call_id=await make_call(db, user.user_id),
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=1),
        summary="Roof",
        description=None,
        location=None,
        attendee_email=None,
        now=now,
    )
    fake.token = lambda _r: httpx.Response(400, json={"error": "invalid_grant"})
    async with fake.client() as http:
        await calendar.book_event(db, event_id, settings=SETTINGS, now=now, http=http)

    page = await client.get(PAGE)
    assert 'data-testid="calendar-broken"' in page.text
    assert "Google Calendar stopped accepting our access on" in page.text
    assert "Reconnect Google Calendar" in page.text
    headers = {"X-CSRF-Token": csrf_of(client)}
    api = (await client.get("/api/v1/voice/calendar", headers=headers)).json()
    assert api["status"] == "broken" and api["problem"].startswith("Google Calendar stopped")


async def test_disconnect_after_a_confirmation(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await logged_in(client, db)
    assert (await client.get(PAGE + "/disconnect")).status_code == 303  # nothing to disconnect
    await calendar.connect_local(db, user, now_new_york())
    confirm = await client.get(PAGE + "/disconnect")
    assert confirm.status_code == 200 and 'data-testid="calendar-disconnect"' in confirm.text
    assert await calendar.calendar_of(db, user.user_id) is not None  # asking changes nothing
    done = await client.post(PAGE + "/disconnect", data={"csrf_token": csrf_of(client)})
    assert done.status_code == 303
    assert await calendar.calendar_of(db, user.user_id) is None


async def test_the_api(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await api_as(client, db, Plan.FULL)
    empty = await client.get("/api/v1/voice/calendar", headers=headers)
    assert empty.status_code == 200
    assert empty.json()["connected"] is False
    assert empty.json()["offered"] == {"google": True, "microsoft": True, "local": True}

    made = await client.post("/api/v1/voice/calendar/local", headers=headers)
    assert made.status_code == 201
    body = made.json()
    assert body["provider"] == "local" and body["feed_url"].endswith(".ics")

    events = await client.get("/api/v1/voice/calendar/events", headers=headers)
    assert events.status_code == 200 and events.json() == {"items": [], "next_cursor": None}
    forged = await client.get("/api/v1/voice/calendar/events?cursor=abc", headers=headers)
    assert forged.status_code == 422

    gone = await client.delete("/api/v1/voice/calendar", headers=headers)
    assert gone.status_code == 204
    assert (await client.get("/api/v1/voice/calendar", headers=headers)).json()[
        "connected"
    ] is False


async def test_events_page_by_cursor(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await make_subscriber(db, Plan.FULL)
    headers = await bearer_for(client, user)
    now = now_new_york()
    for day in (3, 1, 2):
        await calendar.book(
            db,
            user_id=user.user_id,
            lead_id=None,
            call_id=await make_call(db, user.user_id),
            starts_at=now + timedelta(days=day),
            ends_at=now + timedelta(days=day, hours=1),
            summary=f"Day {day}",
            description=None,
            location=None,
            attendee_email=None,
            now=now,
        )
    first = (await client.get("/api/v1/voice/calendar/events?limit=2", headers=headers)).json()
    assert [item["summary"] for item in first["items"]] == ["Day 1", "Day 2"]
    rest = await client.get(
        "/api/v1/voice/calendar/events",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=headers,
    )
    assert [item["summary"] for item in rest.json()["items"]] == ["Day 3"]
    assert rest.json()["next_cursor"] is None
