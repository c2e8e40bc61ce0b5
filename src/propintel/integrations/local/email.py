"""The local email adapter: messages go to the ``email_outbox`` table, never to the network.
Also the outbox's queries (its page lists a user's messages, or all of them for admins)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.email import EmailMessage, SentEmail

PROVIDER = "local"

_INSERT = text(
    "INSERT INTO email_outbox (user_id, to_email, from_email, subject, text_body, html_body, "
    "category, created_at) VALUES (:user_id, :to, :from_, :subject, :text, :html, :category, "
    "CAST(clock_timestamp() AS timestamp)) RETURNING email_id"
)
# clock_timestamp(), not now(): emails sent in one transaction keep the order they were sent in.
_COLUMNS = (
    "email_id, user_id, to_email, from_email, subject, text_body, html_body, category, created_at"
)


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


class LocalEmail:
    provider = PROVIDER

    def __init__(self, session: AsyncSession, from_email: str) -> None:
        self.session = session
        self.from_email = from_email

    async def send(self, message: EmailMessage) -> SentEmail:
        email_id = await self.session.scalar(
            _INSERT,
            {
                "user_id": message.user_id,
                "to": message.to,
                "from_": self.from_email,
                "subject": message.subject,
                "text": message.text,
                "html": message.html,
                "category": message.category,
            },
        )
        return SentEmail(PROVIDER, str(email_id))


class Outbox:
    """Reading the outbox: ``owner`` None means every message (admins)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(
        self, owner: uuid.UUID | None, *, limit: int, offset: int
    ) -> tuple[list[OutboxEmail], int]:
        where = "" if owner is None else "WHERE user_id = :owner"
        params = {"owner": owner, "limit": limit, "offset": offset}
        total = await self.session.scalar(
            text(f"SELECT count(*) FROM email_outbox {where}"), params
        )
        rows = await self.session.execute(
            text(
                f"SELECT {_COLUMNS} FROM email_outbox {where} "
                "ORDER BY created_at DESC, email_id LIMIT :limit OFFSET :offset"
            ),
            params,
        )
        return [OutboxEmail(**row) for row in rows.mappings()], int(total or 0)

    async def get(self, email_id: uuid.UUID, owner: uuid.UUID | None) -> OutboxEmail | None:
        where = "" if owner is None else "AND user_id = :owner"
        row = (
            (
                await self.session.execute(
                    text(f"SELECT {_COLUMNS} FROM email_outbox WHERE email_id = :id {where}"),
                    {"id": email_id, "owner": owner},
                )
            )
            .mappings()
            .first()
        )
        return OutboxEmail(**row) if row else None
