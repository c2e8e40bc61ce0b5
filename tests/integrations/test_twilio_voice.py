"""The Twilio voice adapter through the real SDK, its HTTP client replaced by one that records the
request and answers as Twilio would: the exact requests (number search, purchase, rename, release,
call), one attempt only, errors that name Twilio's status and code but never a number; the choice
of network by settings."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from pydantic import SecretStr
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

from propintel.config import get_settings
from propintel.integrations.local.voice import LocalVoice
from propintel.integrations.providers import voice_networks
from propintel.integrations.twilio.sms import twilio_client
from propintel.integrations.twilio.voice import TwilioVoice
from propintel.integrations.voice import (
    AvailableNumber,
    OwnedNumber,
    PlacedCall,
    VoiceError,
)

ACCOUNT = "AC" + "1" * 32
TOKEN = "auth-token-for-tests"
BASE = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}"
PHONE_SID = "PN" + "b" * 32
CALL_SID = "CA" + "c" * 32
VOICE_URL = "https://propintel.example.com/webhooks/twilio/voice"
STATUS_URL = "https://propintel.example.com/webhooks/twilio/voice-status"


class CannedTwilio(TwilioHttpClient):
    """Records each request; answers with ``status`` and ``body`` (or raises ``error``)."""

    def __init__(
        self, status: int = 200, body: object = None, error: Exception | None = None
    ) -> None:
        super().__init__()
        self.status = status
        self.body = body
        self.error = error
        self.requests: list[dict[str, Any]] = []

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        self.requests.append(
            {"method": method, "url": url, "params": params, "data": data, "auth": auth}
        )
        if self.error is not None:
            raise self.error
        return Response(self.status, "" if self.body is None else json.dumps(self.body))


def _adapter(http: CannedTwilio) -> TwilioVoice:
    return TwilioVoice(twilio_client(ACCOUNT, TOKEN, http_client=http))


def _available(number: str, locality: str | None, region: str | None) -> dict[str, Any]:
    return {
        "friendly_name": number,
        "phone_number": number,
        "locality": locality,
        "region": region,
        "iso_country": "US",
        "capabilities": {"voice": True, "SMS": True, "MMS": True},
    }


async def test_the_number_search_asks_for_local_numbers_of_the_area_code() -> None:
    http = CannedTwilio(
        body={
            "available_phone_numbers": [
                _available("+13055550142", "Miami", "FL"),
                _available("+13055550177", "", None),
            ],
            "uri": f"/2010-04-01/Accounts/{ACCOUNT}/AvailablePhoneNumbers/US/Local.json",
        }
    )
    numbers = await _adapter(http).available_numbers("305", 2)
    assert numbers == [
        AvailableNumber("+13055550142", "Miami", "FL"),
        AvailableNumber("+13055550177", None, None),
    ]
    [request] = http.requests
    assert request["method"] == "GET"
    assert request["url"] == f"{BASE}/AvailablePhoneNumbers/US/Local.json"
    assert request["params"]["AreaCode"] == 305
    assert int(request["params"]["PageSize"]) == 2
    assert request["auth"] == (ACCOUNT, TOKEN)


async def test_a_malformed_area_code_asks_nothing() -> None:
    http = CannedTwilio()
    assert await _adapter(http).available_numbers("30a", 5) == []
    assert http.requests == []


async def test_a_purchase_posts_the_number_and_its_webhooks() -> None:
    http = CannedTwilio(
        status=201, body={"sid": PHONE_SID, "phone_number": "+13055550142", "account_sid": ACCOUNT}
    )
    owned = await _adapter(http).buy_number(
        "+13055550142", friendly_name="Office", voice_url=VOICE_URL, status_callback=STATUS_URL
    )
    assert owned == OwnedNumber(PHONE_SID, "+13055550142")
    [request] = http.requests
    assert (request["method"], request["url"]) == ("POST", f"{BASE}/IncomingPhoneNumbers.json")
    assert request["data"] == {
        "PhoneNumber": "+13055550142",
        "FriendlyName": "Office",
        "VoiceUrl": VOICE_URL,
        "VoiceMethod": "POST",
        "StatusCallback": STATUS_URL,
        "StatusCallbackMethod": "POST",
    }


async def test_rename_and_release_address_the_number_by_sid() -> None:
    http = CannedTwilio(body={"sid": PHONE_SID, "friendly_name": "Team"})
    await _adapter(http).rename_number(PHONE_SID, "Team")
    [rename] = http.requests
    assert (rename["method"], rename["url"]) == (
        "POST",
        f"{BASE}/IncomingPhoneNumbers/{PHONE_SID}.json",
    )
    assert rename["data"] == {"FriendlyName": "Team"}
    http = CannedTwilio(status=204)
    await _adapter(http).release_number(PHONE_SID)
    [release] = http.requests
    assert (release["method"], release["url"]) == (
        "DELETE",
        f"{BASE}/IncomingPhoneNumbers/{PHONE_SID}.json",
    )


async def test_a_call_posts_its_webhooks_events_detection_and_limit() -> None:
    http = CannedTwilio(status=201, body={"sid": CALL_SID, "status": "queued"})
    placed = await _adapter(http).place_call(
        to="+13055551234",
        from_="+13055550142",
        url=VOICE_URL,
        status_callback=STATUS_URL,
        time_limit=900,
    )
    assert placed == PlacedCall(CALL_SID, "queued")
    [request] = http.requests
    assert (request["method"], request["url"]) == ("POST", f"{BASE}/Calls.json")
    data = request["data"]
    assert data["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    assert str(data["TimeLimit"]) == "900"
    assert {k: v for k, v in data.items() if k not in {"StatusCallbackEvent", "TimeLimit"}} == {
        "To": "+13055551234",
        "From": "+13055550142",
        "Url": VOICE_URL,
        "Method": "POST",
        "StatusCallback": STATUS_URL,
        "StatusCallbackMethod": "POST",
        "MachineDetection": "Enable",
    }
    # repeated in the form, as Twilio expects a list
    encoded = requests.Request("POST", request["url"], data=data).prepare().body
    assert isinstance(encoded, str) and encoded.count("StatusCallbackEvent=") == 4


async def test_a_call_without_detection_does_not_ask_for_it() -> None:
    http = CannedTwilio(status=201, body={"sid": CALL_SID, "status": "queued"})
    await _adapter(http).place_call(
        to="+13055551234",
        from_="+13055550142",
        url=VOICE_URL,
        status_callback=STATUS_URL,
        time_limit=60,
        machine_detection=False,
    )
    [request] = http.requests
    assert "MachineDetection" not in request["data"]


@pytest.mark.parametrize("status", [400, 401, 404, 429, 500])
async def test_a_refusal_is_a_voice_error_after_one_attempt_naming_no_number(status: int) -> None:
    body = {
        "code": 21452,
        "message": "Number +13055550142 is not available.",
        "more_info": "https://www.twilio.com/docs/errors/21452",
        "status": status,
    }
    adapter = _adapter(http := CannedTwilio(status=status, body=body))
    with pytest.raises(VoiceError) as raised:
        await adapter.buy_number(
            "+13055550142", friendly_name="Office", voice_url=VOICE_URL, status_callback=STATUS_URL
        )
    assert len(http.requests) == 1  # never retried: Twilio has no idempotency key
    message = str(raised.value)
    assert str(status) in message and "21452" in message and "Twilio refused" in message
    assert "+1305" not in message and "3055550142" not in message


async def test_a_refused_call_is_a_voice_error_after_one_attempt() -> None:
    body = {"code": 21215, "message": "Permission to call +13055551234 denied", "status": 400}
    adapter = _adapter(http := CannedTwilio(status=400, body=body))
    with pytest.raises(VoiceError) as raised:
        await adapter.place_call(
            to="+13055551234",
            from_="+13055550142",
            url=VOICE_URL,
            status_callback=STATUS_URL,
            time_limit=900,
        )
    assert len(http.requests) == 1
    assert "21215" in str(raised.value) and "+1305" not in str(raised.value)


async def test_an_unreachable_twilio_is_a_voice_error_after_one_attempt() -> None:
    http = CannedTwilio(error=requests.ConnectionError("connection refused"))
    with pytest.raises(VoiceError, match="could not be reached"):
        await _adapter(http).release_number(PHONE_SID)
    assert len(http.requests) == 1


def test_settings_choose_the_network() -> None:
    offline = get_settings().model_copy(
        update={"twilio_account_sid": None, "twilio_auth_token": None}
    )
    assert isinstance(voice_networks(offline)(None), LocalVoice)
    real = get_settings().model_copy(
        update={"twilio_account_sid": ACCOUNT, "twilio_auth_token": SecretStr(TOKEN)}
    )
    networks = voice_networks(real)
    twilio = networks(None)
    assert isinstance(twilio, TwilioVoice) and twilio.provider == "twilio"
    assert networks(None) is twilio
    assert voice_networks(real)(None) is twilio  # one per process
