"""The compliance guard: one check in front of every text, call and e-mail (Florida's FTSA, the
TCPA, CAN-SPAM; docs/outreach/compliance.md).

``check`` evaluates every rule in a fixed order and reports the first that fails, in words, with
what to do; it records the attempt (allowed or not) in ``outreach_attempts`` and logs each block.
Allowed attempts are what the attempt limit and the owner-fatigue guard count.

Order: invalid contact → opted out → litigator → Do-Not-Call → consent → time zone → quiet hours →
attempt limit → owner fatigue. Texts and calls go through all of them; e-mail through the contact,
the opt-outs and owner fatigue only (CAN-SPAM is opt-out: no consent needed, no quiet hours).
"""

from __future__ import annotations

import enum
import logging
import re
import unicodedata
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.config import get_settings
from propintel.kit.clock import NEW_YORK, now_new_york
from propintel.kit.errors import Forbidden, Invalid, NotFound
from propintel.kit.i18n import N_, _, format_datetime
from propintel.kit.phones import area_code, normalize_phone
from propintel.leads import service as leads
from propintel.outreach.compliance_repository import ComplianceRepository

logger = logging.getLogger("propintel.outreach.compliance")
T = TypeVar("T")


class Channel(enum.StrEnum):
    SMS = "sms"
    CALL = "call"
    EMAIL = "email"

    @property
    def by_phone(self) -> bool:
        return self in (Channel.SMS, Channel.CALL)

    @property
    def label(self) -> str:
        return _(_CHANNEL_LABELS[self.value])


_CHANNEL_LABELS = {"sms": N_("text message"), "call": N_("phone call"), "email": N_("e-mail")}


class Rule(enum.StrEnum):
    """Why the guard refused; every block names one."""

    INVALID_CONTACT = "invalid_contact"
    OPTED_OUT = "opted_out"
    LITIGATOR = "litigator"
    DNC = "dnc"
    NO_CONSENT = "no_consent"
    UNKNOWN_TIME_ZONE = "unknown_time_zone"
    QUIET_HOURS = "quiet_hours"
    ATTEMPT_LIMIT = "attempt_limit"
    OWNER_FATIGUE = "owner_fatigue"

    @property
    def label(self) -> str:
        """The rule's name in words, in the current language."""
        return _(_RULE_LABELS[self.value])


_RULE_LABELS = {
    "invalid_contact": N_("Invalid contact"),
    "opted_out": N_("Opted out"),
    "litigator": N_("Known litigator"),
    "dnc": N_("Do-Not-Call list"),
    "no_consent": N_("No recorded consent"),
    "unknown_time_zone": N_("Unknown time zone"),
    "quiet_hours": N_("Quiet hours"),
    "attempt_limit": N_("Attempt limit"),
    "owner_fatigue": N_("Owner fatigue"),
}


def rule_label(rule: str | None) -> str:
    """A stored rule code in words ("" for none; an unknown code as it is)."""
    if not rule:
        return ""
    return Rule(rule).label if rule in _RULE_LABELS else rule


@dataclass(frozen=True)
class Allowed:
    attempt_id: uuid.UUID
    contact: str = ""  # the contact as checked and recorded (E.164, or a lower-case address)


@dataclass(frozen=True)
class Blocked:
    rule: Rule
    message: str  # in the current language: which rule, and what to do


Verdict = Allowed | Blocked


class OutreachBlocked(Forbidden):
    """The guard refused (403). The blocked attempt it recorded is kept: the unit of work commits
    what was flushed before this error, so call ``require_allowed`` before any other write."""

    commit_changes = True

    def __init__(self, blocked: Blocked) -> None:
        super().__init__(blocked.message, field="contact")
        self.rule = blocked.rule


# --- the rules' constants ---------------------------------------------------------------------

QUIET_START_HOUR = 8  # texts and calls only from 8:00 …
QUIET_END_HOUR = 20  # … to before 20:00, in the recipient's time zone
MAX_PHONE_ATTEMPTS = 3  # per number, all subscribers, per rolling 24 hours (FTSA)
ATTEMPT_WINDOW = timedelta(hours=24)
FATIGUE_WINDOW = timedelta(days=30)

