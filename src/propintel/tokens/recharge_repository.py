"""Queries of auto-recharges (``billing_recharges``): one row per dip under the threshold, opened
by the ledger, charged and finished by billing's job. The partial unique index allows one pending
recharge per user, so a dip never buys twice."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from propintel.db.repository import Repository


@dataclass(frozen=True)
class Recharge:
    recharge_id: uuid.UUID
    user_id: uuid.UUID
    tokens: int
    amount: Decimal
    status: str
    payment_intent_id: str | None
    failure_message: str | None
    created_at: datetime
    finished_at: datetime | None


_COLUMNS = (
    "recharge_id, user_id, tokens, amount, status, payment_intent_id, failure_message, "
    "created_at, finished_at"
)


class RechargeRepository(Repository):
    async def _rows(self, sql: str, **params: Any) -> list[Any]:
        return list((await self.session.execute(text(sql), params)).all())

    async def open(self, user_id: uuid.UUID, tokens: int, amount: Decimal) -> uuid.UUID | None:
        """A pending recharge, or None when one is already pending (the same dip)."""
        rows = await self._rows(
            "INSERT INTO billing_recharges (user_id, tokens, amount) "
            "VALUES (:user_id, :tokens, :amount) "
            "ON CONFLICT (user_id) WHERE status = 'pending' DO NOTHING RETURNING recharge_id",
            user_id=user_id,
            tokens=tokens,
            amount=amount,
        )
        return rows[0].recharge_id if rows else None

    async def lock(self, recharge_id: uuid.UUID) -> Recharge | None:
        rows = await self._rows(
            f"SELECT {_COLUMNS} FROM billing_recharges WHERE recharge_id = :recharge_id FOR UPDATE",
            recharge_id=recharge_id,
        )
        return Recharge(**rows[0]._mapping) if rows else None

    async def finish(
        self,
        recharge_id: uuid.UUID,
        status: str,
        payment_intent_id: str | None,
        message: str | None,
    ) -> None:
        await self.session.execute(
            text(
                "UPDATE billing_recharges SET status = :status, payment_intent_id = :pi, "
                "failure_message = :message, finished_at = now() WHERE recharge_id = :id"
            ),
            {"status": status, "pi": payment_intent_id, "message": message, "id": recharge_id},
        )

    async def latest(self, user_id: uuid.UUID) -> Recharge | None:
        rows = await self._rows(
            f"SELECT {_COLUMNS} FROM billing_recharges WHERE user_id = :user_id "
            "ORDER BY created_at DESC LIMIT 1",
            user_id=user_id,
        )
        return Recharge(**rows[0]._mapping) if rows else None
