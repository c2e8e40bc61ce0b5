"""The Google Calendar adapter against httpx.MockTransport: the consent URL, the token requests'
forms, the event's JSON (our own base32hex id, attendee, location, time zone,
sendUpdates=all), 409 as "already there", invalid_grant as revoked, 5xx as retryable."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from propintel.integrations.calendar import AppointmentEvent, CalendarError, CalendarRevoked
from propintel.integrations.google.calendar import GoogleCalendar, event_id

NY = ZoneInfo("America/New_York")
EVENT = AppointmentEvent(
    key="call-6b1f7a2e-0000-4000-8000-000000000001",
    summary="Roof estimate: 100 NW 1 AVE",
    description="Booked by an AI call.",
    location="100 NW 1 AVE, MIAMI FL 33128",
    attendee_email="owner@example.com",
    start=datetime(2026, 12, 8, 10, 0, tzinfo=NY),
    end=datetime(2026, 12, 8, 11, 0, tzinfo=NY),
    time_zone="America/New_York",
)


class Recorder:
    def __init__(self, reply: Callable[[httpx.Request], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []
        self.reply = reply

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.reply(request)


def google(reply: Callable[[httpx.Request], httpx.Response]) -> tuple[GoogleCalendar, Recorder]:
    recorder = Recorder(reply)
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    return GoogleCalendar("client-1", "secret-1", http), recorder


def form_of(request: httpx.Request) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(request.content.decode()).items()}


def id_token(claims: dict[str, object]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJSUzI1NiJ9.{payload}.c2lnbmF0dXJl"


def test_the_consent_url_asks_for_offline_access_to_calendar_events() -> None:
    calendar, _ = google(lambda _r: httpx.Response(500))
    url = urlsplit(calendar.authorization_url("state-1", "https://app.example.com/cb"))
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert (
        f"{url.scheme}://{url.netloc}{url.path}" == "https://accounts.google.com/o/oauth2/v2/auth"
    )
    assert query["response_type"] == "code"
    assert query["client_id"] == "client-1"
    assert query["redirect_uri"] == "https://app.example.com/cb"
    assert query["scope"] == "openid email https://www.googleapis.com/auth/calendar.events"
    assert query["access_type"] == "offline" and query["prompt"] == "consent"
    assert query["state"] == "state-1"


async def test_exchange_posts_the_code_and_reads_the_account_from_the_id_token() -> None:
    answer = {
        "access_token": "ya29.a",
        "refresh_token": "1//r",
        "id_token": id_token({"email": "me@example.com"}),
    }
    calendar, recorder = google(lambda _r: httpx.Response(200, json=answer))
    tokens = await calendar.exchange_code("code-1", "https://app.example.com/cb")
    (request,) = recorder.requests
    assert (request.method, str(request.url)) == ("POST", "https://oauth2.googleapis.com/token")
    assert form_of(request) == {
        "grant_type": "authorization_code",
        "code": "code-1",
        "redirect_uri": "https://app.example.com/cb",
        "client_id": "client-1",
        "client_secret": "secret-1",
    }
    assert (tokens.access_token, tokens.refresh_token) == ("ya29.a", "1//r")
    assert tokens.account_email == "me@example.com"


async def test_refresh_posts_the_refresh_token_form() -> None:
    calendar, recorder = google(lambda _r: httpx.Response(200, json={"access_token": "ya29.b"}))
    tokens = await calendar.refresh("1//r")
    assert form_of(recorder.requests[0]) == {
        "grant_type": "refresh_token",
        "refresh_token": "1//r",
        "client_id": "client-1",
        "client_secret": "secret-1",
    }
    assert tokens.access_token == "ya29.b" and tokens.refresh_token is None


async def test_invalid_grant_is_revoked_and_does_not_quote_the_token() -> None:
    calendar, _ = google(lambda _r: httpx.Response(400, json={"error": "invalid_grant"}))
    with pytest.raises(CalendarRevoked) as revoked:
        await calendar.refresh("1//secret-refresh")
    assert "secret-refresh" not in str(revoked.value)


async def test_create_event_posts_our_id_and_the_appointment() -> None:
    calendar, recorder = google(lambda _r: httpx.Response(200, json={"id": event_id(EVENT.key)}))
    booked = await calendar.create_event("ya29.a", "primary", EVENT)
    (request,) = recorder.requests
    assert request.method == "POST"
    assert request.url.path == "/calendar/v3/calendars/primary/events"
    assert request.url.params["sendUpdates"] == "all"
    assert request.headers["Authorization"] == "Bearer ya29.a"
    body = json.loads(request.content)
    assert body == {
        "id": event_id(EVENT.key),
        "summary": EVENT.summary,
        "description": EVENT.description,
        "location": EVENT.location,
        "start": {"dateTime": "2026-12-08T10:00:00-05:00", "timeZone": "America/New_York"},
        "end": {"dateTime": "2026-12-08T11:00:00-05:00", "timeZone": "America/New_York"},
        "attendees": [{"email": "owner@example.com"}],
    }
    assert booked.external_id == event_id(EVENT.key) and not booked.already_existed


async def test_a_409_means_an_earlier_attempt_made_it() -> None:
    calendar, _ = google(lambda _r: httpx.Response(409, json={"error": {"code": 409}}))
    booked = await calendar.create_event("ya29.a", "primary", EVENT)
    assert booked.already_existed and booked.external_id == event_id(EVENT.key)


async def test_5xx_is_retryable_404_is_not_and_401_is_revoked() -> None:
    calendar, _ = google(lambda _r: httpx.Response(503))
    with pytest.raises(CalendarError) as outage:
        await calendar.create_event("a", "primary", EVENT)
    assert outage.value.retryable
    calendar, _ = google(lambda _r: httpx.Response(404, json={"error": {"message": "Not Found"}}))
    with pytest.raises(CalendarError) as missing:
        await calendar.create_event("a", "primary", EVENT)
    assert not missing.value.retryable
    calendar, _ = google(lambda _r: httpx.Response(401))
    with pytest.raises(CalendarRevoked):
        await calendar.create_event("a", "primary", EVENT)


@given(st.text(min_size=1, max_size=80))
def test_event_ids_are_base32hex_and_stable(key: str) -> None:
    made = event_id(key)
    assert re.fullmatch(r"[a-v0-9]{5,1024}", made)
    assert made == event_id(key)
    assert made != event_id(key + "x")