CHICAGO = ZoneInfo("America/Chicago")
# Florida's area codes and the zones their numbers may be in. 850 (the Panhandle) spans both the
# Eastern and the Central time zones: a number there is reachable only when both allow it.
_EASTERN_FLORIDA = (
    "239", "305", "321", "352", "386", "407", "448", "561", "656", "689", "727", "754", "772",
    "786", "813", "863", "904", "941", "954",
)  # fmt: skip
FLORIDA_AREA_CODES: dict[str, tuple[ZoneInfo, ...]] = {
    code: (NEW_YORK,) for code in _EASTERN_FLORIDA
}
FLORIDA_AREA_CODES["850"] = (NEW_YORK, CHICAGO)

OPT_OUT_KEYWORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ALTO", "PARAR", "CANCELAR"}
)
PLATFORM_KEYWORDS = frozenset({"STOPALL"})  # opts out of every subscriber, not only the sender

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_EDGE_PUNCTUATION = ".,;:!¡?¿'\"()[]"


# --- contacts, time zones, keywords -----------------------------------------------------------


def normalize_contact(channel: Channel, contact: str | None) -> str | None:
    """The form outreach stores and compares: E.164 for a number, a lower-case address for an
    e-mail; None when it is not a valid one."""
    if channel.by_phone:
        return normalize_phone(contact)
    address = (contact or "").strip().lower()
    if len(address) > 254 or not _EMAIL.match(address):
        return None
    return address


def time_zones(phone: str) -> tuple[ZoneInfo, ...]:
    """The zones a normalized number's recipient may be in; () when we cannot tell (not Florida)."""
    return FLORIDA_AREA_CODES.get(area_code(phone), ())


def _aware(now: datetime) -> datetime:
    """Naive New York wall time as an instant (in the repeated hour of November: the first)."""
    return now.replace(tzinfo=NEW_YORK) if now.tzinfo is None else now


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(NEW_YORK).replace(tzinfo=None)


def shift(now: datetime, delta: timedelta) -> datetime:
    """``now`` (naive New York) moved by a real duration (across a DST change, 24 hours are 24
    hours, not a calendar day), as naive New York time."""
    return _naive(_aware(now).astimezone(UTC) + delta)


def within_hours(now: datetime, zones: tuple[ZoneInfo, ...]) -> bool:
    """Is ``now`` (naive New York) between 8:00 and 20:00 in every one of ``zones``?"""
    moment = _aware(now)
    return bool(zones) and all(
        QUIET_START_HOUR <= moment.astimezone(zone).hour < QUIET_END_HOUR for zone in zones
    )


def next_allowed_time(now: datetime, zones: tuple[ZoneInfo, ...]) -> datetime:
    """The first moment after ``now`` (naive New York) when every zone is within 8:00-20:00."""
    moment = _aware(now)
    candidates = []
    for zone in zones:
        local = moment.astimezone(zone)
        for days in range(3):
            opening = datetime.combine(local.date() + timedelta(days=days), datetime.min.time())
            candidates.append(opening.replace(hour=QUIET_START_HOUR, tzinfo=zone))
    for candidate in sorted(candidates):
        if candidate > moment and within_hours(_naive(candidate), zones):
            return _naive(candidate)
    raise AssertionError("the zones never share an allowed hour")  # pragma: no cover


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def opt_out_keyword(body: str | None) -> str | None:
    """The opt-out keyword a message is, if its whole text is one (trimmed of spaces and
    punctuation around it; case and accents ignored): ``" Stop. "`` → ``"STOP"``,
    ``"álto"`` → ``"ALTO"``; ``"please stop texting"`` → None."""
    word = _fold((body or "").strip().strip(_EDGE_PUNCTUATION).strip())
    return word if word in OPT_OUT_KEYWORDS else None


