"""Twenty CRM over its REST API: one ``httpx.AsyncClient`` per connection (the workspace's base
URL, ``Authorization: Bearer <API key>``, 15 s timeout, redirects not followed).

- ``POST {base}/rest/people`` ``{name: {firstName, lastName}, emails: {primaryEmail}, phones:
  {primaryPhoneNumber, primaryPhoneCountryCode, primaryPhoneCallingCode}, city}`` → ``{"data":
  {"createPerson": {"id": …}}}``; ``PATCH {base}/rest/people/{id}`` with the same fields.
- ``POST {base}/rest/opportunities`` ``{name, stage, pointOfContactId, amount: {amountMicros,
  currencyCode}}`` → ``data.createOpportunity.id``; ``PATCH {base}/rest/opportunities/{id}``.
- ``POST {base}/rest/notes`` ``{title, bodyV2: {markdown}}`` → ``data.createNote.id``, then
  ``POST {base}/rest/noteTargets`` ``{noteId, personId}`` attaches it to the person.
- ``GET {base}/rest/people?limit=1``: the check made when a subscriber connects.

Phones: Twenty keeps the national number, the country (``US``) and its calling code (``+1``)
apart; our numbers are E.164 (``+13055551234``). Fields we do not know (no e-mail, no phone) are
left out rather than sent empty, so an update never wipes what the subscriber typed in Twenty.

Errors: 429 and 5xx, timeouts and network failures are retryable; any other 4xx is not. The
message quotes Twenty's own explanation (``messages`` / ``message`` of its JSON error body, at
most 300 characters) and never the key; a body that is not Twenty's JSON is not quoted.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx

from propintel.integrations.crm import CrmError, NoteIn, OpportunityIn, PersonIn
from propintel.kit.i18n import _

PROVIDER = "twenty"
TIMEOUT_S = 15.0
MAX_MESSAGE = 300


def person_body(person: PersonIn) -> dict[str, Any]:
    body: dict[str, Any] = {"name": {"firstName": person.first_name, "lastName": person.last_name}}
    if person.email:
        body["emails"] = {"primaryEmail": person.email}
    if person.phone:
        body["phones"] = {
            "primaryPhoneNumber": person.phone.removeprefix("+1"),
            "primaryPhoneCountryCode": "US",
            "primaryPhoneCallingCode": "+1",
        }
    if person.city:
        body["city"] = person.city
    return body


def opportunity_body(opportunity: OpportunityIn) -> dict[str, Any]:
    body: dict[str, Any] = {"name": opportunity.name}
    if opportunity.stage is not None:
        body["stage"] = opportunity.stage
    if opportunity.point_of_contact_id is not None:
        body["pointOfContactId"] = opportunity.point_of_contact_id
    if opportunity.amount_micros is not None:
        body["amount"] = {
            "amountMicros": opportunity.amount_micros,
            "currencyCode": opportunity.currency_code,
        }
    return body


def note_body(note: NoteIn) -> dict[str, Any]:
    return {"title": note.title, "bodyV2": {"markdown": note.body}}


class TwentyCrm:
    provider = PROVIDER

    def __init__(
        self, base_url: str, api_key: str, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).netloc
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers={
                "Authorization": f"Bearer {api_key}",
                "Accept": "application/json",
                "Content-Type": "application/json",
            },
            timeout=TIMEOUT_S,
            follow_redirects=False,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def check(self) -> None:
        await self._call("GET", "/rest/people", params={"limit": 1})

    async def create_person(self, person: PersonIn) -> str:
        answer = await self._call("POST", "/rest/people", person_body(person))
        return _created_id(answer, "createPerson")

    async def update_person(self, person_id: str, person: PersonIn) -> None:
        await self._call("PATCH", f"/rest/people/{_segment(person_id)}", person_body(person))

    async def create_opportunity(self, opportunity: OpportunityIn) -> str:
        answer = await self._call("POST", "/rest/opportunities", opportunity_body(opportunity))
        return _created_id(answer, "createOpportunity")

    async def update_opportunity(self, opportunity_id: str, opportunity: OpportunityIn) -> None:
        path = f"/rest/opportunities/{_segment(opportunity_id)}"
        await self._call("PATCH", path, opportunity_body(opportunity))

    async def add_note(self, person_id: str, note: NoteIn) -> str:
        answer = await self._call("POST", "/rest/notes", note_body(note))
        note_id = _created_id(answer, "createNote")
        await self._call("POST", "/rest/noteTargets", {"noteId": note_id, "personId": person_id})
        return note_id

    async def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        params: dict[str, Any] | None = None,
    ) -> Any:
        try:
            response = await self._http.request(method, path, json=body, params=params)
        except httpx.TimeoutException:
            raise CrmError(
                _("Twenty ({host}) did not answer within {seconds} seconds.").format(
                    host=self.host, seconds=int(TIMEOUT_S)
                ),
                retryable=True,
            ) from None
        except httpx.TransportError as error:
            raise CrmError(
                _("Twenty ({host}) could not be reached ({reason}).").format(
                    host=self.host, reason=type(error).__name__
                ),
                retryable=True,
            ) from None
        if response.is_success:
            try:
                return response.json() if response.content else None
            except ValueError:
                raise CrmError(
                    _("Twenty ({host}) answered with something that is not JSON.").format(
                        host=self.host
                    ),
                    retryable=False,
                ) from None
        raise _refusal(response, self.host)


def _segment(record_id: str) -> str:
    """A record id as one path segment: Twenty's ids are UUIDs; anything else is refused here
    rather than sent as a path."""
    if not record_id or "/" in record_id or record_id in {".", ".."}:
        raise CrmError(_("Not a Twenty record id: {id}").format(id=record_id), retryable=False)
    return record_id


def _created_id(answer: Any, key: str) -> str:
    try:
        record_id = answer["data"][key]["id"]
    except (KeyError, TypeError):
        record_id = None
    if not isinstance(record_id, str) or not record_id:
        raise CrmError(
            _("Twenty's answer did not include the new record's id ({key}).").format(key=key),
            retryable=False,
        )
    return record_id


def _provider_message(response: httpx.Response) -> str | None:
    """Twenty's explanation from its JSON error body; None when there is none."""
    try:
        payload = response.json()
    except (ValueError, json.JSONDecodeError):
        return None
    if not isinstance(payload, dict):
        return None
    parts: list[str] = []
    messages = payload.get("messages")
    if isinstance(messages, list):
        parts.extend(str(message) for message in messages if message)
    for key in ("message", "error"):
        value = payload.get(key)
        if isinstance(value, str) and value and not parts:
            parts.append(value)
    text = "; ".join(parts).strip()
    if not text:
        return None
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _refusal(response: httpx.Response, host: str) -> CrmError:
    status = response.status_code
    retryable = status == 429 or status >= 500
    explained = _provider_message(response)
    if status in (401, 403):
        message = _("Twenty ({host}) refused the API key (HTTP {status}).").format(
            host=host, status=status
        )
    elif status == 404:
        message = _("Twenty ({host}) has no such record or endpoint (HTTP {status}).").format(
            host=host, status=status
        )
    elif status == 429:
        message = _("Twenty ({host}) asks us to slow down (HTTP 429).").format(host=host)
    elif retryable:
        message = _("Twenty ({host}) had a server error (HTTP {status}).").format(
            host=host, status=status
        )
    else:
        message = _("Twenty ({host}) refused the request (HTTP {status}).").format(
            host=host, status=status
        )
    if explained:
        message = f"{message} {explained}"
    return CrmError(message, retryable=retryable, status=status)
