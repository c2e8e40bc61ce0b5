"""Telephone numbers and calls through Twilio's official SDK (the ``VoiceNetwork`` of production).

- numbers for sale: ``GET /2010-04-01/Accounts/{sid}/AvailablePhoneNumbers/US/Local.json?AreaCode=``
- buy, rename, release: ``POST IncomingPhoneNumbers.json``, ``POST`` / ``DELETE
  IncomingPhoneNumbers/{PN…}.json``
- place a call: ``POST Calls.json`` (answering machine detection, status callbacks, time limit)

The SDK is synchronous (requests): each call runs in a thread. Twilio has no idempotency key for
calls or purchases, so nothing is retried (the client of ``twilio_client`` makes one attempt): a
failure is reported as ``VoiceError`` naming Twilio's status and error code, never a number.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from propintel.integrations.voice import (
    STATUS_EVENTS,
    AvailableNumber,
    OwnedNumber,
    PlacedCall,
    VoiceError,
)

PROVIDER = "twilio"
COUNTRY = "US"

T = TypeVar("T")


def _text(value: object) -> str | None:
    return str(value) if value else None


class TwilioVoice:
    provider = PROVIDER

    def __init__(self, client: Client) -> None:
        self.client = client

    async def _run(self, action: str, work: Callable[[], T]) -> T:
        try:
            return await asyncio.to_thread(work)
        except TwilioException as error:
            # The status and Twilio's error code only: its message may echo the number.
            status = getattr(error, "status", None)
            code = getattr(error, "code", None)
            raise VoiceError(f"Twilio refused {action} (HTTP {status}, error {code})") from None
        except OSError as error:  # requests' errors are OSErrors: timeouts, refused connections
            raise VoiceError(f"Twilio could not be reached ({type(error).__name__})") from None

    async def available_numbers(self, area_code: str, limit: int) -> list[AvailableNumber]:
        if not (len(area_code) == 3 and area_code.isdigit()) or limit <= 0:
            return []

        def work() -> list[AvailableNumber]:
            found = self.client.available_phone_numbers(COUNTRY).local.list(
                area_code=int(area_code), limit=limit
            )
            return [
                AvailableNumber(str(item.phone_number), _text(item.locality), _text(item.region))
                for item in found
            ][:limit]

        return await self._run("the number search", work)

    async def buy_number(
        self, number: str, *, friendly_name: str, voice_url: str, status_callback: str
    ) -> OwnedNumber:
        def work() -> OwnedNumber:
            bought = self.client.incoming_phone_numbers.create(
                phone_number=number,
                friendly_name=friendly_name,
                voice_url=voice_url,
                voice_method="POST",
                status_callback=status_callback,
                status_callback_method="POST",
            )
            return OwnedNumber(sid=str(bought.sid), number=str(bought.phone_number or number))

        return await self._run("the purchase", work)

    async def rename_number(self, sid: str, friendly_name: str) -> None:
        def work() -> None:
            self.client.incoming_phone_numbers(sid).update(friendly_name=friendly_name)

        await self._run("the change", work)

    async def release_number(self, sid: str) -> None:
        def work() -> None:
            self.client.incoming_phone_numbers(sid).delete()

        await self._run("the release", work)

    async def place_call(
        self,
        *,
        to: str,
        from_: str,
        url: str,
        status_callback: str,
        time_limit: int,
        machine_detection: bool = True,
    ) -> PlacedCall:
        def work() -> PlacedCall:
            options: dict[str, str] = {"machine_detection": "Enable"} if machine_detection else {}
            placed = self.client.calls.create(
                to=to,
                from_=from_,
                url=url,
                method="POST",
                status_callback=status_callback,
                status_callback_event=list(STATUS_EVENTS),
                status_callback_method="POST",
                time_limit=time_limit,
                **options,
            )
            return PlacedCall(sid=str(placed.sid), status=str(placed.status or "queued"))

        return await self._run("the call", work)