# --- the guard ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Evaluation:
    contact: str  # normalized, or the raw text of an invalid contact
    property_id: uuid.UUID | None
    blocked: Blocked | None


async def evaluate(
    session: AsyncSession,
    *,
    user: User,
    channel: Channel,
    contact: str,
    property_id: uuid.UUID | None,
    lead_id: uuid.UUID | None,
    now: datetime | None = None,
    fatigue_limit: int | None = None,
) -> Blocked | None:
    """The verdict ``check`` would give, without recording an attempt or logging (a dry run):
    the first failing rule, or None when every rule allows it."""
    evaluation = await _evaluate(
        session, user, Channel(channel), contact, property_id, lead_id, now, fatigue_limit
    )
    return evaluation.blocked


async def check(
    session: AsyncSession,
    *,
    user: User,
    channel: Channel,
    contact: str,
    property_id: uuid.UUID | None,
    lead_id: uuid.UUID | None,
    now: datetime | None = None,
    fatigue_limit: int | None = None,
) -> Verdict:
    """Evaluate every rule for one text, call or e-mail to ``contact`` and record the attempt.

    Allowed: an ``outreach_attempts`` row with ``allowed`` (it counts towards the attempt limit
    and owner fatigue from now on, whether or not the message then goes out). Blocked: a row with
    the rule and the message, and a log line (no contact data beyond a number's last 4 digits).
    Never raises for a block. ``property_id`` None with a ``lead_id``: the lead's property (the
    lead must be ``user``'s). ``fatigue_limit`` None: ``settings.owner_fatigue_limit``."""
    channel = Channel(channel)
    now = now or now_new_york()
    property_id = await _property_of(session, user, property_id, lead_id)
    repo = ComplianceRepository.from_session(session)
    normalized = normalize_contact(channel, contact)
    # Concurrent checks on one number (the attempt limit) or one owner (fatigue) run one at a time
    # until their transactions end. Always the contact first, then the property: no deadlock.
    if normalized is not None:
        await repo.lock(normalized)
    if property_id is not None:
        await repo.lock(str(property_id))
    evaluation = await _evaluate(
        session, user, channel, contact, property_id, lead_id, now, fatigue_limit
    )
    blocked = evaluation.blocked
    attempt_id = await repo.add_attempt(
        user_id=user.user_id,
        property_id=evaluation.property_id,
        lead_id=lead_id,
        channel=channel.value,
        contact=evaluation.contact,
        attempted_at=now,
        allowed=blocked is None,
        rule=blocked.rule.value if blocked else None,
        message=blocked.message if blocked else None,
    )
    if blocked is None:
        return Allowed(attempt_id=attempt_id, contact=evaluation.contact)
    logger.info(
        "outreach blocked",
        extra={
            "fields": {
                "rule": blocked.rule.value,
                "channel": channel.value,
                "contact_last4": _last4(channel, evaluation.contact),
                "user_id": str(user.user_id),
                "property_id": str(evaluation.property_id) if evaluation.property_id else None,
                "lead_id": str(lead_id) if lead_id else None,
                "attempt_id": str(attempt_id),
            }
        },
    )
    return blocked


async def require_allowed(
    session: AsyncSession,
    *,
    user: User,
    channel: Channel,
    contact: str,
    property_id: uuid.UUID | None,
    lead_id: uuid.UUID | None,
    now: datetime | None = None,
    fatigue_limit: int | None = None,
) -> Allowed:
    """``check``, raising ``OutreachBlocked`` (403, the block's message) when it blocks."""
    verdict = await check(
        session,
        user=user,
        channel=channel,
        contact=contact,
        property_id=property_id,
        lead_id=lead_id,
        now=now,
        fatigue_limit=fatigue_limit,
    )
    if isinstance(verdict, Blocked):
        raise OutreachBlocked(verdict)
    return verdict


