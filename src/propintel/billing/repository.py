"""The queries of billing's own records: customers, subscriptions, invoices.
Idempotency lives in the statements: the invoices' primary key, the subscriptions' event-time
guard. Webhook events are the inbox's (``inbox.service``), plans and bundles the catalog's (its
service), the recharges the token ledger's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Executable, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert

from propintel.billing.tables import (
    billing_invoices,
    billing_subscriptions,
    users,
)
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
class Invoice:
    invoice_id: str
    plan_id: uuid.UUID | None
    amount_paid: Decimal
    tokens_granted: int
    paid_at: datetime


_SUBSCRIPTION_COLUMNS = (
    billing_subscriptions.c.subscription_id,
    billing_subscriptions.c.user_id,
    billing_subscriptions.c.plan_id,
    billing_subscriptions.c.billing_interval,
    billing_subscriptions.c.status,
    billing_subscriptions.c.current_period_end,
    billing_subscriptions.c.cancel_at_period_end,
)
_LIVE_STATUSES = ("active", "trialing", "past_due")


class BillingRepository(Repository):
    async def _rows(self, statement: Executable) -> list[Any]:
        return list((await self.session.execute(statement)).all())

    # --- customers -------------------------------------------------------------------------
    async def customer_id(self, user_id: uuid.UUID) -> str | None:
        rows = await self._rows(
            select(users.c.stripe_customer_id).where(users.c.user_id == user_id)
        )
        return rows[0].stripe_customer_id if rows else None

    async def set_customer_id(self, user_id: uuid.UUID, customer_id: str) -> None:
        """Record the provider's customer (first one wins: a late event never replaces it)."""
        await self.session.execute(
            update(users)
            .where(users.c.user_id == user_id, users.c.stripe_customer_id.is_(None))
            .values(stripe_customer_id=customer_id)
        )

    async def user_by_customer(self, customer_id: str) -> uuid.UUID | None:
        rows = await self._rows(
            select(users.c.user_id).where(users.c.stripe_customer_id == customer_id)
        )
        return rows[0].user_id if rows else None

    async def user_exists(self, user_id: uuid.UUID) -> bool:
        return bool(await self._rows(select(users.c.user_id).where(users.c.user_id == user_id)))

    # --- subscriptions ---------------------------------------------------------------------
    async def upsert_subscription(self, *, authoritative: bool = True, **values: Any) -> bool:
        """Store the subscription as an event shows it; False when a newer state is stored.
        ``authoritative=False`` only creates the row (a checkout's view, not a subscription's)."""
        statement = insert(billing_subscriptions).values(
            subscription_id=values["subscription_id"],
            user_id=values["user_id"],
            plan_id=values["plan_id"],
            billing_interval=values["billing_interval"],
            status=values["status"],
            current_period_end=values["current_period_end"],
            cancel_at_period_end=values["cancel_at_period_end"],
            last_event_created=values["event_created"],
            updated_at=func.now(),
        )
        stored, new = billing_subscriptions.c, statement.excluded
        # A subscription event applies only if it is not older than the one that set the stored
        # state, and a cancelled subscription stays cancelled (Stripe never revives one).
        statement = statement.on_conflict_do_update(
            index_elements=[stored.subscription_id],
            set_={
                "plan_id": func.coalesce(new.plan_id, stored.plan_id),
                "billing_interval": new.billing_interval,
                "status": new.status,
                "current_period_end": func.coalesce(
                    new.current_period_end, stored.current_period_end
                ),
                "cancel_at_period_end": new.cancel_at_period_end,
                "last_event_created": new.last_event_created,
                "updated_at": func.now(),
            },
            where=(stored.last_event_created <= new.last_event_created)
            & (stored.status != "canceled")
            & literal(authoritative),
        )
        return bool(await self._rows(statement.returning(stored.subscription_id)))

    async def subscription(self, subscription_id: str) -> StoredSubscription | None:
        rows = await self._rows(
            select(*_SUBSCRIPTION_COLUMNS).where(
                billing_subscriptions.c.subscription_id == subscription_id
            )
        )
        return StoredSubscription(**rows[0]._mapping) if rows else None

    async def current_subscription(self, user_id: uuid.UUID) -> StoredSubscription | None:
        """The user's subscription that counts: a live one first, else the latest."""
        rows = await self._rows(
            select(*_SUBSCRIPTION_COLUMNS)
            .where(billing_subscriptions.c.user_id == user_id)
            .order_by(
                billing_subscriptions.c.status.in_(_LIVE_STATUSES).desc(),
                billing_subscriptions.c.last_event_created.desc(),
            )
            .limit(1)
        )
        return StoredSubscription(**rows[0]._mapping) if rows else None

    async def set_user_plan(self, user_id: uuid.UUID, tier: str, status: str) -> None:
        await self.session.execute(
            update(users)
            .where(users.c.user_id == user_id)
            .values(subscription_tier=tier, subscription_status=status)
        )

    # --- invoices --------------------------------------------------------------------------
    async def record_invoice(self, **values: Any) -> bool:
        """False when this invoice was already recorded (its allowance already granted)."""
        rows = await self._rows(
            insert(billing_invoices)
            .values(
                invoice_id=values["invoice_id"],
                user_id=values["user_id"],
                subscription_id=values["subscription_id"],
                plan_id=values["plan_id"],
                amount_paid=values["amount_paid"],
                tokens_granted=values["tokens_granted"],
                paid_at=values["paid_at"],
            )
            .on_conflict_do_nothing(index_elements=[billing_invoices.c.invoice_id])
            .returning(billing_invoices.c.invoice_id)
        )
        return bool(rows)

    async def link_invoice_transaction(self, invoice_id: str, transaction_id: uuid.UUID) -> None:
        await self.session.execute(
            update(billing_invoices)
            .where(billing_invoices.c.invoice_id == invoice_id)
            .values(transaction_id=transaction_id)
        )

    async def invoices(self, user_id: uuid.UUID, limit: int) -> list[Invoice]:
        """The user's latest ``limit`` invoices, newest first."""
        rows = await self._rows(
            select(
                billing_invoices.c.invoice_id,
                billing_invoices.c.plan_id,
                billing_invoices.c.amount_paid,
                billing_invoices.c.tokens_granted,
                billing_invoices.c.paid_at,
            )
            .where(billing_invoices.c.user_id == user_id)
            .order_by(billing_invoices.c.paid_at.desc())
            .limit(limit)
        )
        return [Invoice(**row._mapping) for row in rows]
