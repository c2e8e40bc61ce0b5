"""Statements of the contact unlock (``outreach.unlock``): the skip-trace results stored once per
property (``property_contacts``), who unlocked what (``contact_unlocks``), and the spec's contact
columns of ``properties`` (``phone_number``, ``email``, ``enriched_at``), which only this module
writes. Search and leads never read those columns: contact data is shown to a subscriber only
through its own unlock."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, String, Text, and_, bindparam, column, func, select, table, update
from sqlalchemy.dialects.postgresql import UUID, insert

from propintel.db.repository import Repository
from propintel.outreach.tables import contact_unlocks, property_contacts

# The columns of properties the unlock reads (the address and owner to trace) and writes.
properties = table(
    "properties",
    column("property_id", UUID(as_uuid=True)),
    column("full_address", Text),
    column("street_address", Text),
    column("city", String(100)),
    column("zip_code", String(10)),
    column("owner_name", Text),
    column("owner_first_name", String(100)),
    column("owner_last_name", String(100)),
    column("phone_number", String(20)),
    column("email", String(255)),
    column("enriched_at", DateTime),
)


@dataclass(frozen=True)
class StoredContact:
    """A property's stored skip-trace result."""

    matched: bool
    phones: list[dict[str, Any]]
    emails: list[str]
    provider: str
    provider_cost: Decimal | None
    enriched_at: datetime


@dataclass(frozen=True)
class PropertyState:
    """What the unlock needs to know of one property for one subscriber."""

    property_id: uuid.UUID
    facts: dict[str, Any]  # address and owner columns
    contact: StoredContact | None  # the stored result, fresh or not
    unlocked_at: datetime | None  # this subscriber's unlock, if any


@dataclass(frozen=True)
class UnlockedRow:
    """One subscriber's unlock of one property, with the stored result."""

    property_id: uuid.UUID
    unlocked_at: datetime
    usage_log_id: uuid.UUID | None
    contact: StoredContact


_FACTS = (
    properties.c.full_address,
    properties.c.street_address,
    properties.c.city,
    properties.c.zip_code,
    properties.c.owner_name,
    properties.c.owner_first_name,
    properties.c.owner_last_name,
)
_CONTACT = (
    property_contacts.c.matched,
    property_contacts.c.phones,
    property_contacts.c.emails,
    property_contacts.c.provider,
    property_contacts.c.provider_cost,
    property_contacts.c.enriched_at,
)


def _contact(row: Any) -> StoredContact | None:
    if row.enriched_at is None:
        return None
    return StoredContact(
        matched=bool(row.matched),
        phones=list(row.phones or []),
        emails=list(row.emails or []),
        provider=row.provider,
        provider_cost=row.provider_cost,
        enriched_at=row.enriched_at,
    )


class UnlockRepository(Repository):
    async def lock_user(self, user_id: uuid.UUID) -> None:
        """Serialise one subscriber's unlocks until the end of the transaction, so a double
        submit cannot see "not unlocked yet" twice and pay twice."""
        key = func.hashtextextended(f"contact_unlock:{user_id}", 0)
        await self.session.execute(select(func.pg_advisory_xact_lock(key)))

    async def states(
        self, user_id: uuid.UUID, property_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, PropertyState]:
        """Each existing property of ``property_ids`` with its stored result and ``user_id``'s
        unlock of it."""
        mine = contact_unlocks.alias("mine")
        statement = (
            select(
                properties.c.property_id,
                *_FACTS,
                *_CONTACT,
                mine.c.unlocked_at,
            )
            .select_from(properties)
            .outerjoin(
                property_contacts, property_contacts.c.property_id == properties.c.property_id
            )
            .outerjoin(
                mine,
                and_(mine.c.property_id == properties.c.property_id, mine.c.user_id == user_id),
            )
            .where(properties.c.property_id.in_(list(property_ids)))
        )
        states = {}
        for row in await self.session.execute(statement):
            facts = {c.name: getattr(row, c.name) for c in _FACTS}
            states[row.property_id] = PropertyState(
                row.property_id, facts, _contact(row), row.unlocked_at
            )
        return states

    async def store_results(self, rows: Sequence[dict[str, Any]], now: datetime) -> None:
        """Store (or refresh) skip-trace results, each ``{property_id, matched, phones, emails,
        provider, provider_cost, best_phone, best_email}``, and the spec's contact columns of
        their properties."""
        if not rows:
            return
        values = [
            {
                "property_id": row["property_id"],
                "matched": row["matched"],
                "phones": row["phones"],
                "emails": row["emails"],
                "provider": row["provider"],
                "provider_cost": row["provider_cost"],
                "enriched_at": now,
            }
            for row in rows
        ]
        statement = insert(property_contacts).values(values)
        excluded = statement.excluded
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[property_contacts.c.property_id],
                set_={
                    "matched": excluded.matched,
                    "phones": excluded.phones,
                    "emails": excluded.emails,
                    "provider": excluded.provider,
                    "provider_cost": excluded.provider_cost,
                    "enriched_at": excluded.enriched_at,
                },
            )
        )
        await self.session.execute(
            update(properties)
            .where(properties.c.property_id == bindparam("pid"))
            .values(
                phone_number=bindparam("best_phone"),
                email=bindparam("best_email"),
                enriched_at=bindparam("now"),
            ),
            [
                {
                    "pid": row["property_id"],
                    "best_phone": row["best_phone"],
                    "best_email": row["best_email"],
                    "now": now,
                }
                for row in rows
            ],
        )

    async def record_unlocks(
        self,
        user_id: uuid.UUID,
        unlocks: Sequence[tuple[uuid.UUID, uuid.UUID | None]],
        now: datetime,
    ) -> None:
        """``user_id`` unlocked each (property, the usage row that paid, or None) at ``now``;
        a refresh replaces the earlier unlock of the same property."""
        if not unlocks:
            return
        statement = insert(contact_unlocks).values(
            [
                {
                    "user_id": user_id,
                    "property_id": property_id,
                    "unlocked_at": now,
                    "usage_log_id": usage_log_id,
                }
                for property_id, usage_log_id in unlocks
            ]
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[contact_unlocks.c.user_id, contact_unlocks.c.property_id],
                set_={
                    "unlocked_at": statement.excluded.unlocked_at,
                    "usage_log_id": statement.excluded.usage_log_id,
                },
            )
        )

    async def unlocked(self, user_id: uuid.UUID, property_id: uuid.UUID) -> UnlockedRow | None:
        """``user_id``'s unlock of the property with the stored result (None: not unlocked)."""
        statement = (
            select(
                contact_unlocks.c.unlocked_at,
                contact_unlocks.c.usage_log_id,
                *_CONTACT,
            )
            .join(
                property_contacts,
                property_contacts.c.property_id == contact_unlocks.c.property_id,
            )
            .where(
                contact_unlocks.c.user_id == user_id,
                contact_unlocks.c.property_id == property_id,
            )
        )
        row = (await self.session.execute(statement)).first()
        if row is None:
            return None
        contact = _contact(row)
        assert contact is not None  # the join found the stored result
        return UnlockedRow(property_id, row.unlocked_at, row.usage_log_id, contact)