async def paid_if_allowed(
    session: AsyncSession,
    *,
    user: User,
    channel: Channel,
    contact: str,
    property_id: uuid.UUID | None,
    lead_id: uuid.UUID | None,
    now: datetime,
    pay: Callable[[], Awaitable[T]],
) -> T:
    """The guard's check and, when it allows, ``pay`` (the ledger's charge or hold), in one
    savepoint: a block keeps the guard's record, pays nothing and raises ``OutreachBlocked``; a
    refusal by the ledger rolls the guard's allowed attempt back with it (nothing went out, so it
    must not count towards the attempt limit)."""
    async with session.begin_nested():
        verdict = await check(
            session,
            user=user,
            channel=channel,
            contact=contact,
            property_id=property_id,
            lead_id=lead_id,
            now=now,
        )
        paid = await pay() if isinstance(verdict, Allowed) else None
    if isinstance(verdict, Blocked):
        raise OutreachBlocked(verdict)
    assert paid is not None
    return paid


def _last4(channel: Channel, contact: str) -> str | None:
    if not channel.by_phone:
        return None
    digits = re.sub(r"\D", "", contact)
    return digits[-4:] if len(digits) >= 4 else None


async def _property_of(
    session: AsyncSession, user: User, property_id: uuid.UUID | None, lead_id: uuid.UUID | None
) -> uuid.UUID | None:
    """The property the attempt is about: given, or the property of ``user``'s lead."""
    if property_id is None and lead_id is not None:
        return (await leads.lead_detail(session, user.user_id, lead_id)).lead.property_id
    return property_id


async def _evaluate(
    session: AsyncSession,
    user: User,
    channel: Channel,
    raw_contact: str,
    property_id: uuid.UUID | None,
    lead_id: uuid.UUID | None,
    now: datetime | None,
    fatigue_limit: int | None,
) -> _Evaluation:
    now = now or now_new_york()
    property_id = await _property_of(session, user, property_id, lead_id)
    contact = normalize_contact(channel, raw_contact)
    if contact is None:
        return _Evaluation((raw_contact or "").strip(), property_id, _invalid(channel))

    def blocked(result: Blocked) -> _Evaluation:
        return _Evaluation(contact, property_id, result)

    repo = ComplianceRepository.from_session(session)
    if await repo.opted_out(user.user_id, contact, channel.value):
        return blocked(_opted_out(channel))
    if channel.by_phone:
        flags = await repo.number_flags(contact)
        if flags.litigator:
            return blocked(_litigator())
        consented = await repo.has_consent(user.user_id, contact, channel.value, now)
        if flags.dnc and not consented:
            return blocked(_dnc(channel))
        if not consented:
            return blocked(_no_consent())
        zones = time_zones(contact)
        if not zones:
            return blocked(_unknown_zone(area_code(contact)))
        if not within_hours(now, zones):
            return blocked(_quiet_hours(now, zones))
        recent = await repo.allowed_phone_attempts(contact, shift(now, -ATTEMPT_WINDOW))
        if len(recent) >= MAX_PHONE_ATTEMPTS:
            # The window frees a place when the oldest of the last three leaves it.
            next_at = shift(recent[-MAX_PHONE_ATTEMPTS], ATTEMPT_WINDOW)
            return blocked(_attempt_limit(next_at))
    if property_id is not None:
        limit = fatigue_limit if fatigue_limit is not None else get_settings().owner_fatigue_limit
        contacting = await repo.subscribers_contacting(property_id, shift(now, -FATIGUE_WINDOW))
        if user.user_id not in contacting and len(contacting) >= limit:
            return blocked(_owner_fatigue(len(contacting), limit))
    return _Evaluation(contact, property_id, None)


async def subscribers_contacting(
    session: AsyncSession, property_id: uuid.UUID, now: datetime | None = None
) -> int:
    """How many subscribers were allowed an attempt (any channel) on the property in the rolling
    30 days before ``now``."""
    repo = ComplianceRepository.from_session(session)
    since = shift(now or now_new_york(), -FATIGUE_WINDOW)
    return len(await repo.subscribers_contacting(property_id, since))


# --- consents -------------------------------------------------------------------------------------


