"""The offline telephone network: the local adapter and the call simulator's side of it.

``LocalVoice`` issues numbers from the fictional 555-0100…0199 range of an area code and places
calls, storing both (``local_phone_numbers``, ``local_voice_calls``) in the caller's transaction.
The call simulator (``voice/simulator*.py``) drives the calls with the module's functions: a
caller dialling one of our held numbers (``dial_in``), each status change (``set_status``), and the
form Twilio would post for it (``call_params``), which the simulator signs and posts to our
webhooks. Nothing leaves the machine.
"""

from __future__ import annotations

import math
import re
import secrets
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.local.voice_repository import (
    LocalCall,
    LocalNumber,
    LocalVoiceRepository,
)
from propintel.integrations.voice import (
    FINAL_STATUSES,
    AvailableNumber,
    OwnedNumber,
    PlacedCall,
    VoiceError,
)

PROVIDER = "local"
# Twilio's shape for the ids the simulator makes up (as the SMS simulator's).
ACCOUNT_SID = "AC" + "0" * 32
API_VERSION = "2010-04-01"
# The fictional exchange: +1 <area code> 555 0100 … 0199.
FIRST_LINE = 100
LAST_LINE = 199
MIAMI_AREA_CODES = frozenset({"305", "786"})
OUTBOUND = "outbound-api"
INBOUND = "inbound"

_AREA_CODE = re.compile(r"[0-9]{3}")
_NUMBER = re.compile(r"\+1([0-9]{3})5550([0-9]{3})")

__all__ = [
    "LocalCall",
    "LocalNumber",
    "LocalVoice",
    "call",
    "call_params",
    "calls",
    "dial_in",
    "duration_of",
    "lock",
    "new_call_sid",
    "new_phone_sid",
    "set_status",
]


def new_phone_sid() -> str:
    """A number id shaped like Twilio's: ``PN`` and 32 hex digits."""
    return "PN" + secrets.token_hex(16)


def new_call_sid() -> str:
    """A call id shaped like Twilio's: ``CA`` and 32 hex digits."""
    return "CA" + secrets.token_hex(16)


def _range(area_code: str) -> list[str]:
    return [f"+1{area_code}5550{line}" for line in range(FIRST_LINE, LAST_LINE + 1)]


def _in_range(number: str) -> bool:
    match = _NUMBER.fullmatch(number)
    return match is not None and FIRST_LINE <= int(match.group(2)) <= LAST_LINE


def _place(area_code: str) -> tuple[str | None, str | None]:
    return ("Miami", "FL") if area_code in MIAMI_AREA_CODES else (None, None)


class LocalVoice:
    provider = PROVIDER

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = LocalVoiceRepository.from_session(session)

    async def available_numbers(self, area_code: str, limit: int) -> list[AvailableNumber]:
        if not _AREA_CODE.fullmatch(area_code) or limit <= 0:
            return []
        numbers = _range(area_code)
        held = await self.repository.held_numbers(numbers)
        locality, region = _place(area_code)
        free = [number for number in numbers if number not in held]
        return [AvailableNumber(number, locality, region) for number in free[:limit]]

    async def buy_number(
        self, number: str, *, friendly_name: str, voice_url: str, status_callback: str
    ) -> OwnedNumber:
        if not _in_range(number):
            raise VoiceError("The local network refused the purchase: number not available")
        if await self.repository.held_number(number) is not None:
            raise VoiceError("The local network refused the purchase: number already held")
        sid = new_phone_sid()
        await self.repository.insert_number(
            sid=sid,
            number=number,
            friendly_name=friendly_name,
            voice_url=voice_url,
            status_callback=status_callback,
        )
        return OwnedNumber(sid=sid, number=number)

    async def rename_number(self, sid: str, friendly_name: str) -> None:
        if not await self.repository.rename_number(sid, friendly_name):
            raise VoiceError("The local network refused the change: no such number held")

    async def release_number(self, sid: str) -> None:
        if not await self.repository.release_number(sid):
            raise VoiceError("The local network refused the release: no such number held")

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
        sid = new_call_sid()
        await self.repository.insert_call(
            sid=sid,
            direction=OUTBOUND,
            from_number=from_,
            to_number=to,
            status="queued",
            url=url,
            status_callback=status_callback,
            time_limit=time_limit,
            machine_detection=machine_detection,
        )
        return PlacedCall(sid=sid, status="queued")


