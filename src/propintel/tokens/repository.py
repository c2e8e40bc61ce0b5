"""Every query of the token ledger. Balance changes are single guarded statements; callers that
need a read-then-decide (daily limit, settlement) first take the user's row lock with
``lock_account`` so the decision and the write see the same, latest state."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    RowMapping,
    String,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB

from propintel.auth.models import User
from propintel.db.repository import Repository
from propintel.tokens.models import (
    company_token_pool,
    token_reservations,
    token_transactions,
    token_usage_logs,
    users,
)


@dataclass(frozen=True)
class Account:
    user_id: uuid.UUID
    balance: int
    suspended_at: datetime | None
    preferences: dict[str, Any]
    email_verified_at: datetime | None = None


@dataclass(frozen=True)
class Reservation:
    reservation_id: uuid.UUID
    user_id: uuid.UUID
    action_type: str
    unit_tokens: int
    tokens_held: int
    status: str
    reference: str | None


# Status and type codes stay literals in the SQL, as before: the partial indexes
# (idx_token_reservations_user_held, uq_token_transactions_refund_of_usage) must see them.
_HELD = literal_column("'held'", String)
_REFUND = literal_column("'refund'", String)

_ACCOUNT = select(
    users.c.user_id,
    func.coalesce(users.c.token_balance, 0).label("balance"),
    users.c.suspended_at,
    users.c.token_preferences,
    users.c.email_verified_at,
).where(users.c.user_id == bindparam("user_id"))

_LOCK_ACCOUNT = _ACCOUNT.with_for_update()


def _account(row: Any) -> Account:
    return Account(
        row.user_id,
        int(row.balance),
        row.suspended_at,
        row.token_preferences or {},
        row.email_verified_at,
    )


_REFUNDED = exists().where(
    token_transactions.c.usage_log_id == token_usage_logs.c.log_id,
    token_transactions.c.transaction_type == _REFUND,
)

_HELD_TOKENS = select(func.coalesce(func.sum(token_reservations.c.tokens_held), 0)).where(
    token_reservations.c.user_id == bindparam("user_id"), token_reservations.c.status == _HELD
)

# Tokens counted against the daily limit on [day_start, day_end): today's charges that were not
# refunded, plus every open hold (a hold is a promise to spend; settling it logs the usage).
_USED_TODAY = select(
    select(func.coalesce(func.sum(token_usage_logs.c.tokens_used), 0))
    .where(
        token_usage_logs.c.user_id == bindparam("user_id"),
        token_usage_logs.c.timestamp >= bindparam("day_start"),
        token_usage_logs.c.timestamp < bindparam("day_end"),
        ~_REFUNDED,
    )
    .scalar_subquery()
    + _HELD_TOKENS.scalar_subquery()
)

# Kept as text (here and in _ADJUST, _PURCHASE): data-modifying CTEs that chain three writes
# in one statement read far better as SQL than as nested Core CTEs.
# The charge: one statement, guarded by the balance, suspension and the daily limit (whose
# used_today the caller computed under the row lock, in a later statement than the lock: a
# statement's snapshot is taken when it starts, so this one sees every charge committed by the
# previous holder of the lock). Writes the usage row and moves the pool in the same statement.
_CHARGE = text(
    """
    WITH charged AS (
      UPDATE users SET token_balance = token_balance - :tokens
      WHERE user_id = :user_id AND token_balance >= :tokens
        AND (CAST(:check_suspended AS boolean) IS FALSE OR suspended_at IS NULL)
        AND (CAST(:daily_limit AS integer) IS NULL
             OR CAST(:used_today AS integer) + :tokens <= CAST(:daily_limit AS integer))
      RETURNING token_balance
    ), logged AS (
      INSERT INTO token_usage_logs (user_id, action_type, tokens_used, actual_cost, reference,
                                    timestamp)
      SELECT :user_id, :action_type, :tokens, :actual_cost, :reference, :now FROM charged
      RETURNING log_id
    ), pool AS (
      UPDATE company_token_pool
      SET tokens_consumed = COALESCE(tokens_consumed, 0) + :tokens,
          total_tokens = COALESCE(total_tokens, 0) - :tokens, updated_at = :now
      WHERE EXISTS (SELECT 1 FROM charged)
      RETURNING 1
    )
    SELECT charged.token_balance, logged.log_id FROM charged, logged
    """
)

# Any other change of a balance: one statement that moves the balance (never below zero) and
# writes the token_transactions row that explains it.
_ADJUST = text(
    """
    WITH adjusted AS (
      UPDATE users SET token_balance = COALESCE(token_balance, 0) + :delta
      WHERE user_id = :user_id AND COALESCE(token_balance, 0) + :delta >= 0
      RETURNING token_balance
    ), written AS (
      INSERT INTO token_transactions (user_id, transaction_type, tokens_amount, description,
                                      admin_user_id, usage_log_id, created_at)
      SELECT :user_id, :transaction_type, :delta, :description, :admin_user_id, :usage_log_id,
             :now
      FROM adjusted
      RETURNING transaction_id
    )
    SELECT adjusted.token_balance, written.transaction_id FROM adjusted, written
    """
)

# A purchase credits the user and the pool once per payment intent (a replayed webhook finds the
# unique index and changes nothing).
_PURCHASE = text(
    """
    WITH bought AS (
      INSERT INTO token_purchases (user_id, tokens, amount_paid, stripe_payment_intent_id,
                                   purchased_at)
      VALUES (:user_id, :tokens, :amount_paid, :payment_intent, :now)
      ON CONFLICT (stripe_payment_intent_id) WHERE stripe_payment_intent_id IS NOT NULL
      DO NOTHING
      RETURNING purchase_id
    ), credited AS (
      UPDATE users SET token_balance = COALESCE(token_balance, 0) + :tokens
      WHERE user_id = :user_id AND EXISTS (SELECT 1 FROM bought)
      RETURNING token_balance
    ), pool AS (
      UPDATE company_token_pool
      SET tokens_purchased = COALESCE(tokens_purchased, 0) + :tokens,
          total_tokens = COALESCE(total_tokens, 0) + :tokens, updated_at = :now
      WHERE EXISTS (SELECT 1 FROM bought)
      RETURNING 1
    )
    SELECT bought.purchase_id, credited.token_balance FROM bought, credited
    """
)

_COMPANY_POOL = (
    select(
        company_token_pool.c.total_tokens,
        company_token_pool.c.tokens_purchased,
        company_token_pool.c.tokens_consumed,
        company_token_pool.c.updated_at,
    )
    .order_by(company_token_pool.c.updated_at)
    .limit(1)
)


class TokenRepository(Repository):
    async def company_pool(self) -> RowMapping | None:
        return (await self.session.execute(_COMPANY_POOL)).mappings().first()

    async def lock_account(self, user_id: uuid.UUID) -> Account | None:
        row = (await self.session.execute(_LOCK_ACCOUNT, {"user_id": user_id})).first()
        if row is None:
            return None
        return _account(row)

    async def used_today(self, user_id: uuid.UUID, day_start: datetime, day_end: datetime) -> int:
        params = {"user_id": user_id, "day_start": day_start, "day_end": day_end}
        return int(await self.session.scalar(_USED_TODAY, params) or 0)

    async def charge(self, **params: Any) -> tuple[int, uuid.UUID] | None:
        """(new balance, usage log id), or None when the guard refused."""
        row = (await self.session.execute(_CHARGE, params)).first()
        return (int(row.token_balance), row.log_id) if row else None

    async def adjust(
        self,
        user_id: uuid.UUID,
        delta: int,
        transaction_type: str,
        description: str,
        now: datetime,
        *,
        admin_user_id: uuid.UUID | None = None,
        usage_log_id: uuid.UUID | None = None,
    ) -> tuple[int, uuid.UUID] | None:
        """(new balance, transaction id), or None when it would make the balance negative."""
        params = {
            "user_id": user_id,
            "delta": delta,
            "transaction_type": transaction_type,
            "description": description,
            "admin_user_id": admin_user_id,
            "usage_log_id": usage_log_id,
            "now": now,
        }
        row = (await self.session.execute(_ADJUST, params)).first()
        return (int(row.token_balance), row.transaction_id) if row else None

    async def purchase(self, **params: Any) -> tuple[uuid.UUID, int] | None:
        """(purchase id, new balance), or None when this payment intent was already credited."""
        row = (await self.session.execute(_PURCHASE, params)).first()
        return (row.purchase_id, int(row.token_balance)) if row else None

    async def usage_for_refund(
        self, user_id: uuid.UUID, log_id: uuid.UUID
    ) -> tuple[int, bool] | None:
        """(tokens_used, already refunded) of the user's own usage row."""
        row = (
            await self.session.execute(
                select(token_usage_logs.c.tokens_used, _REFUNDED.label("done")).where(
                    token_usage_logs.c.log_id == log_id, token_usage_logs.c.user_id == user_id
                )
            )
        ).first()
        return (int(row.tokens_used), bool(row.done)) if row else None

    async def insert_reservation(self, **params: Any) -> uuid.UUID:
        reservation_id: uuid.UUID = (
            await self.session.execute(
                token_reservations.insert()
                .values(
                    user_id=params["user_id"],
                    action_type=params["action_type"],
                    unit_tokens=params["unit_tokens"],
                    tokens_held=params["tokens_held"],
                    reference=params["reference"],
                    created_at=params["now"],
                )
                .returning(token_reservations.c.reservation_id)
            )
        ).scalar_one()
        return reservation_id

    async def lock_reservation(
        self, user_id: uuid.UUID, reservation_id: uuid.UUID
    ) -> Reservation | None:
        row = (
            await self.session.execute(
                select(
                    token_reservations.c.reservation_id,
                    token_reservations.c.user_id,
                    token_reservations.c.action_type,
                    token_reservations.c.unit_tokens,
                    token_reservations.c.tokens_held,
                    token_reservations.c.status,
                    token_reservations.c.reference,
                )
                .where(
                    token_reservations.c.reservation_id == reservation_id,
                    token_reservations.c.user_id == user_id,
                )
                .with_for_update()
            )
        ).first()
        return Reservation(**row._mapping) if row else None

    async def close_reservation(
        self, reservation_id: uuid.UUID, status: str, charged: int, now: datetime
    ) -> None:
        await self.session.execute(
            update(token_reservations)
            .where(
                token_reservations.c.reservation_id == reservation_id,
                token_reservations.c.status == _HELD,
            )
            .values(status=status, tokens_charged=charged, settled_at=now)
        )

    async def held_tokens(self, user_id: uuid.UUID) -> int:
        return int(await self.session.scalar(_HELD_TOKENS, {"user_id": user_id}) or 0)

    async def account(self, user_id: uuid.UUID) -> Account | None:
        """The account without locking it (for display)."""
        row = (await self.session.execute(_ACCOUNT, {"user_id": user_id})).first()
        if row is None:
            return None
        return _account(row)

    async def save_preferences(self, user_id: uuid.UUID, preferences: dict[str, Any]) -> None:
        # Serialized here, as before (not by the engine's JSON serializer), and cast to jsonb.
        prefs = bindparam("prefs", json.dumps(preferences), type_=String)
        await self.session.execute(
            update(users)
            .where(users.c.user_id == user_id)
            .values(token_preferences=cast(prefs, JSONB))
        )

    async def disable_auto_recharge(self, user_id: uuid.UUID) -> None:
        """Turn auto-recharge off, leaving the other preferences as they are."""
        await self.session.execute(
            update(users)
            .where(users.c.user_id == user_id)
            .values(
                token_preferences=func.coalesce(
                    users.c.token_preferences, literal_column("'{}'::jsonb", JSONB)
                ).concat(literal_column("""'{"auto_recharge": false}'::jsonb""", JSONB))
            )
        )

    async def set_suspended(self, user_id: uuid.UUID, at: datetime | None) -> None:
        # An ORM UPDATE: it also refreshes a User already loaded in this session.
        await self.session.execute(
            update(User).where(User.user_id == user_id).values(suspended_at=at)
        )
