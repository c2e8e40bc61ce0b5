"""A user's token history: every ledger row with the running balance, newest first, keyset-paged.

The running balance is the cumulative sum of the signed ledger in (time, kind, id) order — the
same sum the reconciliation uses, so its last value is the balance. Rows written in one
operation share a timestamp; among them the order is by kind, which can show an intermediate
running balance that never existed, never a wrong final one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.kit.errors import Invalid
from propintel.kit.i18n import _
from propintel.kit.pagination import MAX_LIMIT, KeyPart, Listing
from propintel.tokens.history_repository import HistoryRepository
from propintel.tokens.service import MIRRORED_TRANSACTION_TYPES

HISTORY = Listing("tokens.history", (KeyPart.DATETIME, KeyPart.TEXT, KeyPart.UUID))


@dataclass(frozen=True)
class HistoryEntry:
    entry_id: uuid.UUID
    kind: str
    at: datetime
    tokens: int
    balance_after: int
    action_type: str | None
    description: str | None


@dataclass(frozen=True)
class UsageByAction:
    action_type: str | None
    charges: int
    tokens: int


async def history_page(
    session: AsyncSession, user_id: uuid.UUID, limit: int = 50, cursor: str | None = None
) -> tuple[list[HistoryEntry], str | None]:
    """One page of ``user_id``'s history and the cursor of the next page (None at the end)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(_("limit must be from 1 to {max}.").format(max=MAX_LIMIT), field="limit")
    after = HISTORY.decode_optional(cursor)
    rows = await HistoryRepository.from_session(session).page(
        user_id, MIRRORED_TRANSACTION_TYPES, after, limit + 1
    )
    entries = [
        HistoryEntry(
            **{**row, "tokens": int(row["tokens"]), "balance_after": int(row["balance_after"])}
        )
        for row in rows
    ]
    return HISTORY.page(entries, limit, key=lambda entry: (entry.at, entry.kind, entry.entry_id))


async def usage_by_action(session: AsyncSession, user_id: uuid.UUID) -> list[UsageByAction]:
    rows = await HistoryRepository.from_session(session).usage_by_action(user_id)
    return [
        UsageByAction(row["action_type"], int(row["charges"]), int(row["tokens"])) for row in rows
    ]
