"""Placing an AI call to the owner of a saved lead (action ``ai_voice_call_3min``, feature
``ai_voice``; docs/voice.md), and reading calls back.

In order: the plan's feature, the lead (not the caller's: 404), one of the numbers the subscriber
unlocked, the template, the language and the length; then, in one savepoint
(``compliance.paid_if_allowed``), the compliance guard (quiet hours, Do-Not-Call, attempts, owner
fatigue: a block keeps the guard's record and holds nothing) and a hold of the credits for the
whole call: per started 3 minutes, the length capped by what the balance (and today's limit)
covers, with the call's ``time_limit`` set to what is held, so a call never costs more than its
hold. Then the provider dials; a refusal releases the hold at once (``CallNotPlaced``). What is
said on the call is ``calls_flow``; its end and settlement ``call_status``.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import service as assistant
from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.config import Settings
from propintel.integrations.sms import SIMULATOR_SENDER
from propintel.integrations.voice import VoiceError, VoiceNetwork
from propintel.kit.errors import Conflict, Invalid, NotFound, ServiceUnavailable
from propintel.kit.i18n import N_, _
from propintel.kit.pagination import KeyPart, Listing
from propintel.kit.phones import normalize_phone
from propintel.outreach import compliance, unlock
from propintel.outreach.targets import Target, lead_target
from propintel.tokens import service as tokens
from propintel.voice import numbers
from propintel.voice.calls_repository import CallRow, CallsRepository
from propintel.voice.paths import ANSWER_PATH, STATUS_PATH, webhook_url

__all__ = ["CallRow"]

FEATURE = "ai_voice"
ACTION = "ai_voice_call_3min"
UNIT_SECONDS = 180
OUTBOUND, INBOUND = "outbound", "inbound"
LANGUAGES = {"en": N_("English"), "es": N_("Spanish")}
CALL_TEMPLATE_TYPES = (
    assistant.TemplateType.INTRO,
    assistant.TemplateType.FOLLOW_UP,
    assistant.TemplateType.APPOINTMENT,
)
CALLS = Listing("voice_calls", (KeyPart.DATETIME, KeyPart.UUID))
DEFAULT_MINUTES = 6


class CallNotPlaced(ServiceUnavailable):
    """The provider did not dial: the hold was released at once. The failed call is kept."""

    commit_changes = True

    def __init__(self) -> None:
        super().__init__(
            _(
                "The call could not be placed: the phone provider did not accept it. Nothing "
                "was charged. Try again later."
            )
        )


class NoCallerNumber(Conflict):
    def __init__(self) -> None:
        super().__init__(
            _("No number to call from: buy a phone number first (Calls → Phone numbers)."),
            field="to",
        )


class CallNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such call."))


def units_for(seconds: int) -> int:
    """Billed units of a call of ``seconds``: per started 3 minutes (0 s: none)."""
    return math.ceil(max(seconds, 0) / UNIT_SECONDS)


def answer_url(settings: Settings, call_id: uuid.UUID) -> str:
    return webhook_url(settings, f"{ANSWER_PATH}?call={call_id}")


async def unit_price(session: AsyncSession) -> catalog.ActionPrice:
    price = await catalog.action_price(session, ACTION)
    if price is None:
        raise NotFound(_("AI calls are not on the price list."))
    return price


async def caller_number(
    session: AsyncSession, user: User, settings: Settings, network: VoiceNetwork
) -> str:
    """The subscriber's newest number, else the platform's, else (offline) the simulator's."""
    own = await numbers.active_number(session, user.user_id)
    if own:
        return own
    if settings.twilio_from_number:
        return normalize_phone(settings.twilio_from_number) or settings.twilio_from_number
    if network.provider == "local":
        return SIMULATOR_SENDER
    raise NoCallerNumber()


async def owner_phones(session: AsyncSession, user: User, target: Target) -> list[str]:
    contact = await unlock.unlocked_contact(session, user, target.property_id)
    return [phone.number for phone in contact.phones] if contact else []


# --- the form -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CallForm:
    target: Target
    phones: list[str]  # the owner's numbers the subscriber unlocked
    templates: list[assistant.TemplateRow]
    language: str  # the lead's: its last call's, else the subscriber's
    unit_tokens: int  # per started 3 minutes
    balance: int
    affordable_minutes: int  # what the balance (and today's limit) covers
    max_minutes: int
    default_minutes: int
    blocked: str | None  # what the guard would say now about the first number (a dry run)


