"""The Twilio SMS adapter through the real SDK, its HTTP client replaced by one that records the
request and answers as Twilio would: the exact request (URL, form fields, Basic auth), one attempt
only, errors that leak no number; the webhook signature; the choice by settings."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
import requests
from pydantic import SecretStr
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

from propintel.config import get_settings
from propintel.integrations.local.sms import LocalSms
from propintel.integrations.providers import sms_senders
from propintel.integrations.sms import SmsSendError, webhook_auth_token
from propintel.integrations.twilio.signature import is_valid, signature
from propintel.integrations.twilio.sms import TwilioSms, twilio_client

ACCOUNT = "AC" + "1" * 32
TOKEN = "auth-token-for-tests"
SID = "SM" + "a" * 32
CALLBACK = "https://propintel.example.com/webhooks/twilio/sms-status"


class CannedTwilio(TwilioHttpClient):
    """Records each request; answers with ``status`` and ``body`` (or raises ``error``)."""

    def __init__(
        self, status: int = 201, body: dict[str, Any] | None = None, error: Exception | None = None
    ) -> None:
        super().__init__()
        self.status = status
        self.body = body if body is not None else {"sid": SID, "status": "queued"}
        self.error = error
        self.requests: list[dict[str, Any]] = []

    def request(  # type: ignore[override]
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
            {"method": method, "url": url, "data": data, "auth": auth, "headers": headers}
        )
        if self.error is not None:
            raise self.error
        return Response(self.status, json.dumps(self.body))


def _adapter(http: CannedTwilio) -> TwilioSms:
    return TwilioSms(twilio_client(ACCOUNT, TOKEN, http_client=http))


async def test_a_send_makes_exactly_twilios_request() -> None:
    http = CannedTwilio()
    sent = await _adapter(http).send("+13055551234", "+13055550100", "Hola", CALLBACK)
    assert (sent.sid, sent.status) == (SID, "queued")
    [request] = http.requests
    assert request["method"] == "POST"
    assert request["url"] == f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert request["data"] == {
        "To": "+13055551234",
        "From": "+13055550100",
        "Body": "Hola",
        "StatusCallback": CALLBACK,
    }
    assert request["auth"] == (ACCOUNT, TOKEN)


@pytest.mark.parametrize("status", [400, 401, 429, 500, 503])
async def test_a_refusal_is_a_send_error_after_one_attempt_naming_no_number(status: int) -> None:
    body = {
        "code": 21211,
        "message": "The 'To' number +13055551234 is not valid.",
        "status": status,
    }
    http = CannedTwilio(status=status, body=body)
    with pytest.raises(SmsSendError) as raised:
        await _adapter(http).send("+13055551234", "+13055550100", "Hola", CALLBACK)
    assert len(http.requests) == 1  # never retried: Twilio has no idempotency key
    assert str(status) in str(raised.value) and "21211" in str(raised.value)
    assert "+1305" not in str(raised.value)


async def test_an_unreachable_twilio_is_a_send_error_after_one_attempt() -> None:
    http = CannedTwilio(error=requests.ConnectionError("connection refused"))
    with pytest.raises(SmsSendError, match="could not be reached"):
        await _adapter(http).send("+13055551234", "+13055550100", "Hola", CALLBACK)
    assert len(http.requests) == 1


def test_the_production_client_never_retries() -> None:
    client = twilio_client(ACCOUNT, TOKEN)
    http = client.http_client
    assert isinstance(http, TwilioHttpClient) and http.session is not None
    assert http.session.get_adapter("https://api.twilio.com").max_retries.total == 0


def test_signatures_are_twilios() -> None:
    url = "https://propintel.example.com/webhooks/twilio/sms"
    params = {"From": "+13055551234", "To": "+13055550100", "Body": "STOP", "MessageSid": SID}
    # Twilio's documented algorithm: the URL, then each name+value sorted by name, HMAC-SHA1.
    payload = url + "".join(name + params[name] for name in sorted(params))
    expected = base64.b64encode(
        hmac.new(TOKEN.encode(), payload.encode(), hashlib.sha1).digest()
    ).decode()
    assert signature(TOKEN, url, params) == expected
    assert is_valid(TOKEN, url, params, expected)
    assert not is_valid(TOKEN, url, {**params, "Body": "YES"}, expected)
    assert not is_valid("another-token", url, params, expected)
    assert not is_valid(TOKEN, url + "?x=1", params, expected)
    assert not is_valid(TOKEN, url, params, None)
    assert not is_valid(TOKEN, url, params, "")


def test_settings_choose_the_adapter_and_the_webhook_secret() -> None:
    offline = get_settings().model_copy(
        update={"twilio_account_sid": None, "twilio_auth_token": None}
    )
    assert isinstance(sms_senders(offline)(None), LocalSms)  # type: ignore[arg-type]
    assert webhook_auth_token(offline) == offline.derived_secret("twilio-local")
    real = get_settings().model_copy(
        update={"twilio_account_sid": ACCOUNT, "twilio_auth_token": SecretStr(TOKEN)}
    )
    assert isinstance(sms_senders(real)(None), TwilioSms)  # type: ignore[arg-type]
    assert webhook_auth_token(real) == TOKEN
