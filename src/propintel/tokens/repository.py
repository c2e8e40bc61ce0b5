"""Every query of the token ledger. Balance changes are single guarded statements; callers that
need a read-then-decide (daily limit, settlement) first take the user's row lock with
``lock_account`` so the decision and the write see the same, latest state."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, text, update

from propintel.auth.models import User
from propintel.db.repository import Repository


@dataclass(frozen=True)
class Account:
    user_id: uuid.UUID
    balance: int
    suspended_at: datetime | None
    preferences: dict[str, Any]


@dataclass(frozen=True)
class Reservation:
    reservation_id: uuid.UUID
    user_id: uuid.UUID
    action_type: str
    unit_tokens: int
    tokens_held: int
    status: str
    reference: str | None


_LOCK_ACCOUNT = text(
    "SELECT user_id, COALESCE(token_balance, 0) AS balance, suspended_at, token_preferences "
    "FROM users WHERE user_id = :user_id FOR UPDATE"
)

# Tokens counted against the daily limit on [day_start, day_end): today's charges that were not
# refunded, plus every open hold (a hold is a promise to spend; settling it logs the usage).
_USED_TODAY = text(
    """
    SELECT
      (SELECT COALESCE(SUM(l.tokens_used), 0) FROM token_usage_logs l
        WHERE l.user_id = :user_id AND l.timestamp >= :day_start AND l.timestamp < :day_end
          AND NOT EXISTS (SELECT 1 FROM token_transactions t
                          WHERE t.usage_log_id = l.log_id AND t.transaction_type = 'refund'))
    + (SELECT COALESCE(SUM(tokens_held), 0) FROM token_reservations
        WHERE user_id = :user_id AND status = 'held')
    """
)

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

_COMPANY_POOL = text(
    "SELECT total_tokens, tokens_purchased, tokens_consumed, updated_at "
    "FROM company_token_pool ORDER BY updated_at LIMIT 1"
)


class TokenRepository(Repository):
    async def company_pool(self) -> RowMapping | None:
        return (await self.session.execute(_COMPANY_POOL)).mappings().first()

    async def lock_account(self, user_id: uuid.UUID) -> Account | None:
        row = (await self.session.execute(_LOCK_ACCOUNT, {"user_id": user_id})).first()
        if row is None:
            return None
        return Account(row.user_id, int(row.balance), row.suspended_at, row.token_preferences or {})

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
                text(
                    "SELECT l.tokens_used, EXISTS (SELECT 1 FROM token_transactions t "
                    "  WHERE t.usage_log_id = l.log_id AND t.transaction_type = 'refund') AS done "
                    "FROM token_usage_logs l WHERE l.log_id = :log_id AND l.user_id = :user_id"
                ),
                {"log_id": log_id, "user_id": user_id},
            )
        ).first()
        return (int(row.tokens_used), bool(row.done)) if row else None

    async def insert_reservation(self, **params: Any) -> uuid.UUID:
        reservation_id: uuid.UUID = (
            await self.session.execute(
                text(
                    "INSERT INTO token_reservations (user_id, action_type, unit_tokens, "
                    "tokens_held, reference, created_at) VALUES (:user_id, :action_type, "
                    ":unit_tokens, :tokens_held, :reference, :now) RETURNING reservation_id"
                ),
                params,
            )
        ).scalar_one()
        return reservation_id

    async def lock_reservation(
        self, user_id: uuid.UUID, reservation_id: uuid.UUID
    ) -> Reservation | None:
        row = (
            await self.session.execute(
                text(
                    "SELECT reservation_id, user_id, action_type, unit_tokens, tokens_held, "
                    "status, reference FROM token_reservations "
                    "WHERE reservation_id = :rid AND user_id = :user_id FOR UPDATE"
                ),
                {"rid": reservation_id, "user_id": user_id},
            )
        ).first()
        return Reservation(**row._mapping) if row else None

    async def close_reservation(
        self, reservation_id: uuid.UUID, status: str, charged: int, now: datetime
    ) -> None:
        await self.session.execute(
            text(
                "UPDATE token_reservations SET status = :status, tokens_charged = :charged, "
                "settled_at = :now WHERE reservation_id = :rid AND status = 'held'"
            ),
            {"rid": reservation_id, "status": status, "charged": charged, "now": now},
        )

    async def held_tokens(self, user_id: uuid.UUID) -> int:
        return int(
            await self.session.scalar(
                text(
                    "SELECT COALESCE(SUM(tokens_held), 0) FROM token_reservations "
                    "WHERE user_id = :user_id AND status = 'held'"
                ),
                {"user_id": user_id},
            )
            or 0
        )

    async def account(self, user_id: uuid.UUID) -> Account | None:
        """The account without locking it (for display)."""
        row = (
            await self.session.execute(
                text(
                    "SELECT user_id, COALESCE(token_balance, 0) AS balance, suspended_at, "
                    "token_preferences FROM users WHERE user_id = :user_id"
                ),
                {"user_id": user_id},
            )
        ).first()
        if row is None:
            return None
        return Account(row.user_id, int(row.balance), row.suspended_at, row.token_preferences or {})

    async def save_preferences(self, user_id: uuid.UUID, preferences: dict[str, Any]) -> None:
        await self.session.execute(
            text(
                "UPDATE users SET token_preferences = CAST(:prefs AS jsonb) "
                "WHERE user_id = :user_id"
            ),
            {"user_id": user_id, "prefs": json.dumps(preferences)},
        )

    async def disable_auto_recharge(self, user_id: uuid.UUID) -> None:
        """Turn auto-recharge off, leaving the other preferences as they are."""
        await self.session.execute(
            text(
                "UPDATE users SET token_preferences = COALESCE(token_preferences, '{}'::jsonb) "
                "|| '{\"auto_recharge\": false}'::jsonb WHERE user_id = :user_id"
            ),
            {"user_id": user_id},
        )

    async def set_suspended(self, user_id: uuid.UUID, at: datetime | None) -> None:
        # An ORM UPDATE: it also refreshes a User already loaded in this session.
        await self.session.execute(
            update(User).where(User.user_id == user_id).values(suspended_at=at)
        )
