"""Every query of the billing domain. Idempotency lives in the statements: the inbox's unique
(source, event id), the invoices' primary key, the subscriptions' event-time guard, the one pending
recharge per user."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from propintel.db.repository import Repository


@dataclass(frozen=True)
class Plan:
    plan_id: uuid.UUID
    plan_name: str
    monthly_price: Decimal
    yearly_price: Decimal | None
    base_tokens_monthly: int
    features: dict[str, Any]
    stripe_price_id: str | None


@dataclass(frozen=True)
class Bundle:
    bundle_id: uuid.UUID
    bundle_name: str
    token_amount: int
    price: Decimal
    stripe_price_id: str | None


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    user_id: uuid.UUID
    plan_id: uuid.UUID | None
    plan_name: str | None
    billing_interval: str
    status: str
    current_period_end: datetime | None
    cancel_at_period_end: bool


@dataclass(frozen=True)
class StoredEvent:
    event_pk: uuid.UUID
    event_id: str
    event_type: str
    event_created: datetime
    payload: dict[str, Any]
    processed_at: datetime | None


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


_PLAN_COLUMNS = (
    "plan_id, plan_name, monthly_price, yearly_price, COALESCE(base_tokens_monthly, 0) AS "
    "base_tokens_monthly, COALESCE(features, '{}'::jsonb) AS features, stripe_price_id"
)
_SUBSCRIPTION_COLUMNS = (
    "s.subscription_id, s.user_id, s.plan_id, p.plan_name, s.billing_interval, s.status, "
    "s.current_period_end, s.cancel_at_period_end"
)

# A subscription event applies only if it is not older than the one that set the stored state,
# and a cancelled subscription stays cancelled (Stripe never revives one).
_UPSERT_SUBSCRIPTION = text(
    """
    INSERT INTO billing_subscriptions AS s (subscription_id, user_id, plan_id, billing_interval,
      status, current_period_end, cancel_at_period_end, last_event_created, updated_at)
    VALUES (:subscription_id, :user_id, :plan_id, :billing_interval, :status,
      :current_period_end, :cancel_at_period_end, :event_created, now())
    ON CONFLICT (subscription_id) DO UPDATE SET
      plan_id = COALESCE(EXCLUDED.plan_id, s.plan_id),
      billing_interval = EXCLUDED.billing_interval, status = EXCLUDED.status,
      current_period_end = COALESCE(EXCLUDED.current_period_end, s.current_period_end),
      cancel_at_period_end = EXCLUDED.cancel_at_period_end,
      last_event_created = EXCLUDED.last_event_created, updated_at = now()
    WHERE s.last_event_created <= EXCLUDED.last_event_created AND s.status <> 'canceled'
      AND :authoritative
    RETURNING subscription_id
    """
)


class BillingRepository(Repository):
    async def _rows(self, sql: str, **params: Any) -> list[Any]:
        return list((await self.session.execute(text(sql), params)).all())

    # --- catalogue -------------------------------------------------------------------------
    async def active_plans(self) -> list[Plan]:
        rows = await self._rows(
            f"SELECT {_PLAN_COLUMNS} FROM subscription_plans WHERE is_active IS NOT FALSE "
            "ORDER BY monthly_price, plan_name"
        )
        return [Plan(**row._mapping) for row in rows]

    async def plan(self, plan_id: uuid.UUID, *, active_only: bool = True) -> Plan | None:
        rows = await self._rows(
            f"SELECT {_PLAN_COLUMNS} FROM subscription_plans WHERE plan_id = :plan_id"
            + (" AND is_active IS NOT FALSE" if active_only else ""),
            plan_id=plan_id,
        )
        return Plan(**rows[0]._mapping) if rows else None

    async def active_bundles(self) -> list[Bundle]:
        rows = await self._rows(
            "SELECT bundle_id, COALESCE(bundle_name, token_amount || ' credits') AS bundle_name, "
            "token_amount, price, stripe_price_id FROM token_bundles "
            "WHERE is_active IS NOT FALSE ORDER BY token_amount"
        )
        return [Bundle(**row._mapping) for row in rows]

    async def bundle(self, bundle_id: uuid.UUID) -> Bundle | None:
        return next((b for b in await self.active_bundles() if b.bundle_id == bundle_id), None)

    # --- customers -------------------------------------------------------------------------
    async def customer_id(self, user_id: uuid.UUID) -> str | None:
        rows = await self._rows(
            "SELECT stripe_customer_id FROM users WHERE user_id = :user_id", user_id=user_id
        )
        return rows[0].stripe_customer_id if rows else None

    async def set_customer_id(self, user_id: uuid.UUID, customer_id: str) -> None:
        """Record the provider's customer (first one wins: a late event never replaces it)."""
        await self.session.execute(
            text(
                "UPDATE users SET stripe_customer_id = :customer_id "
                "WHERE user_id = :user_id AND stripe_customer_id IS NULL"
            ),
            {"user_id": user_id, "customer_id": customer_id},
        )

    async def user_by_customer(self, customer_id: str) -> uuid.UUID | None:
        rows = await self._rows(
            "SELECT user_id FROM users WHERE stripe_customer_id = :customer_id",
            customer_id=customer_id,
        )
        return rows[0].user_id if rows else None

    async def user_exists(self, user_id: uuid.UUID) -> bool:
        return bool(await self._rows("SELECT 1 FROM users WHERE user_id = :u", u=user_id))

    # --- inbox -----------------------------------------------------------------------------
    async def store_event(
        self, source: str, event_id: str, event_type: str, created: datetime, payload: str
    ) -> uuid.UUID | None:
        """The event's row id if it is new; None when this event was already received."""
        rows = await self._rows(
            "INSERT INTO billing_events (source, event_id, event_type, event_created, payload) "
            "VALUES (:source, :event_id, :event_type, :created, CAST(:payload AS jsonb)) "
            "ON CONFLICT (source, event_id) DO NOTHING RETURNING event_pk",
            source=source,
            event_id=event_id,
            event_type=event_type,
            created=created,
            payload=payload,
        )
        return rows[0].event_pk if rows else None

    async def lock_event(self, event_pk: uuid.UUID) -> StoredEvent | None:
        rows = await self._rows(
            "SELECT event_pk, event_id, event_type, event_created, payload, processed_at "
            "FROM billing_events WHERE event_pk = :event_pk FOR UPDATE",
            event_pk=event_pk,
        )
        return StoredEvent(**rows[0]._mapping) if rows else None

    async def mark_processed(self, event_pk: uuid.UUID, outcome: str) -> None:
        await self.session.execute(
            text(
                "UPDATE billing_events SET processed_at = now(), outcome = :outcome, "
                "attempts = attempts + 1 WHERE event_pk = :event_pk"
            ),
            {"event_pk": event_pk, "outcome": outcome},
        )

    # --- subscriptions ---------------------------------------------------------------------
    async def upsert_subscription(self, *, authoritative: bool = True, **values: Any) -> bool:
        """Store the subscription as an event shows it; False when a newer state is stored.
        ``authoritative=False`` only creates the row (a checkout's view, not a subscription's)."""
        rows = (
            await self.session.execute(
                _UPSERT_SUBSCRIPTION, {**values, "authoritative": authoritative}
            )
        ).all()
        return bool(rows)

    async def subscription(self, subscription_id: str) -> Subscription | None:
        rows = await self._rows(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM billing_subscriptions s "
            "LEFT JOIN subscription_plans p USING (plan_id) "
            "WHERE s.subscription_id = :subscription_id",
            subscription_id=subscription_id,
        )
        return Subscription(**rows[0]._mapping) if rows else None

    async def current_subscription(self, user_id: uuid.UUID) -> Subscription | None:
        """The user's subscription that counts: a live one first, else the latest."""
        rows = await self._rows(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM billing_subscriptions s "
            "LEFT JOIN subscription_plans p USING (plan_id) WHERE s.user_id = :user_id "
            "ORDER BY (s.status IN ('active', 'trialing', 'past_due')) DESC, "
            "s.last_event_created DESC LIMIT 1",
            user_id=user_id,
        )
        return Subscription(**rows[0]._mapping) if rows else None

    async def set_user_plan(self, user_id: uuid.UUID, tier: str, status: str) -> None:
        await self.session.execute(
            text(
                "UPDATE users SET subscription_tier = :tier, subscription_status = :status "
                "WHERE user_id = :user_id"
            ),
            {"user_id": user_id, "tier": tier, "status": status},
        )

    # --- invoices --------------------------------------------------------------------------
    async def record_invoice(self, **values: Any) -> bool:
        """False when this invoice was already recorded (its allowance already granted)."""
        rows = await self._rows(
            "INSERT INTO billing_invoices (invoice_id, user_id, subscription_id, plan_id, "
            "amount_paid, tokens_granted, paid_at) VALUES (:invoice_id, :user_id, "
            ":subscription_id, :plan_id, :amount_paid, :tokens_granted, :paid_at) "
            "ON CONFLICT (invoice_id) DO NOTHING RETURNING invoice_id",
            **values,
        )
        return bool(rows)

    async def link_invoice_transaction(self, invoice_id: str, transaction_id: uuid.UUID) -> None:
        await self.session.execute(
            text("UPDATE billing_invoices SET transaction_id = :t WHERE invoice_id = :i"),
            {"t": transaction_id, "i": invoice_id},
        )

    async def invoices(self, user_id: uuid.UUID, limit: int = 12) -> list[Any]:
        return await self._rows(
            "SELECT i.invoice_id, i.amount_paid, i.tokens_granted, i.paid_at, p.plan_name "
            "FROM billing_invoices i LEFT JOIN subscription_plans p USING (plan_id) "
            "WHERE i.user_id = :user_id ORDER BY i.paid_at DESC LIMIT :limit",
            user_id=user_id,
            limit=limit,
        )

    # --- recharges -------------------------------------------------------------------------
    async def open_recharge(
        self, user_id: uuid.UUID, tokens: int, amount: Decimal
    ) -> uuid.UUID | None:
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

    async def lock_recharge(self, recharge_id: uuid.UUID) -> Recharge | None:
        rows = await self._rows(
            "SELECT recharge_id, user_id, tokens, amount, status, payment_intent_id, "
            "failure_message, created_at, finished_at FROM billing_recharges "
            "WHERE recharge_id = :recharge_id FOR UPDATE",
            recharge_id=recharge_id,
        )
        return Recharge(**rows[0]._mapping) if rows else None

    async def finish_recharge(
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

    async def latest_recharge(self, user_id: uuid.UUID) -> Recharge | None:
        rows = await self._rows(
            "SELECT recharge_id, user_id, tokens, amount, status, payment_intent_id, "
            "failure_message, created_at, finished_at FROM billing_recharges "
            "WHERE user_id = :user_id ORDER BY created_at DESC LIMIT 1",
            user_id=user_id,
        )
        return Recharge(**rows[0]._mapping) if rows else None

    async def disable_auto_recharge(self, user_id: uuid.UUID) -> None:
        await self.session.execute(
            text(
                "UPDATE users SET token_preferences = COALESCE(token_preferences, '{}'::jsonb) "
                "|| '{\"auto_recharge\": false}'::jsonb WHERE user_id = :user_id"
            ),
            {"user_id": user_id},
        )
