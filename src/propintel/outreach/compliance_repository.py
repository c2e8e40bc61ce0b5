"""The compliance guard's queries: opt-outs, the Do-Not-Call list and the skip trace's DNC and
litigator flags, consents, and the attempts the guard recorded (docs/outreach/compliance.md).

Numbers are compared in E.164 (``kit.phones``), e-mail addresses in lower case: the guard
normalizes a contact before it asks anything here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, literal, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from propintel.db.repository import Repository
from propintel.outreach.tables import (
    dnc_numbers,
    outreach_attempts,
    outreach_consents,
    outreach_opt_outs,
    property_contacts,
)

PHONE_CHANNELS = ("sms", "call")


@dataclass(frozen=True)
class NumberFlags:
    """What the records say about one number."""

    on_dnc_list: bool  # the national registry (dnc_numbers)
    provider_dnc: bool  # a skip-trace result flagged it DNC
    litigator: bool  # a skip-trace result flagged it as a known TCPA litigator

    @property
    def dnc(self) -> bool:
        return self.on_dnc_list or self.provider_dnc


class ComplianceRepository(Repository):
    async def lock(self, key: str) -> None:
        """Serialise the guard's checks on ``key`` (a number, an address, a property) until the
        transaction ends, so two concurrent checks cannot both take the last allowed attempt."""
        await self.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended(f"outreach:{key}", 0)))
        )

    async def opted_out(self, user_id: uuid.UUID, contact: str, channel: str) -> bool:
        """Has ``contact`` opted out of ``channel`` (or of everything) for this subscriber, or for
        the whole platform? Opt-outs never expire."""
        query = select(
            select(outreach_opt_outs.c.opt_out_id)
            .where(
                outreach_opt_outs.c.contact == contact,
                outreach_opt_outs.c.channel.in_((channel, "all")),
                or_(
                    outreach_opt_outs.c.user_id == user_id,
                    outreach_opt_outs.c.user_id.is_(None),
                ),
            )
            .exists()
        )
        return bool(await self.session.scalar(query))

    async def number_flags(self, phone: str) -> NumberFlags:
        on_list = select(select(dnc_numbers.c.phone).where(dnc_numbers.c.phone == phone).exists())
        flagged = {
            flag: select(
                select(property_contacts.c.property_id)
                .where(property_contacts.c.phones.contains([{"number": phone, flag: True}]))
                .exists()
            ).scalar_subquery()
            for flag in ("dnc", "litigator")
        }
        row = (
            await self.session.execute(
                select(on_list.scalar_subquery(), flagged["dnc"], flagged["litigator"])
            )
        ).one()
        return NumberFlags(
            on_dnc_list=bool(row[0]), provider_dnc=bool(row[1]), litigator=bool(row[2])
        )

    async def has_consent(
        self, user_id: uuid.UUID, contact: str, channel: str, now: datetime
    ) -> bool:
        """An unrevoked consent of ``contact`` to this subscriber for ``channel``, given by now."""
        query = select(
            select(outreach_consents.c.consent_id)
            .where(
                outreach_consents.c.user_id == user_id,
                outreach_consents.c.contact == contact,
                outreach_consents.c.channel == channel,
                outreach_consents.c.consented_at <= now,
                or_(
                    outreach_consents.c.revoked_at.is_(None),
                    outreach_consents.c.revoked_at > now,
                ),
            )
            .exists()
        )
        return bool(await self.session.scalar(query))

    async def allowed_phone_attempts(self, contact: str, after: datetime) -> list[datetime]:
        """When ``contact`` was allowed a call or a text (by any subscriber) after ``after``,
        oldest first."""
        query = (
            select(outreach_attempts.c.attempted_at)
            .where(
                outreach_attempts.c.contact == contact,
                outreach_attempts.c.allowed,
                outreach_attempts.c.channel.in_(PHONE_CHANNELS),
                outreach_attempts.c.attempted_at > after,
            )
            .order_by(outreach_attempts.c.attempted_at)
        )
        return list((await self.session.scalars(query)).all())

    async def subscribers_contacting(
        self, property_id: uuid.UUID, after: datetime
    ) -> set[uuid.UUID]:
        """The subscribers allowed an attempt (any channel) on the property after ``after``."""
        query = (
            select(outreach_attempts.c.user_id)
            .where(
                outreach_attempts.c.property_id == property_id,
                outreach_attempts.c.allowed,
                outreach_attempts.c.attempted_at > after,
            )
            .distinct()
        )
        return set((await self.session.scalars(query)).all())

    async def add_attempt(
        self,
        *,
        user_id: uuid.UUID,
        property_id: uuid.UUID | None,
        lead_id: uuid.UUID | None,
        channel: str,
        contact: str,
        attempted_at: datetime,
        allowed: bool,
        rule: str | None,
        message: str | None,
    ) -> uuid.UUID:
        statement = (
            insert(outreach_attempts)
            .values(
                user_id=user_id,
                property_id=property_id,
                lead_id=lead_id,
                channel=channel,
                contact=contact[:255],
                attempted_at=attempted_at,
                allowed=allowed,
                rule=rule,
                message=message,
            )
            .returning(outreach_attempts.c.attempt_id)
        )
        attempt_id: uuid.UUID = (await self.session.execute(statement)).scalar_one()
        return attempt_id

    async def add_consent(
        self,
        *,
        user_id: uuid.UUID,
        contact: str,
        channel: str,
        source: str,
        evidence: str,
        consented_at: datetime,
        recorded_at: datetime,
    ) -> uuid.UUID:
        statement = (
            insert(outreach_consents)
            .values(
                user_id=user_id,
                contact=contact,
                channel=channel,
                source=source,
                evidence=evidence,
                consented_at=consented_at,
                recorded_at=recorded_at,
            )
            .returning(outreach_consents.c.consent_id)
        )
        consent_id: uuid.UUID = (await self.session.execute(statement)).scalar_one()
        return consent_id

    async def revoke_consent(
        self, user_id: uuid.UUID, consent_id: uuid.UUID, now: datetime
    ) -> bool:
        """Revoke one of the subscriber's consents; False when it is not theirs or not found.
        Revoking twice keeps the first time."""
        statement = (
            update(outreach_consents)
            .where(
                outreach_consents.c.consent_id == consent_id,
                outreach_consents.c.user_id == user_id,
            )
            .values(revoked_at=func.coalesce(outreach_consents.c.revoked_at, now))
            .returning(outreach_consents.c.consent_id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def add_opt_out(
        self, *, user_id: uuid.UUID | None, contact: str, channel: str, reason: str
    ) -> bool:
        """Record an opt-out once (the unique index on subscriber or platform, contact and
        channel); False when it was already there."""
        statement = (
            pg_insert(outreach_opt_outs)
            .values(user_id=user_id, contact=contact, channel=channel, reason=reason[:50])
            .on_conflict_do_nothing()
            .returning(outreach_opt_outs.c.opt_out_id)
        )
        return (await self.session.execute(statement)).first() is not None


@dataclass(frozen=True)
class ConsentRow:
    consent_id: uuid.UUID
    contact: str
    channel: str
    source: str
    evidence: str
    consented_at: datetime
    recorded_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class OptOutRow:
    opt_out_id: uuid.UUID
    user_id: uuid.UUID | None
    contact: str
    channel: str
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class AttemptRow:
    attempt_id: uuid.UUID
    channel: str
    contact: str
    attempted_at: datetime
    allowed: bool
    rule: str | None
    message: str | None


_CONSENT_COLUMNS = (
    outreach_consents.c.consent_id,
    outreach_consents.c.contact,
    outreach_consents.c.channel,
    outreach_consents.c.source,
    outreach_consents.c.evidence,
    outreach_consents.c.consented_at,
    outreach_consents.c.recorded_at,
    outreach_consents.c.revoked_at,
)
_OPT_OUT_COLUMNS = (
    outreach_opt_outs.c.opt_out_id,
    outreach_opt_outs.c.user_id,
    outreach_opt_outs.c.contact,
    outreach_opt_outs.c.channel,
    outreach_opt_outs.c.reason,
    outreach_opt_outs.c.created_at,
)


class RecordsRepository(Repository):
    """Listings of the guard's records for pages and the API (keyset pages)."""

    async def consents(
        self,
        user_id: uuid.UUID,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
        contact: str | None = None,
    ) -> list[ConsentRow]:
        """The subscriber's consents, the latest recorded first."""
        query = select(*_CONSENT_COLUMNS).where(outreach_consents.c.user_id == user_id)
        if contact is not None:
            query = query.where(outreach_consents.c.contact == contact)
        if after is not None:
            query = query.where(
                tuple_(outreach_consents.c.recorded_at, outreach_consents.c.consent_id)
                < tuple_(literal(after[0]), literal(after[1]))
            )
        query = query.order_by(
            outreach_consents.c.recorded_at.desc(), outreach_consents.c.consent_id.desc()
        ).limit(limit)
        return [ConsentRow(*row) for row in await self.session.execute(query)]

    async def consent(self, user_id: uuid.UUID, consent_id: uuid.UUID) -> ConsentRow | None:
        query = select(*_CONSENT_COLUMNS).where(
            outreach_consents.c.user_id == user_id, outreach_consents.c.consent_id == consent_id
        )
        row = (await self.session.execute(query)).first()
        return ConsentRow(*row) if row else None

    async def opt_outs(
        self, user_id: uuid.UUID | None, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[OptOutRow]:
        """One subscriber's opt-outs (``user_id`` None: the platform's), the latest first."""
        owner = (
            outreach_opt_outs.c.user_id.is_(None)
            if user_id is None
            else outreach_opt_outs.c.user_id == user_id
        )
        query = select(*_OPT_OUT_COLUMNS).where(owner)
        if after is not None:
            query = query.where(
                tuple_(outreach_opt_outs.c.created_at, outreach_opt_outs.c.opt_out_id)
                < tuple_(literal(after[0]), literal(after[1]))
            )
        query = query.order_by(
            outreach_opt_outs.c.created_at.desc(), outreach_opt_outs.c.opt_out_id.desc()
        ).limit(limit)
        return [OptOutRow(*row) for row in await self.session.execute(query)]

    async def opt_outs_of(self, user_id: uuid.UUID, contacts: list[str]) -> list[OptOutRow]:
        """The opt-outs that apply to this subscriber (theirs and the platform's) for
        ``contacts``."""
        query = select(*_OPT_OUT_COLUMNS).where(
            outreach_opt_outs.c.contact.in_(contacts),
            or_(outreach_opt_outs.c.user_id == user_id, outreach_opt_outs.c.user_id.is_(None)),
        )
        return [OptOutRow(*row) for row in await self.session.execute(query)]

    async def live_consents(
        self, user_id: uuid.UUID, contacts: list[str], now: datetime
    ) -> list[ConsentRow]:
        """The subscriber's unrevoked consents for ``contacts``, given by ``now``."""
        query = select(*_CONSENT_COLUMNS).where(
            outreach_consents.c.user_id == user_id,
            outreach_consents.c.contact.in_(contacts),
            outreach_consents.c.consented_at <= now,
            or_(outreach_consents.c.revoked_at.is_(None), outreach_consents.c.revoked_at > now),
        )
        return [ConsentRow(*row) for row in await self.session.execute(query)]

    async def attempts_on_lead(
        self, user_id: uuid.UUID, lead_id: uuid.UUID, limit: int
    ) -> list[AttemptRow]:
        """The subscriber's latest attempts (allowed and blocked) on one lead."""
        query = (
            select(
                outreach_attempts.c.attempt_id,
                outreach_attempts.c.channel,
                outreach_attempts.c.contact,
                outreach_attempts.c.attempted_at,
                outreach_attempts.c.allowed,
                outreach_attempts.c.rule,
                outreach_attempts.c.message,
            )
            .where(outreach_attempts.c.user_id == user_id, outreach_attempts.c.lead_id == lead_id)
            .order_by(
                outreach_attempts.c.attempted_at.desc(), outreach_attempts.c.attempt_id.desc()
            )
            .limit(limit)
        )
        return [AttemptRow(*row) for row in await self.session.execute(query)]
