"""The queries of billing's own records: customers, the webhook inbox, subscriptions, invoices.
Idempotency lives in the statements: the inbox's unique (source, event id), the invoices' primary
key, the subscriptions' event-time guard. Plans and bundles are the catalog's (its service), the
recharges the token ledger's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from propintel.db.repository import Repository


@dataclass(frozen=True)
class StoredSubscription:
    subscription_id: str
    user_id: uuid.UUID
    plan_id: uuid.UUID | None
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
class Invoice:
    invoice_id: str
    plan_id: uuid.UUID | None
    amount_paid: Decimal
    tokens_granted: int
    paid_at: datetime


_SUBSCRIPTION_COLUMNS = (
    "subscription_id, user_id, plan_id, billing_interval, status, current_period_end, "
    "cancel_at_period_end"
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

    async def subscription(self, subscription_id: str) -> StoredSubscription | None:
        rows = await self._rows(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM billing_subscriptions "
            "WHERE subscription_id = :subscription_id",
            subscription_id=subscription_id,
        )
        return StoredSubscription(**rows[0]._mapping) if rows else None

    async def current_subscription(self, user_id: uuid.UUID) -> StoredSubscription | None:
        """The user's subscription that counts: a live one first, else the latest."""
        rows = await self._rows(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM billing_subscriptions WHERE user_id = :user_id "
            "ORDER BY (status IN ('active', 'trialing', 'past_due')) DESC, "
            "last_event_created DESC LIMIT 1",
            user_id=user_id,
        )
        return StoredSubscription(**rows[0]._mapping) if rows else None

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

    async def invoices(self, user_id: uuid.UUID, limit: int) -> list[Invoice]:
        """The user's latest ``limit`` invoices, newest first."""
        rows = await self._rows(
            "SELECT invoice_id, plan_id, amount_paid, tokens_granted, paid_at "
            "FROM billing_invoices WHERE user_id = :user_id ORDER BY paid_at DESC LIMIT :limit",
            user_id=user_id,
            limit=limit,
        )
        return [Invoice(**row._mapping) for row in rows]
