"""The queries of the local email outbox (``email_outbox``): the local adapter writes each message
there, and its page lists a user's messages (or all of them, for admins), newest first,
keyset-paged by ``(created_at, email_id)``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, DateTime, cast, delete, func, insert, select, tuple_

from propintel.db.repository import Repository
from propintel.integrations.local.tables import email_outbox

_COLUMNS = (
    email_outbox.c.email_id,
    email_outbox.c.user_id,
    email_outbox.c.to_email,
    email_outbox.c.from_email,
    email_outbox.c.subject,
    email_outbox.c.text_body,
    email_outbox.c.html_body,
    email_outbox.c.category,
    email_outbox.c.created_at,
    email_outbox.c.headers,
)


def _owned(owner: uuid.UUID | None) -> list[ColumnElement[bool]]:
    """One user's messages (which the (user_id, created_at) index serves), or everyone's."""
    return [] if owner is None else [email_outbox.c.user_id == owner]


@dataclass(frozen=True)
class OutboxEmail:
    email_id: uuid.UUID
    user_id: uuid.UUID | None
    to_email: str
    from_email: str
    subject: str
    text_body: str
    html_body: str | None
    category: str | None
    created_at: datetime
    headers: dict[str, str]


class OutboxRepository(Repository):
    """The outbox; for reads, ``owner`` None means every message (admins)."""

    async def insert(
        self,
        *,
        user_id: uuid.UUID | None,
        to: str,
        from_email: str,
        subject: str,
        text_body: str,
        html_body: str | None,
        category: str | None,
        headers: dict[str, str] | None = None,
    ) -> uuid.UUID:
        statement = (
            insert(email_outbox)
            .values(
                user_id=user_id,
                to_email=to,
                from_email=from_email,
                subject=subject,
                text_body=text_body,
                html_body=html_body,
                category=category,
                headers=headers or {},
                # clock_timestamp(), not now(): emails sent in one transaction keep the order
                # they were sent in.
                created_at=cast(func.clock_timestamp(), DateTime),
            )
            .returning(email_outbox.c.email_id)
        )
        email_id: uuid.UUID = (await self.session.execute(statement)).scalar_one()
        return email_id

    async def page(
        self, owner: uuid.UUID | None, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[OutboxEmail]:
        """Up to ``limit`` messages, newest first, after the one whose key is ``after``."""
        conditions = _owned(owner)
        if after is not None:
            conditions.append(tuple_(email_outbox.c.created_at, email_outbox.c.email_id) < after)
        statement = (
            select(*_COLUMNS)
            .where(*conditions)
            .order_by(email_outbox.c.created_at.desc(), email_outbox.c.email_id.desc())
            .limit(limit)
        )
        rows = await self.session.execute(statement)
        return [OutboxEmail(**row) for row in rows.mappings()]

    async def count(self, owner: uuid.UUID | None) -> int:
        statement = select(func.count()).select_from(email_outbox).where(*_owned(owner))
        return int(await self.session.scalar(statement) or 0)

    async def get(self, email_id: uuid.UUID, owner: uuid.UUID | None) -> OutboxEmail | None:
        statement = select(*_COLUMNS).where(email_outbox.c.email_id == email_id, *_owned(owner))
        row = (await self.session.execute(statement)).mappings().first()
        return OutboxEmail(**row) if row else None

    async def delete_owned(self, owner: uuid.UUID, to: str) -> None:
        """Delete one user's messages, and any others sent to the address ``to``."""
        await self.session.execute(
            delete(email_outbox).where(
                (email_outbox.c.user_id == owner) | (func.lower(email_outbox.c.to_email) == to)
            )
        )
