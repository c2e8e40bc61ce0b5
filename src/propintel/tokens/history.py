"""A user's token history: every ledger row with the running balance, newest first, keyset-paged.

The running balance is the cumulative sum of the signed ledger in (time, kind, id) order — the
same sum the reconciliation uses, so its last value is the balance. Rows written in one
operation share a timestamp; among them the order is by kind, which can show an intermediate
running balance that never existed, never a wrong final one.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.kit.errors import Invalid
from propintel.maintenance.tokens import MIRRORED_TRANSACTION_TYPES

MAX_PAGE = 200

_HISTORY = text(
    """
    WITH entries AS (
      SELECT purchase_id AS entry_id, 'purchase' AS kind,
             COALESCE(purchased_at, 'epoch') AS at, tokens,
             NULL AS action_type, 'Token purchase' AS description
      FROM token_purchases WHERE user_id = :user_id
      UNION ALL
      SELECT transaction_id, COALESCE(transaction_type, 'adjustment'),
             COALESCE(created_at, 'epoch'), COALESCE(tokens_amount, 0), NULL, description
      FROM token_transactions
      WHERE user_id = :user_id
        AND (transaction_type IS NULL OR transaction_type <> ALL(CAST(:mirrored AS text[])))
      UNION ALL
      SELECT log_id, 'usage', COALESCE(timestamp, 'epoch'), -tokens_used, action_type, reference
      FROM token_usage_logs WHERE user_id = :user_id
    ), running AS (
      SELECT *, SUM(tokens) OVER (ORDER BY at, kind, entry_id ROWS UNBOUNDED PRECEDING)
               AS balance_after
      FROM entries
    )
    SELECT * FROM running
    WHERE CAST(:after_at AS timestamp) IS NULL
       OR (at, kind, entry_id) < (CAST(:after_at AS timestamp), :after_kind,
                                  CAST(:after_id AS uuid))
    ORDER BY at DESC, kind DESC, entry_id DESC
    LIMIT :limit
    """
)

_USAGE_BY_ACTION = text(
    """
    SELECT action_type, COUNT(*) AS charges, SUM(tokens_used) AS tokens
    FROM token_usage_logs WHERE user_id = :user_id
    GROUP BY action_type ORDER BY SUM(tokens_used) DESC, action_type
    """
)


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


def encode_cursor(entry: HistoryEntry) -> str:
    raw = json.dumps([entry.at.isoformat(), entry.kind, str(entry.entry_id)])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str, uuid.UUID]:
    try:
        at, kind, entry_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(at), str(kind), uuid.UUID(entry_id)
    except (ValueError, TypeError) as error:
        raise Invalid("The cursor is not one this API returned.", field="cursor") from error


async def history_page(
    session: AsyncSession, user_id: uuid.UUID, limit: int = 50, cursor: str | None = None
) -> tuple[list[HistoryEntry], str | None]:
    """One page of ``user_id``'s history and the cursor of the next page (None at the end)."""
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be from 1 to {MAX_PAGE}.", field="limit")
    after = decode_cursor(cursor) if cursor else (None, None, None)
    params = {
        "user_id": user_id,
        "mirrored": list(MIRRORED_TRANSACTION_TYPES),
        "after_at": after[0],
        "after_kind": after[1],
        "after_id": after[2],
        "limit": limit + 1,
    }
    rows = (await session.execute(_HISTORY, params)).mappings().all()
    entries = [
        HistoryEntry(
            **{**row, "tokens": int(row["tokens"]), "balance_after": int(row["balance_after"])}
        )
        for row in rows[:limit]
    ]
    next_cursor = encode_cursor(entries[-1]) if len(rows) > limit else None
    return entries, next_cursor


async def usage_by_action(session: AsyncSession, user_id: uuid.UUID) -> list[UsageByAction]:
    rows = await session.execute(_USAGE_BY_ACTION, {"user_id": user_id})
    return [UsageByAction(row.action_type, int(row.charges), int(row.tokens)) for row in rows]
