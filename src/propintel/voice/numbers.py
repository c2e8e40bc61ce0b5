"""A subscriber's phone numbers (docs/voice.md): local numbers searched by area code and bought
from the telephone network (Twilio, or the offline network in development), named, released; the
number AI calls are placed from and that inbound calls reach. Each held number's monthly price is
recorded once per New York month as a provider cost (``phone_number_costs``).

Every action needs a plan with AI voice calls (``ai_voice``), except releasing a number: a
subscriber who lost the plan can still give their numbers back (and stop their cost).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.config import Settings
from propintel.integrations.voice import AvailableNumber, VoiceError, VoiceNetwork
from propintel.kit.errors import Conflict, Invalid, NotFound, ServiceUnavailable
from propintel.kit.i18n import _
from propintel.kit.phones import display_phone, normalize_phone
from propintel.voice.numbers_repository import NumberRow, NumbersRepository
from propintel.voice.paths import INBOUND_PATH, STATUS_PATH, webhook_url

FEATURE: Final = "ai_voice"
DEFAULT_AREA_CODES: Final = ("305", "786")  # Miami-Dade
NAME_MAX: Final = 64
RELEASED_SHOWN: Final = 20
SEARCH_MAX: Final = 50
LOCAL: Final = "local"
_AREA_CODE = re.compile(r"[2-9][0-9]{2}")


@dataclass(frozen=True)
class PhoneNumber:
    phone_id: uuid.UUID
    number: str  # E.164
    friendly_name: str
    provider: str  # twilio or local
    monthly_cost_usd: Decimal
    since: datetime | None
    released_at: datetime | None
    active: bool

    @property
    def display(self) -> str:
        return display_phone(self.number) if self.number.startswith("+1") else self.number

    @property
    def simulated(self) -> bool:
        return self.provider == LOCAL


@dataclass(frozen=True)
class Numbers:
    held: list[PhoneNumber]
    released: list[PhoneNumber]
    limit: int

    @property
    def at_limit(self) -> bool:
        return len(self.held) >= self.limit


@dataclass(frozen=True)
class NumberOwner:
    user_id: uuid.UUID
    phone_id: uuid.UUID
    friendly_name: str | None


def _number(row: NumberRow) -> PhoneNumber:
    return PhoneNumber(
        phone_id=row.phone_id,
        number=row.phone_number,
        friendly_name=row.friendly_name or "",
        provider=row.provider,
        monthly_cost_usd=row.monthly_cost_usd or Decimal(0),
        since=row.created_at,
        released_at=row.released_at,
        active=row.is_active,
    )


def month_start(day: date) -> date:
    return day.replace(day=1)


def check_area_code(area_code: str | None) -> str | None:
    """Three digits (a US area code), or None when left empty."""
    value = (area_code or "").strip()
    if not value:
        return None
    if not _AREA_CODE.fullmatch(value):
        raise Invalid(_("Enter a 3-digit area code, like 305."), field="area_code")
    return value


def check_name(name: str | None) -> str:
    value = " ".join((name or "").split())
    if not value:
        raise Invalid(_("Give the number a name, like “Office line”."), field="friendly_name")
    if len(value) > NAME_MAX:
        raise Invalid(
            _("Use at most {count} characters for the name.").format(count=NAME_MAX),
            field="friendly_name",
        )
    return value


def _unavailable(error: VoiceError) -> ServiceUnavailable:
    return ServiceUnavailable(
        _(
            "The phone company could not complete this right now ({reason}). Nothing was "
            "changed; please try again in a few minutes."
        ).format(reason=str(error) or _("no reason given"))
    )


# --- a subscriber's actions ---------------------------------------------------------------------
async def available(
    session: AsyncSession,
    user: User,
    network: VoiceNetwork,
    area_code: str | None,
    limit: int = 20,
) -> list[AvailableNumber]:
    """Numbers for sale in ``area_code``; without one, 305's first, then 786's (Miami-Dade)."""
    await catalog.require_feature(session, user, FEATURE)
    code = check_area_code(area_code)
    limit = max(1, min(limit, SEARCH_MAX))
    try:
        if code is not None:
            return (await network.available_numbers(code, limit))[:limit]
        first, second = DEFAULT_AREA_CODES
        of_first = await network.available_numbers(first, limit)
        of_second = await network.available_numbers(second, limit)
    except VoiceError as error:
        raise _unavailable(error) from error
    # Both area codes show when both have numbers: 305's up to half (more when 786 has few).
    taken = min(len(of_first), max((limit + 1) // 2, limit - len(of_second)))
    return of_first[:taken] + of_second[: limit - taken]


async def buy(
    session: AsyncSession,
    user: User,
    network: VoiceNetwork,
    settings: Settings,
    *,
    number: str,
    friendly_name: str,
    now: datetime,
) -> PhoneNumber:
    """Buy ``number`` from the network and hold it. Refusals: no plan with AI voice (403), a bad
    number or name (422), the per-subscriber limit or a number someone holds (409), the network's
    refusal (503: nothing stored)."""
    await catalog.require_feature(session, user, FEATURE)
    e164 = normalize_phone(number)
    if e164 is None:
        raise Invalid(_("Choose a US phone number from the search."), field="number")
    name = check_name(friendly_name)
    repo = NumbersRepository.from_session(session)
    await repo.lock_owner(user.user_id)
    limit = settings.voice_numbers_per_subscriber
    if await repo.count_held(user.user_id) >= limit:
        raise Conflict(
            _(
                "You already hold {limit} numbers, the most one account may hold. Release one "
                "to buy another."
            ).format(limit=limit)
        )
    if await repo.by_number(e164, active_only=True) is not None:
        raise Conflict(
            _("{number} is no longer available. Choose another number.").format(
                number=display_phone(e164)
            ),
            field="number",
        )
    try:
        async with session.begin_nested():  # the offline network writes nothing on a refusal
            owned = await network.buy_number(
                e164,
                friendly_name=name,
                voice_url=webhook_url(settings, INBOUND_PATH),
                status_callback=webhook_url(settings, STATUS_PATH),
            )
    except VoiceError as error:
        raise _unavailable(error) from error
    row = await repo.add(
        user_id=user.user_id,
        number=normalize_phone(owned.number) or e164,
        sid=owned.sid,
        friendly_name=name,
        provider=network.provider,
        monthly_cost_usd=settings.voice_number_monthly_cost_usd,
        now=now,
    )
    await repo.record_cost(
        row.phone_id, user.user_id, month_start(now.date()), settings.voice_number_monthly_cost_usd
    )
    return _number(row)


async def _held(session: AsyncSession, user: User, phone_id: uuid.UUID) -> NumberRow:
    row = await NumbersRepository.from_session(session).owned(user.user_id, phone_id)
    if row is None:
        raise NotFound(_("No such phone number."))
    return row


async def rename(
    session: AsyncSession, user: User, network: VoiceNetwork, phone_id: uuid.UUID, name: str
) -> PhoneNumber:
    await catalog.require_feature(session, user, FEATURE)
    clean = check_name(name)
    row = await _held(session, user, phone_id)
    if not row.is_active:
        raise Conflict(_("This number was released; it can no longer be renamed."))
    if row.twilio_sid:
        try:
            await network.rename_number(row.twilio_sid, clean)
        except VoiceError as error:
            raise _unavailable(error) from error
    await NumbersRepository.from_session(session).rename(phone_id, clean)
    return replace(_number(row), friendly_name=clean)


async def release(
    session: AsyncSession, user: User, network: VoiceNetwork, phone_id: uuid.UUID, now: datetime
) -> PhoneNumber:
    """Give the number back to the network: it stops receiving calls at once."""
    row = await _held(session, user, phone_id)
    if not row.is_active:
        raise Conflict(_("This number was already released."))
    if row.twilio_sid:
        try:
            async with session.begin_nested():
                await network.release_number(row.twilio_sid)
        except VoiceError as error:
            raise _unavailable(error) from error
    await NumbersRepository.from_session(session).release(phone_id, now)
    return replace(_number(row), active=False, released_at=now)


async def numbers(session: AsyncSession, user: User, settings: Settings | None = None) -> Numbers:
    """The numbers the user holds (newest first) and the latest released ones."""
    await catalog.require_feature(session, user, FEATURE)
    repo = NumbersRepository.from_session(session)
    held = await repo.held(user.user_id)
    released = await repo.released(user.user_id, RELEASED_SHOWN)
    limit = settings.voice_numbers_per_subscriber if settings else len(held)
    return Numbers([_number(r) for r in held], [_number(r) for r in released], limit)


async def number_of(session: AsyncSession, user: User, phone_id: uuid.UUID) -> PhoneNumber:
    """One of the user's numbers (held or released); another's or unknown: NotFound."""
    return _number(await _held(session, user, phone_id))


# --- for calls ----------------------------------------------------------------------------------
async def active_number(session: AsyncSession, user_id: uuid.UUID) -> str | None:
    """The number the user's calls come from: the newest one they hold (None: they hold none)."""
    return await NumbersRepository.from_session(session).newest_held_number(user_id)


async def number_owner(session: AsyncSession, number: str) -> NumberOwner | None:
    """Who holds ``number`` (held numbers only): where an inbound call belongs."""
    e164 = normalize_phone(number) or number
    row = await NumbersRepository.from_session(session).by_number(e164, active_only=True)
    if row is None or row.user_id is None:
        return None
    return NumberOwner(row.user_id, row.phone_id, row.friendly_name)


# --- the platform's cost ------------------------------------------------------------------------
async def record_monthly_costs(session: AsyncSession, today: date) -> int:
    """This New York month's cost row for every held number that has none (idempotent); how many
    were recorded."""
    return await NumbersRepository.from_session(session).record_missing_costs(month_start(today))


async def number_costs_between(session: AsyncSession, start: date, end: date) -> Decimal:
    """What held numbers cost the platform for the months starting between ``start`` and
    ``end`` (both included)."""
    return await NumbersRepository.from_session(session).costs_between(start, end)
