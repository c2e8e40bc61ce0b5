"""The Twenty adapter against a mocked HTTP layer (httpx.MockTransport): the exact method, URL,
headers and JSON of each call, the ids read from Twenty's answers, and which refusals are
retryable. The API key never appears in an error."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from propintel.integrations.crm import CrmError, NoteIn, OpportunityIn, PersonIn
from propintel.integrations.twenty.crm import TwentyCrm

BASE = "https://crm.example.com"
KEY = "tw-secret-key-1234"
PERSON_ID = "5f0c1d2e-0000-4000-8000-000000000001"
OPPORTUNITY_ID = "5f0c1d2e-0000-4000-8000-000000000002"
NOTE_ID = "5f0c1d2e-0000-4000-8000-000000000003"


class Recorder:
    """A mock Twenty: records each request, answers with ``reply(request)``."""

    def __init__(self, reply: Callable[[httpx.Request], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []
        self.reply = reply

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.reply(request)

    def body(self, index: int) -> Any:
        return json.loads(self.requests[index].content)


def created(kind: str, record_id: str) -> httpx.Response:
    return httpx.Response(201, json={"data": {f"create{kind}": {"id": record_id, "name": "x"}}})


def crm_with(
    reply: Callable[[httpx.Request], httpx.Response], base: str = BASE
) -> tuple[TwentyCrm, Recorder]:
    recorder = Recorder(reply)
    return TwentyCrm(base, KEY, transport=httpx.MockTransport(recorder)), recorder


def assert_headers(request: httpx.Request) -> None:
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"


async def test_create_person_posts_twentys_shape_and_reads_the_id() -> None:
    crm, twenty = crm_with(lambda _request: created("Person", PERSON_ID))
    person = PersonIn("Maria", "Garcia", email="maria@example.com", phone="+13055551234",
                      city="MIAMI")  # fmt: skip

    assert await crm.create_person(person) == PERSON_ID

    (request,) = twenty.requests
    assert request.method == "POST"
    assert str(request.url) == "https://crm.example.com/rest/people"
    assert_headers(request)
    assert twenty.body(0) == {
        "name": {"firstName": "Maria", "lastName": "Garcia"},
        "emails": {"primaryEmail": "maria@example.com"},
        "phones": {
            "primaryPhoneNumber": "3055551234",
            "primaryPhoneCountryCode": "US",
            "primaryPhoneCallingCode": "+1",
        },
        "city": "MIAMI",
    }
    await crm.aclose()


async def test_unknown_fields_are_left_out_so_an_update_never_wipes_them() -> None:
    crm, twenty = crm_with(lambda _request: httpx.Response(200, json={"data": {}}))

    await crm.update_person(PERSON_ID, PersonIn("", "ACME HOLDINGS LLC"))

    (request,) = twenty.requests
    assert request.method == "PATCH"
    assert str(request.url) == f"https://crm.example.com/rest/people/{PERSON_ID}"
    assert_headers(request)
    assert twenty.body(0) == {"name": {"firstName": "", "lastName": "ACME HOLDINGS LLC"}}


async def test_opportunity_with_stage_amount_and_point_of_contact() -> None:
    crm, twenty = crm_with(lambda _request: created("Opportunity", OPPORTUNITY_ID))
    opportunity = OpportunityIn(
        "100 NW 1 AVE, MIAMI, FL 33128",
        "SCREENING",
        point_of_contact_id=PERSON_ID,
        amount_micros=400_000_000_000,
    )

    assert await crm.create_opportunity(opportunity) == OPPORTUNITY_ID

    (request,) = twenty.requests
    assert request.method == "POST"
    assert str(request.url) == "https://crm.example.com/rest/opportunities"
    assert_headers(request)
    assert twenty.body(0) == {
        "name": "100 NW 1 AVE, MIAMI, FL 33128",
        "stage": "SCREENING",
        "pointOfContactId": PERSON_ID,
        "amount": {"amountMicros": 400_000_000_000, "currencyCode": "USD"},
    }


async def test_patch_opportunity_without_a_stage_keeps_twentys() -> None:
    crm, twenty = crm_with(lambda _request: httpx.Response(200, json={"data": {}}))

    await crm.update_opportunity(OPPORTUNITY_ID, OpportunityIn("1 LEAD ST (lost)", None))

    (request,) = twenty.requests
    assert request.method == "PATCH"
    assert str(request.url) == f"https://crm.example.com/rest/opportunities/{OPPORTUNITY_ID}"
    assert twenty.body(0) == {"name": "1 LEAD ST (lost)"}


async def test_a_note_is_created_then_attached_to_the_person() -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/rest/notes":
            return created("Note", NOTE_ID)
        return created("NoteTarget", "target-1")

    crm, twenty = crm_with(reply)

    assert await crm.add_note(PERSON_ID, NoteIn("PropIntel note", "Owner wants a call")) == NOTE_ID

    note, target = twenty.requests
    assert (note.method, str(note.url)) == ("POST", "https://crm.example.com/rest/notes")
    assert twenty.body(0) == {
        "title": "PropIntel note",
        "bodyV2": {"markdown": "Owner wants a call"},
    }
    assert (target.method, str(target.url)) == ("POST", "https://crm.example.com/rest/noteTargets")
    assert twenty.body(1) == {"noteId": NOTE_ID, "personId": PERSON_ID}


async def test_a_self_hosted_base_url_with_a_path_keeps_it() -> None:
    crm, twenty = crm_with(lambda _request: httpx.Response(200, json={"data": {"people": []}}),
                           base="https://example.org/twenty/")  # fmt: skip

    await crm.check()

    (request,) = twenty.requests
    assert request.method == "GET"
    assert str(request.url) == "https://example.org/twenty/rest/people?limit=1"
    assert request.headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(400, False), (401, False), (403, False), (404, False), (422, False), (429, True),
     (500, True), (502, True), (503, True)],
)  # fmt: skip
async def test_refusals_say_whether_a_retry_may_help(status: int, retryable: bool) -> None:
    body = {"statusCode": status, "messages": ["stage must be one of NEW, SCREENING"],
            "error": "BadRequestException"}  # fmt: skip
    crm, _twenty = crm_with(lambda _request: httpx.Response(status, json=body))

    with pytest.raises(CrmError) as raised:
        await crm.create_person(PersonIn("A", "B"))

    assert raised.value.retryable is retryable
    assert raised.value.status == status
    assert f"HTTP {status}" in raised.value.message
    assert "stage must be one of NEW, SCREENING" in raised.value.message
    assert KEY not in raised.value.message


async def test_a_body_that_is_not_twentys_json_is_not_quoted() -> None:
    crm, _twenty = crm_with(
        lambda _request: httpx.Response(500, text="<html>internal admin</html>")
    )

    with pytest.raises(CrmError) as raised:
        await crm.create_person(PersonIn("A", "B"))

    assert raised.value.retryable
    assert "internal admin" not in raised.value.message


async def test_timeouts_and_network_failures_are_retryable_and_keep_the_key_out() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect with {KEY}", request=request)

    for failing in (timeout, refused):
        crm, _twenty = crm_with(failing)
        with pytest.raises(CrmError) as raised:
            await crm.update_person(PERSON_ID, PersonIn("A", "B"))
        assert raised.value.retryable
        assert raised.value.status is None
        assert "crm.example.com" in raised.value.message
        assert KEY not in raised.value.message


async def test_an_answer_without_the_new_id_is_an_error() -> None:
    crm, _twenty = crm_with(lambda _request: httpx.Response(201, json={"data": {}}))

    with pytest.raises(CrmError) as raised:
        await crm.create_person(PersonIn("A", "B"))

    assert not raised.value.retryable
    assert "createPerson" in raised.value.message


async def test_a_redirect_is_not_followed() -> None:
    crm, twenty = crm_with(
        lambda _request: httpx.Response(302, headers={"Location": "http://169.254.169.254/"})
    )

    with pytest.raises(CrmError) as raised:
        await crm.check()

    assert len(twenty.requests) == 1
    assert not raised.value.retryable


async def test_a_record_id_cannot_reach_another_path() -> None:
    crm, twenty = crm_with(lambda _request: httpx.Response(200, json={}))

    with pytest.raises(CrmError):
        await crm.update_person("../workspaces", PersonIn("A", "B"))

    assert twenty.requests == []