# --- the call simulator's side ---


async def calls(session: AsyncSession, limit: int) -> list[LocalCall]:
    """The network's newest ``limit`` calls, newest first."""
    return await LocalVoiceRepository.from_session(session).calls(limit)


async def call(session: AsyncSession, sid: str) -> LocalCall | None:
    return await LocalVoiceRepository.from_session(session).call(sid)


async def lock(session: AsyncSession, sid: str) -> LocalCall | None:
    """The call, its row locked (``FOR UPDATE``) until the transaction ends."""
    return await LocalVoiceRepository.from_session(session).call(sid, for_update=True)


async def dial_in(session: AsyncSession, *, from_: str, to: str, now: datetime) -> LocalCall | None:
    """A caller ``from_`` dials ``to``: a ringing inbound call to that held number, asking its
    voice URL for TwiML and posting to its status callback; None when nobody holds ``to`` (a
    released number stops receiving calls)."""
    repository = LocalVoiceRepository.from_session(session)
    held = await repository.held_number(to)
    if held is None:
        return None
    sid = new_call_sid()
    await repository.insert_call(
        sid=sid,
        direction=INBOUND,
        from_number=from_,
        to_number=to,
        status="ringing",
        url=held.voice_url,
        status_callback=held.status_callback,
        time_limit=None,
        machine_detection=False,
        created_at=now,
    )
    return await repository.call(sid)


async def set_status(
    session: AsyncSession,
    sid: str,
    status: str,
    *,
    now: datetime,
    answered_by: str | None = None,
) -> LocalCall | None:
    """Store the call's new ``status`` (and ``answered_by`` when given): ``answered_at`` is set
    when it first becomes ``in-progress``, ``ended_at`` when it first reaches a final status.
    Returns the call as stored, None for an unknown sid."""
    repository = LocalVoiceRepository.from_session(session)
    current = await repository.call(sid, for_update=True)
    if current is None:
        return None
    answered_at = now if status == "in-progress" and current.answered_at is None else None
    ended_at = now if status in FINAL_STATUSES and current.ended_at is None else None
    await repository.set_status(
        sid, status, answered_by=answered_by, answered_at=answered_at, ended_at=ended_at
    )
    return await repository.call(sid)


def duration_of(call: LocalCall, now: datetime) -> int:
    """Started seconds the call has been (or was) answered: from ``answered_at`` to ``now`` (or to
    its end, when it has ended), 0 if never answered, at most its ``time_limit``."""
    if call.answered_at is None:
        return 0
    end = call.ended_at if call.ended_at is not None and call.ended_at < now else now
    # Started seconds, as Twilio reports CallDuration: a call answered for 0.4 s lasted 1 s.
    seconds = max(0, math.ceil((end - call.answered_at).total_seconds()))
    if call.time_limit is not None:
        seconds = min(seconds, call.time_limit)
    return seconds


def call_params(
    call: LocalCall,
    status: str,
    *,
    duration: int | None = None,
    answered_by: str | None = None,
) -> dict[str, str]:
    """The form Twilio posts about a call (its voice URL and status callback alike)."""
    params = {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": API_VERSION,
        "CallSid": call.call_sid,
        "From": call.from_number,
        "To": call.to_number,
        "Caller": call.from_number,
        "Called": call.to_number,
        "Direction": call.direction,
        "CallStatus": status,
    }
    if duration is not None:
        params["CallDuration"] = str(duration)
    if answered_by is not None:
        params["AnsweredBy"] = answered_by
    return params
