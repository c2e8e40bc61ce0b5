"""Telephone calls and numbers: one interface, the Twilio adapter (production) and the offline
telephone network (development and tests), chosen once by settings (``providers.voice_networks``):
Twilio when ``PROPINTEL_TWILIO_ACCOUNT_SID`` and ``PROPINTEL_TWILIO_AUTH_TOKEN`` are set.

The offline network is honest: it issues numbers from the fictional 555-0100…0199 range of an area
code, stores numbers and calls in its own tables (``local_phone_numbers``, ``local_voice_calls``)
in the caller's transaction, and everything that happens on a call reaches us as Twilio's webhooks
would — form posts signed with ``X-Twilio-Signature`` to the same endpoints — driven by the call
simulator page (``voice/simulator.py``). Nothing leaves the machine.

Twilio has no idempotency key for calls or number purchases: a create is never retried.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

# Twilio's CallStatus values, and the ones that end a call.
CALL_STATUSES = (
    "queued",
    "initiated",
    "ringing",
    "in-progress",
    "completed",
    "busy",
    "failed",
    "no-answer",
    "canceled",
)
FINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
# The status callback events an outbound call asks for.
STATUS_EVENTS = ("initiated", "ringing", "answered", "completed")


@dataclass(frozen=True)
class AvailableNumber:
    number: str  # E.164
    locality: str | None  # e.g. "Miami"
    region: str | None  # e.g. "FL"


@dataclass(frozen=True)
class OwnedNumber:
    sid: str  # Twilio's IncomingPhoneNumber sid (PN + 32 hex); the simulator's in the same form
    number: str  # E.164


@dataclass(frozen=True)
class PlacedCall:
    sid: str  # Twilio's CallSid (CA + 32 hex)
    status: str  # as reported at creation: queued


class VoiceError(Exception):
    """The provider refused or could not be reached; nothing was bought, released or dialled.
    The message names the provider's status and error code, never a number."""


class VoiceNetwork(Protocol):
    provider: str  # "twilio" or "local"

    async def available_numbers(self, area_code: str, limit: int) -> list[AvailableNumber]:
        """Local numbers for sale in ``area_code`` (three digits), at most ``limit``."""
        ...

    async def buy_number(
        self, number: str, *, friendly_name: str, voice_url: str, status_callback: str
    ) -> OwnedNumber:
        """Buy ``number``; its incoming calls are posted to ``voice_url`` (TwiML) and their
        statuses to ``status_callback``."""
        ...

    async def rename_number(self, sid: str, friendly_name: str) -> None: ...

    async def release_number(self, sid: str) -> None:
        """Give the number back: it stops receiving calls at once."""
        ...

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
        """Dial ``to`` from ``from_``; when answered, ``url`` is asked for TwiML; every status in
        ``STATUS_EVENTS`` is posted to ``status_callback``; the call ends after ``time_limit``
        seconds at the latest."""
        ...


# The network of one unit of work: the offline network writes through the caller's session, so a
# number bought or a call placed exists only if the caller commits.
VoiceNetworks = Callable[[AsyncSession], VoiceNetwork]
