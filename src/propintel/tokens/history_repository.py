"""Queries of a user's token history: every ledger row with the running balance, newest first
(keyset on ``(at, kind, entry_id)``), and usage summed by action."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, bindparam, func, select, text

from propintel.db.repository import Repository
from propintel.tokens.models import token_usage_logs

# Kept as text: a CTE of a three-table UNION ALL with a window function and a row-value keyset,
# which Core would only obscure.
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

_USAGE_BY_ACTION = (
    select(
        token_usage_logs.c.action_type,
        func.count().label("charges"),
        func.sum(token_usage_logs.c.tokens_used).label("tokens"),
    )
    .where(token_usage_logs.c.user_id == bindparam("user_id"))
    .group_by(token_usage_logs.c.action_type)
    .order_by(func.sum(token_usage_logs.c.tokens_used).desc(), token_usage_logs.c.action_type)
)


class HistoryRepository(Repository):
    async def page(
        self,
        user_id: uuid.UUID,
        mirrored: Sequence[str],
        after: tuple[datetime, str, uuid.UUID] | None,
        limit: int,
    ) -> Sequence[RowMapping]:
        """Up to ``limit`` entries older than the one whose key is ``after``; transactions of the
        ``mirrored`` types are left out (their purchase or usage row is listed)."""
        after_at, after_kind, after_id = after or (None, None, None)
        params: dict[str, Any] = {
            "user_id": user_id,
            "mirrored": list(mirrored),
            "after_at": after_at,
            "after_kind": after_kind,
            "after_id": after_id,
            "limit": limit,
        }
        return (await self.session.execute(_HISTORY, params)).mappings().all()

    async def usage_by_action(self, user_id: uuid.UUID) -> Sequence[RowMapping]:
        return (await self.session.execute(_USAGE_BY_ACTION, {"user_id": user_id})).mappings().all()
