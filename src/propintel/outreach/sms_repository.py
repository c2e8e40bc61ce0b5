"""Statements of SMS outreach: a lead's text thread (the spec's ``conversation_history``, channel
'sms'), the subscriber's sender numbers (``subscriber_phone_numbers``), and the subscriber to
notify of a reply."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    String,
    column,
    func,
    select,
    table,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import UUID, insert

from propintel.auth.models import User
from propintel.db.repository import Repository
from propintel.outreach.tables import conversation_history as messages

SMS = "sms"
OUTBOUND = "outbound"
INBOUND = "inbound"

subscriber_phone_numbers = table(
    "subscriber_phone_numbers",
    column("phone_id", UUID(as_uuid=True)),
    column("user_id", UUID(as_uuid=True)),
    column("phone_number", String(20)),
    column("is_active", Boolean),
    column("created_at", DateTime),
)


@dataclass(frozen=True)
class SmsMessage:
    conversation_id: uuid.UUID
    lead_id: uuid.UUID | None
    message_role: str  # outbound | inbound
    message_content: str
    contact: str | None  # the owner's number
    sender: str | None  # our number
    provider_message_id: str | None
    delivery_status: str | None
    tokens_used: int | None
    cost: Decimal | None
    timestamp: datetime
    read_at: datetime | None


_MESSAGE = (
    messages.c.conversation_id,
    messages.c.lead_id,
    messages.c.message_role,
    messages.c.message_content,
    messages.c.contact,
    messages.c.sender,
    messages.c.provider_message_id,
    messages.c.delivery_status,
    messages.c.tokens_used,
    messages.c.cost,
    messages.c.timestamp,
    messages.c.read_at,
)


@dataclass(frozen=True)
class ThreadOwner:
    """Whose thread a text belongs to."""

    user_id: uuid.UUID
    lead_id: uuid.UUID


@dataclass(frozen=True)
class Outbound:
    conversation_id: uuid.UUID
    user_id: uuid.UUID
    lead_id: uuid.UUID | None
    delivery_status: str | None
    usage_log_id: uuid.UUID | None


class SmsRepository(Repository):
    # --- the thread ---------------------------------------------------------------------------
    async def add_message(
        self,
        *,
        conversation_id: uuid.UUID,
        user_id: uuid.UUID,
        lead_id: uuid.UUID,
        role: str,
        body: str,
        contact: str,
        sender: str,
        provider_message_id: str | None,
        delivery_status: str | None,
        at: datetime,
        usage_log_id: uuid.UUID | None = None,
        tokens_used: int | None = None,
        cost: Decimal | None = None,
        context: dict[str, Any] | None = None,
    ) -> bool:
        """Store one text; False when a text with this provider id is already stored (a reply
        handled twice is stored once)."""
        statement = (
            insert(messages)
            .values(
                conversation_id=conversation_id,
                user_id=user_id,
                lead_id=lead_id,
                channel=SMS,
                message_role=role,
                message_content=body,
                contact=contact,
                sender=sender,
                provider_message_id=provider_message_id,
                delivery_status=delivery_status,
                usage_log_id=usage_log_id,
                tokens_used=tokens_used,
                cost=cost,
                context_used=context,
                timestamp=at,
            )
            .on_conflict_do_nothing(
                index_elements=[messages.c.provider_message_id],
                index_where=messages.c.provider_message_id.isnot(None),
            )
            .returning(messages.c.conversation_id)
        )
        return (await self.session.execute(statement)).first() is not None

    def _thread(self, user_id: uuid.UUID, lead_id: uuid.UUID) -> list[Any]:
        return [
            messages.c.user_id == user_id,
            messages.c.lead_id == lead_id,
            messages.c.channel == SMS,
        ]

    async def page(
        self,
        user_id: uuid.UUID,
        lead_id: uuid.UUID,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[SmsMessage]:
        """Up to ``limit`` texts of the thread, newest first, after the key ``after``."""
        conditions = self._thread(user_id, lead_id)
        if after is not None:
            conditions.append(tuple_(messages.c.timestamp, messages.c.conversation_id) < after)
        statement = (
            select(*_MESSAGE)
            .where(*conditions)
            .order_by(messages.c.timestamp.desc(), messages.c.conversation_id.desc())
            .limit(limit)
        )
        return [SmsMessage(**row) for row in (await self.session.execute(statement)).mappings()]

    async def unread(self, user_id: uuid.UUID, lead_id: uuid.UUID) -> int:
        statement = select(func.count()).where(
            *self._thread(user_id, lead_id),
            messages.c.message_role == INBOUND,
            messages.c.read_at.is_(None),
        )
        return int(await self.session.scalar(statement) or 0)

    async def mark_read(self, user_id: uuid.UUID, ids: Sequence[uuid.UUID], now: datetime) -> None:
        if not ids:
            return
        await self.session.execute(
            update(messages)
            .where(
                messages.c.user_id == user_id,
                messages.c.conversation_id.in_(list(ids)),
                messages.c.read_at.is_(None),
            )
            .values(read_at=now)
        )

    async def latest_outbound(self, sender: str, contact: str) -> ThreadOwner | None:
        """The thread of the latest text we sent from ``sender`` to ``contact`` (any subscriber):
        where a reply from ``contact`` to ``sender`` belongs."""
        statement = (
            select(messages.c.user_id, messages.c.lead_id)
            .where(
                messages.c.channel == SMS,
                messages.c.message_role == OUTBOUND,
                messages.c.contact == contact,
                messages.c.sender == sender,
                messages.c.lead_id.isnot(None),
            )
            .order_by(messages.c.timestamp.desc(), messages.c.conversation_id.desc())
            .limit(1)
        )
        row = (await self.session.execute(statement)).first()
        return ThreadOwner(row.user_id, row.lead_id) if row else None

    async def lock_outbound(self, sid: str) -> Outbound | None:
        statement = (
            select(
                messages.c.conversation_id,
                messages.c.user_id,
                messages.c.lead_id,
                messages.c.delivery_status,
                messages.c.usage_log_id,
            )
            .where(
                messages.c.provider_message_id == sid,
                messages.c.channel == SMS,
                messages.c.message_role == OUTBOUND,
            )
            .with_for_update()
        )
        row = (await self.session.execute(statement)).mappings().first()
        return Outbound(**row) if row else None

    async def set_delivery_status(self, conversation_id: uuid.UUID, status: str) -> None:
        await self.session.execute(
            update(messages)
            .where(messages.c.conversation_id == conversation_id)
            .values(delivery_status=status)
        )

    async def contacts_texted(self, user_id: uuid.UUID, limit: int) -> list[tuple[str, datetime]]:
        """The numbers the subscriber texted, latest first, with the time of the latest text."""
        latest = func.max(messages.c.timestamp)
        statement = (
            select(messages.c.contact, latest.label("latest"))
            .where(
                messages.c.user_id == user_id,
                messages.c.channel == SMS,
                messages.c.message_role == OUTBOUND,
                messages.c.contact.isnot(None),
            )
            .group_by(messages.c.contact)
            .order_by(latest.desc(), messages.c.contact)
            .limit(limit)
        )
        return [(row.contact, row.latest) for row in await self.session.execute(statement)]

    async def provider_ids_with(self, user_id: uuid.UUID, contact: str, limit: int) -> list[str]:
        """The provider ids of the subscriber's latest texts with ``contact``, both ways."""
        statement = (
            select(messages.c.provider_message_id)
            .where(
                messages.c.user_id == user_id,
                messages.c.channel == SMS,
                messages.c.contact == contact,
                messages.c.provider_message_id.isnot(None),
            )
            .order_by(messages.c.timestamp.desc(), messages.c.conversation_id.desc())
            .limit(limit)
        )
        return [str(sid) for sid in await self.session.scalars(statement)]

    async def latest_sender_to(self, user_id: uuid.UUID, contact: str) -> str | None:
        """The number the subscriber last texted ``contact`` from."""
        statement = (
            select(messages.c.sender)
            .where(
                messages.c.user_id == user_id,
                messages.c.channel == SMS,
                messages.c.message_role == OUTBOUND,
                messages.c.contact == contact,
                messages.c.sender.isnot(None),
            )
            .order_by(messages.c.timestamp.desc(), messages.c.conversation_id.desc())
            .limit(1)
        )
        sender = await self.session.scalar(statement)
        return str(sender) if sender else None

    # --- numbers ------------------------------------------------------------------------------
    async def active_number(self, user_id: uuid.UUID) -> str | None:
        """The subscriber's own sender number (the newest active one), if any."""
        statement = (
            select(subscriber_phone_numbers.c.phone_number)
            .where(
                subscriber_phone_numbers.c.user_id == user_id,
                subscriber_phone_numbers.c.is_active.is_(True),
            )
            .order_by(
                subscriber_phone_numbers.c.created_at.desc().nulls_last(),
                subscriber_phone_numbers.c.phone_id,
            )
            .limit(1)
        )
        number = await self.session.scalar(statement)
        return str(number) if number else None

    async def subscriber(self, user_id: uuid.UUID) -> User | None:
        """The subscriber to notify of a reply."""
        return await self.session.get(User, user_id)
