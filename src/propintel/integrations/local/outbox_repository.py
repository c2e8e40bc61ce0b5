"""The queries of the local email outbox (``email_outbox``): the local adapter writes each message
there, and its page lists a user's messages (or all of them, for admins), newest first,
keyset-paged by ``(created_at, email_id)``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text

from propintel.db.repository import Repository

# clock_timestamp(), not now(): emails sent in one transaction keep the order they were sent in.
_INSERT = text(
    "INSERT INTO email_outbox (user_id, to_email, from_email, subject, text_body, html_body, "
    "category, created_at) VALUES (:user_id, :to, :from_, :subject, :text, :html, :category, "
    "CAST(clock_timestamp() AS timestamp)) RETURNING email_id"
)
_COLUMNS = (
    "email_id, user_id, to_email, from_email, subject, text_body, html_body, category, created_at"
)
# Each read in two forms, built once from these constants: one user's messages (``:owner``, which
# the (user_id, created_at) index serves) or everyone's (admins).
_OWNED = {True: "user_id = :owner", False: "TRUE"}
_PAGE = {
    owned: text(
        f"SELECT {_COLUMNS} FROM email_outbox WHERE {where} "
        "AND (CAST(:after_at AS timestamp) IS NULL "
        "OR (created_at, email_id) < (CAST(:after_at AS timestamp), CAST(:after_id AS uuid))) "
        "ORDER BY created_at DESC, email_id DESC LIMIT :limit"
    )
    for owned, where in _OWNED.items()
}
_COUNT = {
    owned: text(f"SELECT count(*) FROM email_outbox WHERE {where}")
    for owned, where in _OWNED.items()
}
_GET = {
    owned: text(f"SELECT {_COLUMNS} FROM email_outbox WHERE email_id = :id AND {where}")
    for owned, where in _OWNED.items()
}


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
    ) -> uuid.UUID:
        params = {
            "user_id": user_id,
            "to": to,
            "from_": from_email,
            "subject": subject,
            "text": text_body,
            "html": html_body,
            "category": category,
        }
        email_id: uuid.UUID = (await self.session.execute(_INSERT, params)).scalar_one()
        return email_id

    async def page(
        self, owner: uuid.UUID | None, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[OutboxEmail]:
        """Up to ``limit`` messages, newest first, after the one whose key is ``after``."""
        after_at, after_id = after or (None, None)
        params = {"owner": owner, "after_at": after_at, "after_id": after_id, "limit": limit}
        rows = await self.session.execute(_PAGE[owner is not None], params)
        return [OutboxEmail(**row) for row in rows.mappings()]

    async def count(self, owner: uuid.UUID | None) -> int:
        return int(await self.session.scalar(_COUNT[owner is not None], {"owner": owner}) or 0)

    async def get(self, email_id: uuid.UUID, owner: uuid.UUID | None) -> OutboxEmail | None:
        params = {"id": email_id, "owner": owner}
        row = (await self.session.execute(_GET[owner is not None], params)).mappings().first()
        return OutboxEmail(**row) if row else None
