"""SMS: one interface, the Twilio adapter (production) and the offline phone simulator (development
and tests), chosen once by settings (``providers.sms_senders``): Twilio when
``PROPINTEL_TWILIO_ACCOUNT_SID`` and ``PROPINTEL_TWILIO_AUTH_TOKEN`` are set.

The simulator is honest: it stores each text in ``local_sms_messages`` in the caller's transaction,
nothing leaves the machine, and its delivery reports reach us as Twilio's would — form posts signed
with ``X-Twilio-Signature`` — so both paths go through the same verification.

``segments`` counts what a carrier bills: GSM 03.38 text (the basic set, with the extension
table's characters counting two) fits 160 characters in one segment and 153 per segment of a
longer message; any other character makes the whole message UCS-2, 70 in one segment and 67 per
segment (UTF-16 code units, so an emoji counts two). A segment never splits an escape pair or a
surrogate pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings

# The simulator's sender when the subscriber has no number of its own and none is configured.
SIMULATOR_SENDER = "+13055550100"
# Twilio refuses a body over 1,600 characters.
MAX_BODY_CHARS = 1600


@dataclass(frozen=True)
class SentSms:
    sid: str  # Twilio's MessageSid (SM + 32 hex), the simulator's in the same form
    status: str  # as the provider reported it at creation: queued, accepted, sending, ...


class SmsSendError(Exception):
    """The provider refused the message or could not be reached; nothing was sent."""


class SmsSender(Protocol):
    provider: str

    async def send(self, to: str, from_: str, body: str, status_callback: str) -> SentSms: ...


# The sender of one unit of work: the simulator writes through the caller's session, so a text
# exists (and is delivered) only if the caller commits.
SmsSenders = Callable[[AsyncSession], SmsSender]


def uses_local_sms(settings: Settings) -> bool:
    return not settings.uses_twilio


def webhook_auth_token(settings: Settings) -> str:
    """The secret that signs Twilio's webhooks to us: the account's auth token; offline, one derived
    from our signing key, with which the simulator signs its posts exactly as Twilio would."""
    if settings.uses_twilio:
        assert settings.twilio_auth_token is not None
        return settings.twilio_auth_token.get_secret_value()
    return settings.derived_secret("twilio-local")


# --- segments -----------------------------------------------------------------------------------
# GSM 03.38, the default alphabet: 128 characters of one septet (0x1B, the escape, is not text)...
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
) - {"\x1b"}
# ... and the extension table: each is the escape plus one septet, two in all.
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM_SINGLE, GSM_MULTI = 160, 153  # septets
UCS2_SINGLE, UCS2_MULTI = 70, 67  # UTF-16 code units

Encoding = Literal["GSM-7", "UCS-2"]


def encoding(body: str) -> Encoding:
    """GSM-7 when every character is in the GSM 03.38 basic set or its extension table."""
    if all(char in GSM_BASIC or char in GSM_EXTENSION for char in body):
        return "GSM-7"
    return "UCS-2"


def _units(body: str, kind: Encoding) -> list[int]:
    """Each character's size in the encoding's units (septets, or UTF-16 code units)."""
    if kind == "GSM-7":
        return [2 if char in GSM_EXTENSION else 1 for char in body]
    return [2 if ord(char) > 0xFFFF else 1 for char in body]


def segments(body: str) -> int:
    """How many SMS segments ``body`` takes (0 for an empty body)."""
    if not body:
        return 0
    kind = encoding(body)
    units = _units(body, kind)
    single, multi = (GSM_SINGLE, GSM_MULTI) if kind == "GSM-7" else (UCS2_SINGLE, UCS2_MULTI)
    if sum(units) <= single:
        return 1
    count, used = 1, 0
    for size in units:  # a character never straddles two segments
        if used + size > multi:
            count, used = count + 1, 0
        used += size
    return count
