"""SMS through Twilio's official SDK: ``client.messages.create(to=, from_=, body=,
status_callback=)``, a ``POST /2010-04-01/Accounts/{sid}/Messages.json`` form with Basic auth.

The SDK is synchronous (requests): the call runs in a thread. Twilio has no idempotency key for
messages, so a create is never retried here (the SDK's HTTP client is built without retries): a
failure is reported as ``SmsSendError`` and the caller refunds; nothing is sent twice.
"""

from __future__ import annotations

import asyncio

from twilio.base.exceptions import TwilioException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from propintel.integrations.sms import SentSms, SmsSendError

PROVIDER = "twilio"
TIMEOUT_S = 15.0


def twilio_client(
    account_sid: str, auth_token: str, http_client: HttpClient | None = None
) -> Client:
    """A client for the account; its HTTP client makes one attempt per request (no retries)."""
    return Client(
        account_sid,
        auth_token,
        http_client=http_client or TwilioHttpClient(timeout=TIMEOUT_S, max_retries=0),
    )


class TwilioSms:
    provider = PROVIDER

    def __init__(self, client: Client) -> None:
        self.client = client

    def _create(self, to: str, from_: str, body: str, status_callback: str) -> SentSms:
        message = self.client.messages.create(
            to=to, from_=from_, body=body, status_callback=status_callback
        )
        return SentSms(sid=str(message.sid), status=str(message.status or "queued"))

    async def send(self, to: str, from_: str, body: str, status_callback: str) -> SentSms:
        try:
            return await asyncio.to_thread(self._create, to, from_, body, status_callback)
        except TwilioException as error:
            # The status and Twilio's error code only: its message may echo the number.
            status = getattr(error, "status", None)
            code = getattr(error, "code", None)
            raise SmsSendError(
                f"Twilio refused the message (HTTP {status}, error {code})"
            ) from None
        except OSError as error:  # requests' errors are OSErrors: timeouts, refused connections
            raise SmsSendError(f"Twilio could not be reached ({type(error).__name__})") from None
