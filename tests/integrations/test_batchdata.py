"""The BatchData skip-trace adapter against httpx.MockTransport: the exact request (URL, headers,
JSON body), parsing of matches, no matches and renamed or missing fields (named as unverified),
and every failure (HTTP 500, timeout, a connection error, an unreadable body) as SkipTraceError
without a retry. And the choice of adapter by settings."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from propintel.config import Settings
from propintel.integrations.batchdata.skiptrace import BatchDataSkipTracer, parse_response
from propintel.integrations.local.skiptrace import LocalSkipTracer
from propintel.integrations.providers import skip_tracers
from propintel.integrations.skiptrace import SkipTraceError, SkipTraceRequest, TracedPhone

KEY = "bd-test-key"
PERSON = SkipTraceRequest("p-1", "100 NW 1 AVE", "MIAMI", "FL", "33128", "Jane", "Doe")
COMPANY = SkipTraceRequest("p-2", "200 SW 8 ST", "MIAMI", "FL", "33130")

MATCHED_PERSON = {
    "meta": {"matched": True, "requestId": "p-1"},
    "phoneNumbers": [
        {"number": "(305) 555-0123", "type": "Mobile", "carrier": "T-Mobile", "score": 95,
         "dnc": False},
        {"number": "17865550188", "type": "Land Line", "carrier": "AT&T", "score": "60",
         "dnc": "true"},
        {"number": "12345", "type": "Mobile"},
    ],
    "emails": [{"email": "jane.doe@example.com"}, {"email": "not-an-address"}],
}  # fmt: skip


class Recorder:
    """A MockTransport handler that records each request and answers ``response``."""

    def __init__(self, response: httpx.Response | Exception) -> None:
        self.response = response
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if isinstance(self.response, Exception):
            raise self.response
        return self.response


def tracer(recorder: Recorder) -> BatchDataSkipTracer:
    return BatchDataSkipTracer(KEY, "https://bd.example/", transport=httpx.MockTransport(recorder))


def answer(persons: list[Any], **extra: Any) -> httpx.Response:
    return httpx.Response(
        200, json={"status": {"code": 200}, "results": {"persons": persons}, **extra}
    )


async def test_the_request_is_exactly_the_documented_shape() -> None:
    recorder = Recorder(answer([MATCHED_PERSON, {"meta": {"matched": False, "requestId": "p-2"}}]))
    await tracer(recorder).trace([PERSON, COMPANY])
    (request,) = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == "https://bd.example/api/v1/property/skip-trace"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "requests": [
            {
                "requestId": "p-1",
                "propertyAddress": {
                    "street": "100 NW 1 AVE", "city": "MIAMI", "state": "FL", "zip": "33128",
                },
                "name": {"first": "Jane", "last": "Doe"},
            },
            {   # a company: traced by address alone, no name object
                "requestId": "p-2",
                "propertyAddress": {
                    "street": "200 SW 8 ST", "city": "MIAMI", "state": "FL", "zip": "33130",
                },
            },
        ]
    }  # fmt: skip


async def test_a_match_and_a_no_match_are_parsed() -> None:
    recorder = Recorder(answer([MATCHED_PERSON, {"meta": {"matched": False, "requestId": "p-2"}}]))
    first, second = await tracer(recorder).trace([PERSON, COMPANY])
    assert first.request_id == "p-1" and first.matched
    assert first.phones == [
        TracedPhone("+13055550123", "mobile", "T-Mobile", dnc=False, litigator=False, score=95),
        TracedPhone("+17865550188", "landline", "AT&T", dnc=True, litigator=False, score=60),
    ]  # the 5-digit number is dropped
    assert first.emails == ["jane.doe@example.com"]
    # No litigator flag and no cost in the answer: named, not guessed.
    assert first.cost_usd is None
    assert set(first.unverified_fields) == {"litigator", "cost"}
    assert second.request_id == "p-2" and not second.matched
    assert second.phones == [] and second.emails == []


async def test_persons_without_request_ids_are_taken_in_order_and_a_missing_one_is_no_match() -> (
    None
):
    person = {"phones": [{"phoneNumber": "3055550111", "phoneType": "Wireless", "doNotCall": "N",
                          "litigator": True}], "emailAddresses": ["x@example.org"]}  # fmt: skip
    recorder = Recorder(answer([person]))
    first, second = await tracer(recorder).trace([PERSON, COMPANY])
    # No meta.matched: a person with contacts counts as matched, and "matched" is unverified.
    assert first.matched and "matched" in first.unverified_fields
    assert first.phones == [
        TracedPhone("+13055550111", "mobile", None, dnc=False, litigator=True, score=None)
    ]
    assert "litigator" not in first.unverified_fields
    assert first.emails == ["x@example.org"]
    assert not second.matched


async def test_a_phone_without_dnc_is_treated_as_listed_and_named_unverified() -> None:
    person = {"meta": {"matched": True, "requestId": "p-1", "cost": "0.07"},
              "phoneNumbers": [{"number": "3055550101"}]}  # fmt: skip
    (result,) = await tracer(Recorder(answer([person]))).trace([PERSON])
    assert result.phones[0].dnc is True and result.phones[0].type == "unknown"
    assert {"dnc", "type", "litigator"} <= set(result.unverified_fields)
    assert result.cost_usd == Decimal("0.07") and "cost" not in result.unverified_fields


async def test_a_cost_for_the_whole_call_is_shared_by_its_matches() -> None:
    other = {**MATCHED_PERSON, "meta": {"matched": True, "requestId": "p-2"}}
    recorder = Recorder(answer([MATCHED_PERSON, other], meta={"cost": "0.30"}))
    first, second = await tracer(recorder).trace([PERSON, COMPANY])
    assert first.cost_usd == second.cost_usd == Decimal("0.150000")


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500, json={"error": "boom"}),
        httpx.Response(401, json={"error": "bad key"}),
        httpx.Response(200, content=b"<html>not json</html>"),
        httpx.Response(200, json={"results": {}}),
        httpx.ReadTimeout("timed out"),
        httpx.ConnectError("refused"),
    ],
    ids=["http-500", "http-401", "not-json", "no-persons", "timeout", "connect-error"],
)
async def test_any_failure_is_a_skip_trace_error_and_is_never_retried(
    response: httpx.Response | Exception,
) -> None:
    recorder = Recorder(response)
    with pytest.raises(SkipTraceError):
        await tracer(recorder).trace([PERSON])
    assert len(recorder.requests) == 1


async def test_more_than_a_hundred_requests_are_refused_before_any_call() -> None:
    recorder = Recorder(answer([]))
    many = [SkipTraceRequest(str(n), "1 A ST", "MIAMI", "FL", "33101") for n in range(101)]
    with pytest.raises(ValueError):
        await tracer(recorder).trace(many)
    assert recorder.requests == []
    assert await tracer(recorder).trace([]) == []


def test_parse_tolerates_junk_persons() -> None:
    (result,) = parse_response({"results": {"persons": [None, 3]}}, [PERSON])
    assert not result.matched


def test_settings_choose_the_adapter() -> None:
    assert isinstance(skip_tracers(Settings()), LocalSkipTracer)
    real = skip_tracers(Settings(batchdata_api_key=SecretStr(KEY)))
    assert isinstance(real, BatchDataSkipTracer) and real.provider == "batchdata"