class ConsentSource(enum.StrEnum):
    """How the owner gave consent (the record's ``source``)."""

    WEB_FORM = "web_form"
    WRITTEN = "written"
    VERBAL = "verbal"
    EXISTING_CUSTOMER = "existing_customer"
    INQUIRY = "inquiry"

    @property
    def label(self) -> str:
        return _(_SOURCE_LABELS[self.value])


_SOURCE_LABELS = {
    "web_form": N_("Web form"),
    "written": N_("Written (signed)"),
    "verbal": N_("Verbal (recorded call)"),
    "existing_customer": N_("Existing customer"),
    "inquiry": N_("The owner's own inquiry"),
}

MAX_EVIDENCE = 2000


async def record_consent(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    contact: str,
    channel: Channel | str,
    source: ConsentSource | str,
    evidence: str,
    consented_at: datetime,
    now: datetime | None = None,
) -> uuid.UUID:
    """Record that the owner of ``contact`` agreed to be reached by this subscriber on
    ``channel`` (the consent's scope), how (``source``), when, and the evidence (what was signed
    or said, where it is kept). ``Invalid`` (naming the field) for a bad contact, channel or
    source, missing evidence, or a consent dated in the future. Its id."""
    now = now or now_new_york()
    try:
        channel = Channel(channel)
    except ValueError:
        raise Invalid(_("Choose text, call or e-mail."), field="channel") from None
    try:
        source = ConsentSource(source)
    except ValueError:
        raise Invalid(_("Choose how the owner gave consent."), field="source") from None
    normalized = normalize_contact(channel, contact)
    if normalized is None:
        raise Invalid(_invalid_text(channel.value), field="contact")
    evidence = (evidence or "").strip()
    if not evidence:
        raise Invalid(
            _("Describe the evidence: what the owner signed or said, and where it is kept."),
            field="evidence",
        )
    if len(evidence) > MAX_EVIDENCE:
        raise Invalid(
            _("Keep the evidence under {count} characters.").format(count=MAX_EVIDENCE),
            field="evidence",
        )
    if consented_at > now:
        raise Invalid(_("A consent cannot be dated in the future."), field="consented_at")
    return await ComplianceRepository.from_session(session).add_consent(
        user_id=user_id,
        contact=normalized,
        channel=channel.value,
        source=source.value,
        evidence=evidence,
        consented_at=consented_at,
        recorded_at=now,
    )


class ConsentNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such consent."))


async def revoke_consent(
    session: AsyncSession, *, user_id: uuid.UUID, consent_id: uuid.UUID, now: datetime | None = None
) -> None:
    """Revoke one of the subscriber's consents from ``now`` on (``ConsentNotFound`` when it is
    not theirs). The record stays, as evidence of what was allowed when."""
    repo = ComplianceRepository.from_session(session)
    if not await repo.revoke_consent(user_id, consent_id, now or now_new_york()):
        raise ConsentNotFound()


# --- opt-outs -------------------------------------------------------------------------------------

OPT_OUT_CHANNELS = ("sms", "call", "email", "all")


async def record_opt_out(
    session: AsyncSession,
    *,
    user_id: uuid.UUID | None,
    contact: str,
    channel: str,
    reason: str,
) -> bool:
    """Record that ``contact`` opted out of ``channel`` ('sms', 'call', 'email' or 'all') for the
    subscriber ``user_id``, or for the whole platform (``user_id`` None). Idempotent: False when
    the same opt-out was already recorded. Honoured by the guard at once and for good.
    ``Invalid`` (field ``contact``) for a contact that is not a number or an address."""
    if channel not in OPT_OUT_CHANNELS:
        raise Invalid(_("Choose text, call, e-mail or all channels."), field="channel")
    normalized = (
        normalize_contact(Channel.EMAIL, contact)
        if channel == "email"
        else normalize_phone(contact) or normalize_contact(Channel.EMAIL, contact)
    )
    if normalized is None:
        raise Invalid(_invalid_text(channel), field="contact")
    repo = ComplianceRepository.from_session(session)
    return await repo.add_opt_out(
        user_id=user_id, contact=normalized, channel=channel, reason=reason
    )