async def call_form(
    session: AsyncSession, user: User, lead_id: uuid.UUID, *, settings: Settings, now: datetime
) -> CallForm:
    await catalog.require_feature(session, user, FEATURE)
    target = await lead_target(session, user, lead_id)
    phones = await owner_phones(session, user, target)
    blocked = None
    if phones:
        verdict = await compliance.evaluate(
            session,
            user=user,
            channel=compliance.Channel.CALL,
            contact=phones[0],
            property_id=target.property_id,
            lead_id=lead_id,
            now=now,
        )
        blocked = verdict.message if verdict else None
    price = (await unit_price(session)).tokens_required
    can_spend = await spendable(session, user, now)
    last = await CallsRepository.from_session(session).last_language(user.user_id, lead_id)
    return CallForm(
        target=target,
        phones=phones,
        templates=await assistant.templates_of_types(session, user.user_id, CALL_TEMPLATE_TYPES),
        language=last or (user.preferred_locale if user.preferred_locale in LANGUAGES else "en"),
        unit_tokens=price,
        balance=can_spend,
        affordable_minutes=min(can_spend // price * 3, settings.voice_max_call_minutes),
        max_minutes=settings.voice_max_call_minutes,
        default_minutes=min(DEFAULT_MINUTES, settings.voice_max_call_minutes),
        blocked=blocked,
    )


async def spendable(session: AsyncSession, user: User, now: datetime) -> int:
    """What the subscriber can spend now: the balance, or what is left of today's limit."""
    summary = await tokens.balance_summary(session, user.user_id, now=now)
    remaining = summary.remaining_today
    return summary.balance if remaining is None else min(summary.balance, remaining)


# --- placing a call -------------------------------------------------------------------------------
async def start_call(
    session: AsyncSession,
    user: User,
    lead_id: uuid.UUID,
    *,
    to: str | None,
    template_id: uuid.UUID | None,
    minutes: int,
    language: str,
    network: VoiceNetwork,
    settings: Settings,
    now: datetime,
) -> CallRow:
    """Call the owner of ``user``'s lead at ``to`` (one of the numbers they unlocked).

    Refusals: ``FeatureNotInPlan`` (403), ``LeadNotFound`` (404), ``Invalid``/``Conflict`` (the
    number, template, language, length), ``OutreachBlocked`` (403, the guard's rule in words; its
    record kept), the ledger's (402/409/403: nothing kept), ``CallNotPlaced`` (503: released)."""
    await catalog.require_feature(session, user, FEATURE)
    target = await lead_target(session, user, lead_id)
    phone = await _owner_phone(session, user, target, to)
    template = await _template(session, user, template_id)
    if language not in LANGUAGES:
        raise Invalid(_("Choose English or Spanish."), field="language")
    if not 1 <= minutes <= settings.voice_max_call_minutes:
        raise Invalid(
            _("A call lasts from 1 to {max} minutes.").format(max=settings.voice_max_call_minutes),
            field="minutes",
        )
    from_ = await caller_number(session, user, settings, network)
    price = (await unit_price(session)).tokens_required
    # The length held: what was asked, capped by what the balance covers (at least one unit, so
    # an empty balance is refused by the ledger with its own message).
    units = max(1, min(units_for(minutes * 60), await spendable(session, user, now) // price))
    call_id = uuid.uuid4()
    held = await compliance.paid_if_allowed(
        session,
        user=user,
        channel=compliance.Channel.CALL,
        contact=phone,
        property_id=target.property_id,
        lead_id=target.lead_id,
        now=now,
        pay=lambda: tokens.reserve(
            session, user.user_id, ACTION, units, reference=f"call:{call_id}", now=now
        ),
    )
    repo = CallsRepository.from_session(session)
    await repo.add(
        {
            "call_id": call_id,
            "user_id": user.user_id,
            "lead_id": lead_id,
            "call_type": OUTBOUND,
            "phone_number": phone,
            "from_number": from_,
            "template_id": template.template_id if template else None,
            "language": language,
            "time_limit_seconds": units * UNIT_SECONDS,
            "reservation_id": held.reservation_id,
            "status": "queued",
            "created_at": now,
        }
    )
    try:
        placed = await network.place_call(
            to=phone,
            from_=from_,
            url=answer_url(settings, call_id),
            status_callback=webhook_url(settings, STATUS_PATH),
            time_limit=units * UNIT_SECONDS,
        )
    except VoiceError as error:
        await tokens.release(session, user.user_id, held.reservation_id, now=now)
        await repo.change(
            call_id, {"status": "failed", "error": str(error), "ended_at": now, "tokens_used": 0}
        )
        raise CallNotPlaced() from None
    await repo.change(call_id, {"twilio_call_sid": placed.sid, "status": placed.status})
    call = await repo.get(call_id)
    assert call is not None
    return call


async def _owner_phone(session: AsyncSession, user: User, target: Target, to: str | None) -> str:
    phones = await owner_phones(session, user, target)
    if not phones:
        raise Conflict(
            _("Unlock the owner's contact first: calls go only to numbers you unlocked."),
            field="to",
        )
    phone = normalize_phone(to) if to else phones[0]
    if phone is None or phone not in phones:
        raise Invalid(_("Choose one of the owner's numbers you unlocked."), field="to")
    return phone


async def _template(
    session: AsyncSession, user: User, template_id: uuid.UUID | None
) -> assistant.TemplateRow | None:
    if template_id is None:
        return None
    try:
        row = await assistant.template(session, user.user_id, template_id)
    except NotFound:
        row = None
    if row is None or row.template_type not in {kind.value for kind in CALL_TEMPLATE_TYPES}:
        raise Invalid(_("Choose one of your call templates."), field="template_id")
    return row


# --- reading calls -----------------------------------------------------------------------------
async def calls_page(
    session: AsyncSession,
    user: User,
    *,
    lead_id: uuid.UUID | None = None,
    limit: int,
    cursor: str | None = None,
) -> tuple[list[CallRow], str | None]:
    """The subscriber's calls, newest first (one lead's when given; the lead must be theirs)."""
    await catalog.require_feature(session, user, FEATURE)
    if lead_id is not None:
        await lead_target(session, user, lead_id)
    bound = str(lead_id or "")
    after = CALLS.decode_optional(cursor, bound_to=bound)
    rows = await CallsRepository.from_session(session).page(user.user_id, lead_id, after, limit + 1)
    return CALLS.page(rows, limit, key=lambda c: (c.created_at, c.call_id), bound_to=bound)


async def call(session: AsyncSession, user: User, call_id: uuid.UUID) -> CallRow:
    await catalog.require_feature(session, user, FEATURE)
    found = await CallsRepository.from_session(session).owned(user.user_id, call_id)
    if found is None:
        raise CallNotFound()
    return found
