"""The Microsoft Graph calendar adapter against httpx.MockTransport: the consent URL, the token
forms (a refresh returns the rotated refresh token), the account from /me, the event's JSON with
transactionId, invalid_grant and 401 as revoked."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest

from propintel.integrations.calendar import AppointmentEvent, CalendarError, CalendarRevoked
from propintel.integrations.microsoft.calendar import MicrosoftCalendar

TOKEN = "https://login.microsoftonline.com/common/oauth2/v2.0/token"
EVENT = AppointmentEvent(
    key="call-6b1f7a2e-0000-4000-8000-000000000002",
    summary="Roof estimate",
    description="Booked by an AI call.",
    location="100 NW 1 AVE, MIAMI FL 33128",
    attendee_email="owner@example.com",
    # 15:00 UTC is 10:00 in New York: Graph gets New York wall-clock time and the zone.
    start=datetime(2026, 12, 8, 15, 0, tzinfo=ZoneInfo("UTC")),
    end=datetime(2026, 12, 8, 16, 0, tzinfo=ZoneInfo("UTC")),
    time_zone="America/New_York",
)


class Recorder:
    def __init__(self, reply: Callable[[httpx.Request], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []
        self.reply = reply

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.reply(request)


def graph(reply: Callable[[httpx.Request], httpx.Response]) -> tuple[MicrosoftCalendar, Recorder]:
    recorder = Recorder(reply)
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    return MicrosoftCalendar("app-1", "secret-1", http), recorder


def form_of(request: httpx.Request) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(request.content.decode()).items()}


def test_the_consent_url() -> None:
    calendar, _ = graph(lambda _r: httpx.Response(500))
    url = urlsplit(calendar.authorization_url("st", "https://app.example.com/cb"))
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert url.netloc == "login.microsoftonline.com"
    assert url.path == "/common/oauth2/v2.0/authorize"
    assert query["scope"] == "offline_access User.Read Calendars.ReadWrite"
    assert (query["client_id"], query["state"], query["response_type"]) == ("app-1", "st", "code")


async def test_exchange_then_the_account_from_me() -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN:
            return httpx.Response(200, json={"access_token": "at", "refresh_token": "rt"})
        return httpx.Response(200, json={"mail": None, "userPrincipalName": "me@contoso.com"})

    calendar, recorder = graph(reply)
    tokens = await calendar.exchange_code("code-1", "https://app.example.com/cb")
    token_request, me = recorder.requests
    assert form_of(token_request)["grant_type"] == "authorization_code"
    assert form_of(token_request)["scope"] == "offline_access User.Read Calendars.ReadWrite"
    assert me.url.path == "/v1.0/me" and me.headers["Authorization"] == "Bearer at"
    assert tokens == type(tokens)("at", "rt", "me@contoso.com")


async def test_refresh_returns_the_rotated_refresh_token() -> None:
    answer = {"access_token": "at2", "refresh_token": "rt2"}
    calendar, recorder = graph(lambda _r: httpx.Response(200, json=answer))
    tokens = await calendar.refresh("rt1")
    assert str(recorder.requests[0].url) == TOKEN
    form = form_of(recorder.requests[0])
    assert (form["grant_type"], form["refresh_token"], form["client_id"]) == (
        "refresh_token",
        "rt1",
        "app-1",
    )
    assert form["client_secret"] == "secret-1"
    assert (tokens.access_token, tokens.refresh_token) == ("at2", "rt2")


async def test_invalid_grant_is_revoked() -> None:
    calendar, _ = graph(lambda _r: httpx.Response(400, json={"error": "invalid_grant"}))
    with pytest.raises(CalendarRevoked):
        await calendar.refresh("rt1")


async def test_create_event_posts_graphs_shape_with_the_transaction_id() -> None:
    calendar, recorder = graph(lambda _r: httpx.Response(201, json={"id": "AAMkAD="}))
    booked = await calendar.create_event("at", "ignored", EVENT)
    (request,) = recorder.requests
    assert (request.method, str(request.url)) == (
        "POST",
        "https://graph.microsoft.com/v1.0/me/events",
    )
    assert request.headers["Authorization"] == "Bearer at"
    assert json.loads(request.content) == {
        "transactionId": EVENT.key,
        "subject": "Roof estimate",
        "body": {"contentType": "text", "content": "Booked by an AI call."},
        "start": {"dateTime": "2026-12-08T10:00:00", "timeZone": "America/New_York"},
        "end": {"dateTime": "2026-12-08T11:00:00", "timeZone": "America/New_York"},
        "location": {"displayName": "100 NW 1 AVE, MIAMI FL 33128"},
        "attendees": [{"emailAddress": {"address": "owner@example.com"}, "type": "required"}],
    }
    assert booked.external_id == "AAMkAD=" and not booked.already_existed


async def test_401_is_revoked_and_429_retryable() -> None:
    calendar, _ = graph(lambda _r: httpx.Response(401))
    with pytest.raises(CalendarRevoked):
        await calendar.create_event("at", "", EVENT)
    calendar, _ = graph(lambda _r: httpx.Response(429))
    with pytest.raises(CalendarError) as throttled:
        await calendar.create_event("at", "", EVENT)
    assert throttled.value.retryable