async def honour_opt_out_keyword(
    session: AsyncSession, *, user_id: uuid.UUID | None, contact: str, body: str
) -> str | None:
    """When an inbound text is an opt-out keyword, record its opt-out and return the keyword:
    STOPALL opts the number out of every subscriber ('all', platform-wide); any other keyword out
    of texts and calls from the subscriber it answered ('all' for that subscriber; platform-wide
    when no subscriber is known)."""
    keyword = opt_out_keyword(body)
    if keyword is None:
        return None
    owner = None if keyword in PLATFORM_KEYWORDS else user_id
    await record_opt_out(
        session, user_id=owner, contact=contact, channel="all", reason=f"keyword:{keyword}"
    )
    return keyword


# --- messages: which rule, and what to do ------------------------------------------------------


def _invalid_text(channel: str) -> str:
    if channel == "email":
        return _("Invalid contact: this is not a valid e-mail address. Check it and try again.")
    return _(
        "Invalid contact: this is not a valid US phone number. Enter its 10 digits, "
        "like (305) 555-1234."
    )


def _invalid(channel: Channel) -> Blocked:
    return Blocked(Rule.INVALID_CONTACT, _invalid_text(channel.value))


def _opted_out(channel: Channel) -> Blocked:
    return Blocked(
        Rule.OPTED_OUT,
        _(
            "Opted out: the owner asked not to receive any {channel} at this contact. "
            "An opt-out is permanent: do not contact them this way again."
        ).format(channel=channel.label),
    )


def _litigator() -> Blocked:
    return Blocked(
        Rule.LITIGATOR,
        _(
            "Known litigator: this number is flagged as belonging to a serial TCPA plaintiff. "
            "It can never be texted or called from here, even with consent; write by mail instead."
        ),
    )


def _dnc(channel: Channel) -> Blocked:
    return Blocked(
        Rule.DNC,
        _(
            "Do-Not-Call list: this number is on the Do-Not-Call list. Only the owner's express "
            "consent to be reached by {channel} allows it: record that consent (source and "
            "evidence) first."
        ).format(channel=channel.label),
    )


def _no_consent() -> Blocked:
    return Blocked(
        Rule.NO_CONSENT,
        _(
            "Record the owner's consent (source and evidence) before texting or calling: "
            "Florida's FTSA and the TCPA require it for marketing texts and calls."
        ),
    )


def _unknown_zone(code: str) -> Blocked:
    return Blocked(
        Rule.UNKNOWN_TIME_ZONE,
        _(
            "Unknown time zone: area code {code} is not a Florida area code, so the owner's local "
            "time cannot be checked against quiet hours. Only Florida numbers can be texted or "
            "called; use e-mail instead."
        ).format(code=code),
    )


def _quiet_hours(now: datetime, zones: tuple[ZoneInfo, ...]) -> Blocked:
    return Blocked(
        Rule.QUIET_HOURS,
        _(
            "Quiet hours: texts and calls are allowed only from 8:00 AM to 8:00 PM in the owner's "
            "time zone. Try again after {when} (New York time)."
        ).format(when=format_datetime(next_allowed_time(now, zones))),
    )


def _attempt_limit(next_at: datetime) -> Blocked:
    return Blocked(
        Rule.ATTEMPT_LIMIT,
        _(
            "Attempt limit: this number already had 3 texts or calls in the last 24 hours "
            "(Florida's FTSA allows no more). The next one is possible from {when} "
            "(New York time)."
        ).format(when=format_datetime(next_at)),
    )


def _owner_fatigue(count: int, limit: int) -> Blocked:
    return Blocked(
        Rule.OWNER_FATIGUE,
        _(
            "Owner fatigue: {count} subscribers have already contacted this owner in the last 30 "
            "days (the limit is {limit}). Leave this owner for now and work another lead."
        ).format(count=count, limit=limit),
    )
