"""Google Calendar over REST (``httpx``; no googleapiclient).

- Consent: ``https://accounts.google.com/o/oauth2/v2/auth`` (``access_type=offline`` and
  ``prompt=consent``, so Google returns a refresh token every time).
- Tokens: ``POST https://oauth2.googleapis.com/token`` (``authorization_code`` or
  ``refresh_token``); ``400 {"error": "invalid_grant"}`` → ``CalendarRevoked``.
- Events: ``POST /calendar/v3/calendars/{calendar_id}/events?sendUpdates=all`` with our own event
  ``id`` derived from the key, so a retry answers 409 instead of making a second event.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from propintel.integrations.calendar import (
    GOOGLE,
    AppointmentEvent,
    BookedEvent,
    CalendarError,
    CalendarRevoked,
    OAuthCalendar,
    error_of,
    json_of,
)

AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 (a URL, not a secret)
EVENTS_URL = "https://www.googleapis.com/calendar/v3/calendars/{calendar_id}/events"
SCOPE = "openid email https://www.googleapis.com/auth/calendar.events"


def event_id(key: str) -> str:
    """Google's event id for our key: base32hex (a-v, 0-9), lowercase, 52 characters, the same
    for the same key."""
    digest = hashlib.sha256(key.encode()).digest()
    return base64.b32hexencode(digest).decode().rstrip("=").lower()


def event_body(event: AppointmentEvent) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": event_id(event.key),
        "summary": event.summary,
        "start": {"dateTime": event.start.isoformat(), "timeZone": event.time_zone},
        "end": {"dateTime": event.end.isoformat(), "timeZone": event.time_zone},
    }
    if event.description:
        body["description"] = event.description
    if event.location:
        body["location"] = event.location
    if event.attendee_email:
        body["attendees"] = [{"email": event.attendee_email}]
    return body


def email_of_id_token(id_token: object) -> str | None:
    """The ``email`` claim of an ID token. Its signature is NOT verified: acceptable only because
    this token came straight from Google's token endpoint over TLS in answer to our own request
    (never from a browser); it only labels the connected account on our pages."""
    if not isinstance(id_token, str) or id_token.count(".") != 2:
        return None
    payload = id_token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError):
        return None
    email = claims.get("email") if isinstance(claims, dict) else None
    return email if isinstance(email, str) and "@" in email else None


def authorization_url(client_id: str, state: str, redirect_uri: str) -> str:
    """The consent page's URL (no request is made)."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPE,
        "access_type": "offline",
        "prompt": "consent",
        "include_granted_scopes": "true",
        "state": state,
    }
    return f"{AUTHORIZE_URL}?{urlencode(query)}"


class GoogleCalendar(OAuthCalendar):
    name = GOOGLE
    label = "Google"
    token_url = TOKEN_URL

    def authorization_url(self, state: str, redirect_uri: str) -> str:
        return authorization_url(self.client_id, state, redirect_uri)

    async def account_email(self, tokens: dict[str, Any]) -> str | None:
        return email_of_id_token(tokens.get("id_token"))

    async def create_event(
        self, access_token: str, calendar_id: str, event: AppointmentEvent
    ) -> BookedEvent:
        body = event_body(event)
        url = EVENTS_URL.format(calendar_id=quote(calendar_id, safe=""))
        try:
            response = await self.http.post(
                url,
                params={"sendUpdates": "all"},
                json=body,
                headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            )
        except httpx.HTTPError as error:
            raise CalendarError(f"Google Calendar: {type(error).__name__}") from None
        if response.status_code == 409:  # our id exists: an earlier attempt made it
            return BookedEvent(body["id"], already_existed=True)
        if response.status_code == 401:
            raise CalendarRevoked("Google Calendar: 401 with a fresh access token")
        if response.status_code not in (200, 201):
            problem = json_of(response).get("error")
            detail = problem.get("message") if isinstance(problem, dict) else None
            raise error_of(response.status_code, "Google Calendar", detail)
        created = json_of(response).get("id")
        return BookedEvent(created if isinstance(created, str) else body["id"], False)
