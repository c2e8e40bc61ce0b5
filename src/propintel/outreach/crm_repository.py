"""The statements of CRM sync: a subscriber's connection (``crm_connections``, the API key
encrypted) and the leads they pushed (``crm_contacts``: what the CRM holds of each lead, its
record ids there, and the sync state). Every read is scoped by the owner's ``user_id``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert

from propintel.auth.models import User
from propintel.db.repository import Repository
from propintel.outreach.tables import crm_connections, crm_contacts

PENDING = "pending"
SYNCED = "synced"
FAILED = "failed"


@dataclass(frozen=True)
class ConnectionRow:
    user_id: uuid.UUID
    provider: str
    base_url: str
    api_key_encrypted: str
    connected_at: datetime


@dataclass(frozen=True)
class ContactRow:
    contact_id: uuid.UUID
    user_id: uuid.UUID
    property_id: uuid.UUID | None
    lead_id: uuid.UUID | None
    name: str | None
    phone: str | None
    email: str | None
    intent_rating: int | None
    pipeline_stage: str | None
    notes: str | None
    twenty_contact_id: str | None
    twenty_opportunity_id: str | None
    synced_at: datetime | None
    sync_status: str
    sync_error: str | None
    sync_attempts: int
    next_sync_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None


_CONNECTION = (
    crm_connections.c.user_id,
    crm_connections.c.provider,
    crm_connections.c.base_url,
    crm_connections.c.api_key_encrypted,
    crm_connections.c.connected_at,
)
_CONTACT = tuple(crm_contacts.c[name] for name in ContactRow.__dataclass_fields__)


def _contacts() -> Select[Any]:
    return select(*_CONTACT)


class CrmRepository(Repository):
    # --- the connection ---------------------------------------------------------------------
    async def connection(self, user_id: uuid.UUID) -> ConnectionRow | None:
        statement = select(*_CONNECTION).where(crm_connections.c.user_id == user_id)
        row = (await self.session.execute(statement)).mappings().first()
        return ConnectionRow(**row) if row else None

    async def save_connection(
        self,
        user_id: uuid.UUID,
        provider: str,
        base_url: str,
        api_key_encrypted: str,
        now: datetime,
    ) -> None:
        values = {
            "provider": provider,
            "base_url": base_url,
            "api_key_encrypted": api_key_encrypted,
            "connected_at": now,
        }
        statement = insert(crm_connections).values(user_id=user_id, **values)
        await self.session.execute(
            statement.on_conflict_do_update(index_elements=["user_id"], set_=values)
        )

    async def delete_connection(self, user_id: uuid.UUID) -> bool:
        result = await self.session.execute(
            delete(crm_connections)
            .where(crm_connections.c.user_id == user_id)
            .returning(crm_connections.c.user_id)
        )
        return result.first() is not None

    async def connected_users(self, after: uuid.UUID | None, limit: int) -> list[uuid.UUID]:
        """Users with a connection whose account is not suspended, by id after ``after``."""
        statement = (
            select(crm_connections.c.user_id)
            .join(User, User.user_id == crm_connections.c.user_id)
            .where(User.suspended_at.is_(None))
            .order_by(crm_connections.c.user_id)
            .limit(limit)
        )
        if after is not None:
            statement = statement.where(crm_connections.c.user_id > after)
        return list((await self.session.scalars(statement)).all())

    async def user(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    # --- pushed leads -------------------------------------------------------------------------
    async def contact_for_lead(self, user_id: uuid.UUID, lead_id: uuid.UUID) -> ContactRow | None:
        statement = _contacts().where(
            crm_contacts.c.user_id == user_id, crm_contacts.c.lead_id == lead_id
        )
        row = (await self.session.execute(statement)).mappings().first()
        return ContactRow(**row) if row else None

    async def contacts_for_leads(
        self, user_id: uuid.UUID, lead_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, ContactRow]:
        statement = _contacts().where(
            crm_contacts.c.user_id == user_id, crm_contacts.c.lead_id.in_(list(lead_ids))
        )
        rows = (await self.session.execute(statement)).mappings()
        return {row["lead_id"]: ContactRow(**row) for row in rows}

    async def insert_contact(self, user_id: uuid.UUID, **values: Any) -> uuid.UUID | None:
        """A new row for a lead; None when the lead already has one (another request's)."""
        statement = (
            insert(crm_contacts)
            .values(user_id=user_id, sync_status=PENDING, **values)
            .on_conflict_do_nothing(
                index_elements=["lead_id"], index_where=crm_contacts.c.lead_id.isnot(None)
            )
            .returning(crm_contacts.c.contact_id)
        )
        contact_id: uuid.UUID | None = await self.session.scalar(statement)
        return contact_id

    async def lock_contact(self, contact_id: uuid.UUID) -> ContactRow | None:
        """The row, locked until the transaction ends: one sync of a contact at a time."""
        statement = _contacts().where(crm_contacts.c.contact_id == contact_id).with_for_update()
        row = (await self.session.execute(statement)).mappings().first()
        return ContactRow(**row) if row else None

    async def update_contact(self, contact_id: uuid.UUID, now: datetime, **values: Any) -> None:
        await self.session.execute(
            update(crm_contacts)
            .where(crm_contacts.c.contact_id == contact_id)
            .values(updated_at=now, **values)
        )

    async def queue(self, user_id: uuid.UUID, contact_ids: Sequence[uuid.UUID]) -> None:
        """Mark contacts as waiting for a sync job (pending, no retry time)."""
        await self.session.execute(
            update(crm_contacts)
            .where(crm_contacts.c.user_id == user_id, crm_contacts.c.contact_id.in_(contact_ids))
            .values(sync_status=PENDING, next_sync_at=None)
        )

    async def due_retries(self, user_id: uuid.UUID, now: datetime) -> list[uuid.UUID]:
        """Pending contacts whose retry time has come."""
        statement = select(crm_contacts.c.contact_id).where(
            crm_contacts.c.user_id == user_id,
            crm_contacts.c.sync_status == PENDING,
            crm_contacts.c.next_sync_at <= now,
        )
        return list((await self.session.scalars(statement)).all())

    async def synced_leads(self, user_id: uuid.UUID) -> dict[uuid.UUID, tuple[uuid.UUID, datetime]]:
        """Synced contacts of leads that still exist: lead → (contact, synced at)."""
        statement = select(
            crm_contacts.c.lead_id, crm_contacts.c.contact_id, crm_contacts.c.synced_at
        ).where(
            crm_contacts.c.user_id == user_id,
            crm_contacts.c.sync_status == SYNCED,
            crm_contacts.c.lead_id.isnot(None),
            crm_contacts.c.synced_at.isnot(None),
        )
        rows = await self.session.execute(statement)
        return {row[0]: (row[1], row[2]) for row in rows}

    async def reset_links(
        self,
        user_id: uuid.UUID,
        *,
        forget_records: bool,
        due: datetime | None,
        only_failed: bool = False,
    ) -> int:
        """The user's contacts (``only_failed``: the failed ones) back to pending, retry time
        ``due`` (the periodic job picks them up then; None: nothing does); ``forget_records``:
        their record ids belong to a workspace no longer connected."""
        values: dict[str, Any] = {
            "sync_status": PENDING,
            "sync_error": None,
            "sync_attempts": 0,
            "next_sync_at": due,
        }
        if forget_records:
            values.update(twenty_contact_id=None, twenty_opportunity_id=None, synced_at=None)
        conditions = [crm_contacts.c.user_id == user_id]
        if only_failed:
            conditions.append(crm_contacts.c.sync_status == FAILED)
        result = await self.session.execute(
            update(crm_contacts)
            .where(*conditions)
            .values(**values)
            .returning(crm_contacts.c.contact_id)
        )
        return len(result.all())

    async def status_counts(self, user_id: uuid.UUID) -> dict[str, int]:
        statement = (
            select(crm_contacts.c.sync_status, func.count())
            .where(crm_contacts.c.user_id == user_id)
            .group_by(crm_contacts.c.sync_status)
        )
        return {status: int(n) for status, n in (await self.session.execute(statement)).all()}
