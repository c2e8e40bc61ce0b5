"""The guard's records as pages and the API show them: a subscriber's consents and opt-outs
(keyset pages), the platform's opt-outs, the consent status of an owner's numbers, the latest
attempts on a lead. Flushes, never commits (docs/outreach/compliance.md)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.audit.service import Admin, audit
from propintel.kit.i18n import _
from propintel.kit.pagination import KeyPart, Listing, fingerprint
from propintel.kit.phones import display_phone, normalize_phone
from propintel.outreach import compliance
from propintel.outreach.compliance import Channel, ConsentSource
from propintel.outreach.compliance_repository import (
    AttemptRow,
    ComplianceRepository,
    ConsentRow,
    OptOutRow,
    RecordsRepository,
)

CONSENTS = Listing("outreach_consents", (KeyPart.DATETIME, KeyPart.UUID))
OPT_OUTS = Listing("outreach_opt_outs", (KeyPart.DATETIME, KeyPart.UUID))
PLATFORM_OPT_OUTS = Listing("platform_opt_outs", (KeyPart.DATETIME, KeyPart.UUID))

__all__ = ["AttemptRow", "ConsentRow", "OptOutRow"]


def channel_label(channel: str) -> str:
    """A stored channel in words ('all' included)."""
    if channel == "all":
        return _("all channels")
    return Channel(channel).label if channel in Channel._value2member_map_ else channel


def source_label(source: str) -> str:
    return ConsentSource(source).label if source in ConsentSource._value2member_map_ else source


def contact_display(contact: str) -> str:
    """A stored contact as people write it: (305) 555-1234, or the address."""
    return display_phone(contact) if contact.startswith("+1") and len(contact) == 12 else contact


async def consents_page(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None = None,
    contact: str | None = None,
) -> tuple[list[ConsentRow], str | None]:
    """The subscriber's consents, the latest recorded first (``contact``: only that number or
    address, written any way)."""
    wanted = None
    if contact:
        wanted = normalize_phone(contact) or contact.strip().lower()
    bound = fingerprint({"contact": wanted})
    after = CONSENTS.decode_optional(cursor, bound_to=bound)
    repo = RecordsRepository.from_session(session)
    rows = await repo.consents(user_id, after, limit + 1, wanted)
    return CONSENTS.page(rows, limit, lambda r: (r.recorded_at, r.consent_id), bound_to=bound)


async def consent(session: AsyncSession, user_id: uuid.UUID, consent_id: uuid.UUID) -> ConsentRow:
    """One of the subscriber's consents (``ConsentNotFound`` otherwise)."""
    row = await RecordsRepository.from_session(session).consent(user_id, consent_id)
    if row is None:
        raise compliance.ConsentNotFound()
    return row


async def opt_outs_page(
    session: AsyncSession, user_id: uuid.UUID, *, limit: int, cursor: str | None = None
) -> tuple[list[OptOutRow], str | None]:
    """The subscriber's own opt-outs, the latest first."""
    after = OPT_OUTS.decode_optional(cursor)
    rows = await RecordsRepository.from_session(session).opt_outs(user_id, after, limit + 1)
    return OPT_OUTS.page(rows, limit, lambda r: (r.created_at, r.opt_out_id))


async def platform_opt_outs_page(
    session: AsyncSession, *, limit: int, cursor: str | None = None
) -> tuple[list[OptOutRow], str | None]:
    """The platform-wide opt-outs (STOPALL, an admin's), the latest first."""
    after = PLATFORM_OPT_OUTS.decode_optional(cursor)
    rows = await RecordsRepository.from_session(session).opt_outs(None, after, limit + 1)
    return PLATFORM_OPT_OUTS.page(rows, limit, lambda r: (r.created_at, r.opt_out_id))


async def add_platform_opt_out(
    session: AsyncSession, admin: Admin, *, contact: str, channel: str
) -> bool:
    """An admin opts a contact out of the whole platform (audited when it is new)."""
    created = await compliance.record_opt_out(
        session, user_id=None, contact=contact, channel=channel, reason="admin"
    )
    if created:
        shown = normalize_phone(contact) or contact.strip().lower()
        await audit(
            session, admin, "opt_out.create", "outreach_opt_outs", None, None,
            {"contact": shown, "channel": channel, "scope": "platform"},
        )  # fmt: skip
    return created


@dataclass(frozen=True)
class ContactStatus:
    """What the guard's records say about one of an owner's numbers or addresses, for one
    subscriber."""

    contact: str
    kind: str  # 'phone' | 'email'
    consents: frozenset[str]  # channels with a live consent of this subscriber
    opted_out: frozenset[str]  # channels opted out of (theirs or the platform's; 'all')
    dnc: bool = False
    litigator: bool = False

    @property
    def display(self) -> str:
        return contact_display(self.contact)

    def opted_out_of(self, channel: str) -> bool:
        return "all" in self.opted_out or channel in self.opted_out

    @property
    def summary(self) -> str:
        """In words: what the guard would say about texting and calling (or e-mailing) it,
        before the time of day and the counts."""
        if self.kind == "email":
            if self.opted_out_of("email"):
                return _("Unsubscribed: no e-mail.")
            return _("E-mail allowed (the owner can unsubscribe).")
        if self.litigator:
            return _("Known litigator: never text or call.")
        if self.opted_out_of("sms") and self.opted_out_of("call"):
            return _("Opted out of texts and calls.")
        usable = [c for c in ("sms", "call") if c in self.consents and not self.opted_out_of(c)]
        if not usable:
            if self.dnc:
                return _("On the Do-Not-Call list, no consent: do not text or call.")
            return _("No consent recorded: record it before texting or calling.")
        return _("Consent recorded for: {channels}.").format(
            channels=", ".join(channel_label(c) for c in usable)
        )


async def contact_statuses(
    session: AsyncSession,
    user_id: uuid.UUID,
    contacts: Sequence[str],
    now: datetime,
) -> list[ContactStatus]:
    """The status of each of ``contacts`` (numbers in any form, or addresses), in their order;
    ones that are neither are left out."""
    normalized: list[tuple[str, str]] = []
    for raw in contacts:
        phone = normalize_phone(raw)
        if phone:
            normalized.append((phone, "phone"))
        else:
            email = compliance.normalize_contact(Channel.EMAIL, raw)
            if email:
                normalized.append((email, "email"))
    values = list(dict.fromkeys(value for value, _kind in normalized))
    if not values:
        return []
    records = RecordsRepository.from_session(session)
    consents: dict[str, set[str]] = {}
    for row in await records.live_consents(user_id, values, now):
        consents.setdefault(row.contact, set()).add(row.channel)
    opted: dict[str, set[str]] = {}
    for opt_out in await records.opt_outs_of(user_id, values):
        opted.setdefault(opt_out.contact, set()).add(opt_out.channel)
    guard = ComplianceRepository.from_session(session)
    statuses = []
    for value, kind in dict.fromkeys(normalized):
        flags = await guard.number_flags(value) if kind == "phone" else None
        statuses.append(
            ContactStatus(
                contact=value,
                kind=kind,
                consents=frozenset(consents.get(value, ())),
                opted_out=frozenset(opted.get(value, ())),
                dnc=bool(flags and flags.dnc),
                litigator=bool(flags and flags.litigator),
            )
        )
    return statuses


async def attempts_on_lead(
    session: AsyncSession, user_id: uuid.UUID, lead_id: uuid.UUID, limit: int = 10
) -> list[AttemptRow]:
    """The subscriber's latest attempts on a lead, allowed and blocked, the latest first."""
    return await RecordsRepository.from_session(session).attempts_on_lead(user_id, lead_id, limit)
