"""Skip trace through BatchData: ``POST {base}/api/v1/property/skip-trace`` (Bearer key), up to
100 requests per call.

Request: ``{"requests": [{"requestId", "propertyAddress": {street, city, state, zip},
"name": {first, last}}]}``. Response: ``results.persons[]``, each with ``meta.matched``,
``phoneNumbers[{number, type, carrier, score, dnc}]`` and ``emails[{email}]``.

The field shapes are NOT confirmed (third-party descriptions disagree), so the whole mapping
lives in this module and reads defensively: a person is matched to its request by a
``requestId`` where one is found, else by position; known alternative spellings are accepted;
anything missing is tolerated. What the answer did not say (no litigator flag, no cost, no DNC
or type on a phone) is named in the result's ``unverified_fields`` instead of being guessed.

The call is billable and has no idempotency key: it is never retried. Any failure (HTTP error,
timeout, unreadable body) raises ``SkipTraceError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from propintel.integrations.skiptrace import (
    MAX_PER_CALL,
    PhoneType,
    SkipTraceError,
    SkipTraceRequest,
    SkipTraceResult,
    TracedPhone,
)
from propintel.kit.phones import normalize_phone

PROVIDER = "batchdata"
PATH = "/api/v1/property/skip-trace"
TIMEOUT_S = 20.0

_TRUE_WORDS = {"true", "yes", "y", "1", "t"}
# Phone types as BatchData (and the sources describing it) spell them, lower-cased.
_TYPES: dict[str, PhoneType] = {
    "mobile": "mobile",
    "wireless": "mobile",
    "cell": "mobile",
    "cellular": "mobile",
    "landline": "landline",
    "land line": "landline",
    "land_line": "landline",
    "fixed": "landline",
    "voip": "voip",
    "non-fixed voip": "voip",
}


class BatchDataSkipTracer:
    provider = PROVIDER

    def __init__(
        self,
        api_key: str,
        base_url: str = "https://api.batchdata.com",
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        self._api_key = api_key
        self._url = base_url.rstrip("/") + PATH
        self._transport = transport  # tests: httpx.MockTransport
        self._timeout_s = timeout_s

    async def trace(self, requests: list[SkipTraceRequest]) -> list[SkipTraceResult]:
        if not requests:
            return []
        if len(requests) > MAX_PER_CALL:
            raise ValueError(f"at most {MAX_PER_CALL} requests per call, got {len(requests)}")
        payload = await self._post(request_body(requests))
        return parse_response(payload, requests)

    async def _post(self, body: dict[str, Any]) -> Any:
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json"}
        try:
            # One client per call: skip traces are occasional, and no client is left to close.
            async with httpx.AsyncClient(
                transport=self._transport, timeout=self._timeout_s
            ) as client:
                response = await client.post(self._url, json=body, headers=headers)
        except httpx.TimeoutException as error:
            raise SkipTraceError("BatchData did not answer in time") from error
        except httpx.HTTPError as error:
            raise SkipTraceError(
                f"BatchData could not be reached: {type(error).__name__}"
            ) from error
        if response.status_code >= 400:
            raise SkipTraceError(f"BatchData answered HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as error:
            raise SkipTraceError("BatchData's answer is not JSON") from error


def request_body(requests: Sequence[SkipTraceRequest]) -> dict[str, Any]:
    """The JSON body of one call (exactly the documented request shape)."""
    items = []
    for request in requests:
        item: dict[str, Any] = {
            "requestId": request.request_id,
            "propertyAddress": {
                "street": request.street,
                "city": request.city,
                "state": request.state,
                "zip": request.zip,
            },
        }
        if request.first_name or request.last_name:
            item["name"] = {"first": request.first_name or "", "last": request.last_name or ""}
        items.append(item)
    return {"requests": items}


def parse_response(payload: Any, requests: Sequence[SkipTraceRequest]) -> list[SkipTraceResult]:
    """One result per request, in the requests' order. A request without a person in the answer
    is not matched. Raises ``SkipTraceError`` when the answer has no readable person list."""
    results = payload.get("results") if isinstance(payload, Mapping) else None
    persons = results.get("persons") if isinstance(results, Mapping) else None
    if not isinstance(persons, list):
        raise SkipTraceError("BatchData's answer has no results.persons list")
    wanted = {request.request_id for request in requests}
    by_id: dict[str, Mapping[str, Any]] = {}
    unnamed: list[Mapping[str, Any] | None] = []
    for person in persons:
        if not isinstance(person, Mapping):
            unnamed.append(None)
            continue
        request_id = _request_id_of(person)
        if request_id in wanted and request_id not in by_id:
            by_id[request_id] = person
        else:
            unnamed.append(person)
    # Persons that name no request are taken to be in the requests' order (an assumption).
    positional = iter(unnamed) if not by_id else iter(())
    call_cost = _decimal(_first(results, ("meta.cost", "meta.totalCost", "cost"), payload))
    parsed = []
    for request in requests:
        person = by_id.get(request.request_id) or next(positional, None)
        parsed.append(_result(request.request_id, person))
    return _with_call_cost(parsed, call_cost)


def _request_id_of(person: Mapping[str, Any]) -> str | None:
    value = _first(person, ("meta.requestId", "requestId", "request.requestId", "meta.request_id"))
    return str(value) if value is not None else None


def _result(request_id: str, person: Mapping[str, Any] | None) -> SkipTraceResult:
    unverified = {"litigator"}
    if person is None:
        return SkipTraceResult(request_id, matched=False, unverified_fields=("cost",))
    phones = []
    for raw in _list(person, ("phoneNumbers", "phones")):
        phone = _phone(raw, unverified)
        if phone is not None:
            phones.append(phone)
    emails = []
    for raw in _list(person, ("emails", "emailAddresses")):
        email = raw.get("email") if isinstance(raw, Mapping) else raw
        if isinstance(email, str) and "@" in email and email.strip() not in emails:
            emails.append(email.strip())
    matched_flag = _first(person, ("meta.matched", "matched"))
    matched = _bool(matched_flag) if matched_flag is not None else bool(phones or emails)
    if matched_flag is None:
        unverified.add("matched")
    cost = _decimal(_first(person, ("meta.cost", "cost")))
    if cost is None:
        unverified.add("cost")
    if not matched:
        phones, emails = [], []
    return SkipTraceResult(
        request_id,
        matched=matched,
        phones=phones,
        emails=emails,
        cost_usd=cost,
        unverified_fields=tuple(sorted(unverified)),
    )


def _phone(raw: Any, unverified: set[str]) -> TracedPhone | None:
    if not isinstance(raw, Mapping):
        return None
    given = raw.get("number") or raw.get("phoneNumber") or raw.get("phone")
    number = normalize_phone(str(given)) if given else None
    if number is None:
        return None
    raw_type = raw.get("type") or raw.get("phoneType") or raw.get("lineType")
    phone_type = _TYPES.get(str(raw_type).strip().lower(), "unknown") if raw_type else "unknown"
    if raw_type is None:
        unverified.add("type")
    dnc = raw.get("dnc", raw.get("doNotCall"))
    if dnc is None:
        unverified.add("dnc")
    litigator = raw.get("litigator", raw.get("tcpa", raw.get("knownLitigator")))
    if litigator is not None:
        unverified.discard("litigator")
    carrier = raw.get("carrier")
    return TracedPhone(
        number=number,
        type=phone_type,
        carrier=str(carrier).strip() if carrier else None,
        # Unknown DNC status counts as listed: a number is never treated as callable by default.
        dnc=True if dnc is None else _bool(dnc),
        litigator=_bool(litigator) if litigator is not None else False,
        score=_score(raw.get("score")),
    )


def _with_call_cost(
    results: list[SkipTraceResult], call_cost: Decimal | None
) -> list[SkipTraceResult]:
    """A cost given for the whole call, shared evenly by its matches that carry none of their
    own (an unconfirmed field: each such result still names ``cost`` as unverified)."""
    uncosted = sum(1 for r in results if r.matched and r.cost_usd is None)
    if call_cost is None or not uncosted:
        return results
    share = (call_cost / uncosted).quantize(Decimal("0.000001"))
    return [replace(r, cost_usd=share) if r.matched and r.cost_usd is None else r for r in results]


def _first(data: Any, paths: Sequence[str], fallback: Any = None) -> Any:
    """The first of the dotted ``paths`` present in ``data`` (then in ``fallback``)."""
    for source in (data, fallback):
        for path in paths:
            value = source
            for key in path.split("."):
                value = value.get(key) if isinstance(value, Mapping) else None
            if value is not None:
                return value
    return None


def _list(data: Mapping[str, Any], keys: Sequence[str]) -> list[Any]:
    for key in keys:
        value = data.get(key)
        if isinstance(value, list):
            return value
    return []


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return str(value).strip().lower() in _TRUE_WORDS


def _score(value: Any) -> int | None:
    try:
        score = int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None
    return min(max(score, 0), 100)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount >= 0 else None
