"""Queries of auto-recharges (``billing_recharges``): one row per dip under the threshold, opened
by the ledger, charged and finished by billing's job. The partial unique index allows one pending
recharge per user, so a dip never buys twice."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Executable, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert

from propintel.db.repository import Repository
from propintel.tokens.models import billing_recharges


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


_RECHARGE = select(
    billing_recharges.c.recharge_id,
    billing_recharges.c.user_id,
    billing_recharges.c.tokens,
    billing_recharges.c.amount,
    billing_recharges.c.status,
    billing_recharges.c.payment_intent_id,
    billing_recharges.c.failure_message,
    billing_recharges.c.created_at,
    billing_recharges.c.finished_at,
)


class RechargeRepository(Repository):
    async def _rows(self, statement: Executable) -> list[Any]:
        return list((await self.session.execute(statement)).all())

    async def open(self, user_id: uuid.UUID, tokens: int, amount: Decimal) -> uuid.UUID | None:
        """A pending recharge, or None when one is already pending (the same dip)."""
        rows = await self._rows(
            insert(billing_recharges)
            .values(user_id=user_id, tokens=tokens, amount=amount)
            # The partial unique index's predicate, a literal as before (PostgreSQL infers the
            # arbiter index at parse time and cannot match a bound parameter).
            .on_conflict_do_nothing(
                index_elements=[billing_recharges.c.user_id],
                index_where=billing_recharges.c.status == literal_column("'pending'"),
            )
            .returning(billing_recharges.c.recharge_id)
        )
        return rows[0].recharge_id if rows else None

    async def lock(self, recharge_id: uuid.UUID) -> Recharge | None:
        rows = await self._rows(
            _RECHARGE.where(billing_recharges.c.recharge_id == recharge_id).with_for_update()
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
            update(billing_recharges)
            .where(billing_recharges.c.recharge_id == recharge_id)
            .values(
                status=status,
                payment_intent_id=payment_intent_id,
                failure_message=message,
                finished_at=func.now(),
            )
        )

    async def latest(self, user_id: uuid.UUID) -> Recharge | None:
        rows = await self._rows(
            _RECHARGE.where(billing_recharges.c.user_id == user_id)
            .order_by(billing_recharges.c.created_at.desc())
            .limit(1)
        )
        return Recharge(**rows[0]._mapping) if rows else None
