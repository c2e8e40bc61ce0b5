"""Calendars an appointment booked by an AI call goes to: Google Calendar and Microsoft 365
(Outlook) over their REST APIs through ``httpx`` (not googleapiclient or msal: one small client
each, tested with ``httpx.MockTransport``). The local calendar (an ICS feed) needs no adapter.

A provider is given its ``httpx.AsyncClient`` (the caller owns it and closes it), so tests pass
one with a mock transport. Every create is idempotent on the event's key: Google takes our own
event id (derived from the key), Graph a ``transactionId``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol

import httpx

GOOGLE = "google"
MICROSOFT = "microsoft"
LOCAL = "local"


@dataclass(frozen=True)
class AppointmentEvent:
    key: str  # our idempotency key ("call-<call id>"): one event per key, however often sent
    summary: str
    description: str | None
    location: str | None
    attendee_email: str | None
    start: datetime  # aware
    end: datetime  # aware
    time_zone: str  # IANA, e.g. America/New_York


@dataclass(frozen=True)
class BookedEvent:
    external_id: str
    already_existed: bool  # the provider already held an event for this key (a retry)


@dataclass(frozen=True)
class OAuthTokens:
    access_token: str
    refresh_token: str | None  # None: the provider kept the one we have
    account_email: str | None = None


class CalendarRevoked(Exception):
    """The account no longer lets us in (revoked grant, expired consent): reconnect."""


class CalendarError(Exception):
    """Any other failure. ``retryable``: a timeout, 429 or 5xx (try again later); else a refusal
    retrying would not fix."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class CalendarProvider(Protocol):
    name: str

    def authorization_url(self, state: str, redirect_uri: str) -> str: ...

    async def exchange_code(self, code: str, redirect_uri: str) -> OAuthTokens: ...

    async def refresh(self, refresh_token: str) -> OAuthTokens: ...

    async def create_event(
        self, access_token: str, calendar_id: str, event: AppointmentEvent
    ) -> BookedEvent: ...


def error_of(status: int, what: str, detail: str | None = None) -> CalendarError:
    """The error of an HTTP answer ``status`` to ``what`` (429 and 5xx retryable)."""
    retryable = status == 429 or status >= 500
    message = f"{what}: HTTP {status}" + (f" ({detail[:200]})" if detail else "")
    return CalendarError(message, retryable=retryable)


async def post_token_form(
    http: httpx.AsyncClient, url: str, form: dict[str, str], what: str
) -> dict[str, Any]:
    """POST an OAuth 2 token request; its JSON answer. ``invalid_grant`` (a revoked or expired
    grant) → ``CalendarRevoked``; other refusals, timeouts and network errors → ``CalendarError``.
    Neither message quotes the form (it holds the client secret and the tokens)."""
    try:
        response = await http.post(url, data=form, headers={"Accept": "application/json"})
    except httpx.HTTPError as error:
        raise CalendarError(f"{what}: {type(error).__name__}") from None
    body = json_of(response)
    if response.status_code in (400, 401) and body.get("error") == "invalid_grant":
        raise CalendarRevoked(f"{what}: invalid_grant")
    if response.status_code != 200 or not isinstance(body.get("access_token"), str):
        detail = body.get("error") if isinstance(body.get("error"), str) else None
        raise error_of(response.status_code, what, detail)
    return body


def json_of(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class OAuthCalendar:
    """The OAuth half both providers share: the code exchange and the refresh at ``token_url``
    with the client's id and secret (plus ``extra_form``), a rotated refresh token kept when the
    provider sends one. Subclasses say where, and how the account's e-mail is found."""

    name: str
    label: str  # "Google" / "Microsoft", in error messages
    token_url: str
    extra_form: ClassVar[dict[str, str]] = {}

    def __init__(self, client_id: str, client_secret: str, http: httpx.AsyncClient) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.http = http

    async def account_email(self, tokens: dict[str, Any]) -> str | None:
        return None

    async def _token(self, grant: dict[str, str], what: str) -> dict[str, Any]:
        form = {
            **grant,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            **self.extra_form,
        }
        return await post_token_form(self.http, self.token_url, form, f"{self.label} {what}")

    async def exchange_code(self, code: str, redirect_uri: str) -> OAuthTokens:
        grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        body = await self._token(grant, "token exchange")
        refresh = body.get("refresh_token")
        return OAuthTokens(
            access_token=body["access_token"],
            refresh_token=refresh if isinstance(refresh, str) else None,
            account_email=await self.account_email(body),
        )

    async def refresh(self, refresh_token: str) -> OAuthTokens:
        grant = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        body = await self._token(grant, "token refresh")
        rotated = body.get("refresh_token")
        return OAuthTokens(body["access_token"], rotated if isinstance(rotated, str) else None)
