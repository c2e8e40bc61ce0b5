"""Microsoft 365 (Outlook) calendars through Microsoft Graph over REST (``httpx``; no msal).

- Consent: ``https://login.microsoftonline.com/common/oauth2/v2.0/authorize`` (scope
  ``offline_access User.Read Calendars.ReadWrite``); tokens: ``POST …/common/oauth2/v2.0/token``.
  A refresh answer carries a NEW refresh token: it is returned so the caller stores it.
  ``invalid_grant`` → ``CalendarRevoked``.
- The account: ``GET https://graph.microsoft.com/v1.0/me`` (``mail``, else
  ``userPrincipalName``) right after consent; a failure there only leaves it unknown.
- Events: ``POST https://graph.microsoft.com/v1.0/me/events`` with ``transactionId`` = our key,
  Graph's own idempotency for retried creates. 401 with a fresh token → ``CalendarRevoked``.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx

from propintel.integrations.calendar import (
    MICROSOFT,
    AppointmentEvent,
    BookedEvent,
    CalendarError,
    CalendarRevoked,
    OAuthCalendar,
    error_of,
    json_of,
)

AUTHORITY = "https://login.microsoftonline.com/common/oauth2/v2.0"
AUTHORIZE_URL = AUTHORITY + "/authorize"
TOKEN_URL = AUTHORITY + "/token"
GRAPH = "https://graph.microsoft.com/v1.0"
SCOPE = "offline_access User.Read Calendars.ReadWrite"


def event_body(event: AppointmentEvent) -> dict[str, Any]:
    """Graph's event; start/end are wall-clock times in ``time_zone`` (Graph reads them so)."""
    start = event.start.astimezone(ZoneInfo(event.time_zone)).replace(tzinfo=None)
    end = event.end.astimezone(ZoneInfo(event.time_zone)).replace(tzinfo=None)
    body: dict[str, Any] = {
        "transactionId": event.key,
        "subject": event.summary,
        "body": {"contentType": "text", "content": event.description or ""},
        "start": {"dateTime": start.isoformat(), "timeZone": event.time_zone},
        "end": {"dateTime": end.isoformat(), "timeZone": event.time_zone},
    }
    if event.location:
        body["location"] = {"displayName": event.location}
    if event.attendee_email:
        body["attendees"] = [
            {"emailAddress": {"address": event.attendee_email}, "type": "required"}
        ]
    return body


def authorization_url(client_id: str, state: str, redirect_uri: str) -> str:
    """The consent page's URL (no request is made)."""
    query = {
        "response_type": "code",
        "response_mode": "query",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPE,
        "prompt": "select_account",
        "state": state,
    }
    return f"{AUTHORIZE_URL}?{urlencode(query)}"


class MicrosoftCalendar(OAuthCalendar):
    name = MICROSOFT
    label = "Microsoft"
    token_url = TOKEN_URL
    extra_form: ClassVar[dict[str, str]] = {"scope": SCOPE}

    def authorization_url(self, state: str, redirect_uri: str) -> str:
        return authorization_url(self.client_id, state, redirect_uri)

    async def account_email(self, tokens: dict[str, Any]) -> str | None:
        return await self._account_email(str(tokens["access_token"]))

    async def _account_email(self, access_token: str) -> str | None:
        try:
            response = await self.http.get(
                GRAPH + "/me",
                params={"$select": "mail,userPrincipalName"},
                headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            )
        except httpx.HTTPError:
            return None
        if response.status_code != 200:
            return None
        me = json_of(response)
        for field in ("mail", "userPrincipalName"):
            value = me.get(field)
            if isinstance(value, str) and "@" in value:
                return value
        return None

    async def create_event(
        self, access_token: str, calendar_id: str, event: AppointmentEvent
    ) -> BookedEvent:
        """``calendar_id`` is unused: Graph's ``/me/events`` is the default calendar."""
        try:
            response = await self.http.post(
                GRAPH + "/me/events",
                json=event_body(event),
                headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            )
        except httpx.HTTPError as error:
            raise CalendarError(f"Microsoft Graph: {type(error).__name__}") from None
        if response.status_code == 401:
            raise CalendarRevoked("Microsoft Graph: 401 with a fresh access token")
        if response.status_code not in (200, 201):
            problem = json_of(response).get("error")
            detail = problem.get("message") if isinstance(problem, dict) else None
            raise error_of(response.status_code, "Microsoft Graph", detail)
        created = json_of(response).get("id")
        if not isinstance(created, str):
            raise CalendarError("Microsoft Graph: the answer has no event id")
        # Graph answers an earlier transactionId with the event it already made (200, not 201).
        return BookedEvent(created, already_existed=response.status_code == 200)
