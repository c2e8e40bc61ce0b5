"""Reading the local outbox: a user's messages (None as the owner: everyone's, for admins), newest
first, by keyset pages."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.local.outbox_repository import OutboxEmail, OutboxRepository
from propintel.kit.errors import NotFound
from propintel.kit.pagination import KeyPart, Listing

OUTBOX = Listing("outbox", (KeyPart.DATETIME, KeyPart.UUID))


async def outbox_page(
    db: AsyncSession, owner: uuid.UUID | None, limit: int, cursor: str | None = None
) -> tuple[list[OutboxEmail], str | None]:
    """One page of ``owner``'s messages (None: everyone's), newest first, and the cursor of the
    next page (None: the last)."""
    after = OUTBOX.decode_optional(cursor)
    emails = await OutboxRepository.from_session(db).page(owner, after, limit + 1)
    return OUTBOX.page(emails, limit, key=lambda email: (email.created_at, email.email_id))


async def outbox_count(db: AsyncSession, owner: uuid.UUID | None) -> int:
    return await OutboxRepository.from_session(db).count(owner)


async def outbox_email(
    db: AsyncSession, email_id: uuid.UUID, owner: uuid.UUID | None
) -> OutboxEmail:
    """One message of ``owner``'s (None: anyone's); ``NotFound`` for any other."""
    email = await OutboxRepository.from_session(db).get(email_id, owner)
    if email is None:
        raise NotFound("No such email in your outbox.")
    return email


async def erase_for(db: AsyncSession, owner: uuid.UUID, email: str) -> None:
    """Delete the messages of a user whose account is erased ("Your data"), and any others sent to
    its address."""
    await OutboxRepository.from_session(db).delete_owned(owner, email.strip().lower())
