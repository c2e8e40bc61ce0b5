"""What each Stripe event does. Every handler is idempotent and order-independent: purchases are
credited once per payment intent, allowances once per invoice, and a subscription's state only
moves forward in event time (``repository._UPSERT_SUBSCRIPTION``)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.billing.repository import BillingRepository
from propintel.billing.service import current_subscription
from propintel.catalog import service as catalog
from propintel.inbox import service as inbox
from propintel.inbox.service import StoredEvent
from propintel.kit.clock import NEW_YORK, now_new_york
from propintel.tokens import service as tokens

# Stripe's subscription status → users.subscription_status (None: leaves the user as is).
# past_due keeps access while Stripe retries the card; it ends with `canceled` or `unpaid`.
USER_STATUS: dict[str, str | None] = {
    "active": "active",
    "trialing": "trialing",
    "past_due": "active",
    "canceled": "cancelled",
    "unpaid": "expired",
    "incomplete_expired": "expired",
    "paused": "expired",
    "incomplete": None,
}
LIVE_STATUSES = ("active", "trialing")
# A checkout's own view of a subscription yields to any subscription event (see upsert).
BEFORE_ANY_EVENT = datetime(1970, 1, 1)

Obj = dict[str, Any]


def _as_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, UTC).astimezone(NEW_YORK).replace(tzinfo=None)


def _cents(value: object) -> Decimal:
    """Stripe's integer cents as dollars."""
    cents = value if isinstance(value, int) else 0
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


async def _user_of(repo: BillingRepository, metadata: Obj, customer: object) -> uuid.UUID | None:
    """Our user: from the metadata we attached, else from the provider's customer id."""
    user_id = _as_uuid(metadata.get("user_id"))
    if user_id is not None and await repo.user_exists(user_id):
        return user_id
    return await repo.user_by_customer(str(customer)) if customer else None


async def _plan_of(session: AsyncSession, metadata: Obj, price_id: object) -> catalog.Plan | None:
    plan_id = _as_uuid(metadata.get("plan_id"))
    if plan_id is not None:
        return await catalog.plan(session, plan_id, active_only=False)
    plans = await catalog.active_plans(session)
    return next((p for p in plans if price_id and p.stripe_price_id == price_id), None)


async def sync_user_plan(session: AsyncSession, user_id: uuid.UUID) -> None:
    """users.subscription_tier / _status from the user's subscription that counts."""
    current = await current_subscription(session, user_id)
    if current is None:
        return
    status = USER_STATUS.get(current.status)
    if status is None:
        return
    tier = current.plan_name if status in LIVE_STATUSES and current.plan_name else "none"
    await BillingRepository.from_session(session).set_user_plan(user_id, tier, status)


async def on_checkout_completed(session: AsyncSession, obj: Obj, created: datetime) -> str:
    repo = BillingRepository.from_session(session)
    user_id = _as_uuid(obj.get("client_reference_id"))
    if user_id is None or not await repo.user_exists(user_id):
        return "ignored: no user of ours"
    if obj.get("customer"):
        await repo.set_customer_id(user_id, str(obj["customer"]))
    if obj.get("payment_status") not in ("paid", "no_payment_required"):
        return "ignored: not paid"
    metadata = obj.get("metadata") or {}
    if obj.get("mode") == "payment" and metadata.get("kind") == "bundle":
        return await _credit_bundle(session, user_id, obj, metadata)
    if obj.get("mode") == "subscription" and obj.get("subscription"):
        plan = await _plan_of(session, metadata, None)
        await repo.upsert_subscription(
            authoritative=False,
            subscription_id=str(obj["subscription"]),
            user_id=user_id,
            plan_id=plan.plan_id if plan else None,
            billing_interval=metadata.get("interval", "month"),
            status="active",
            current_period_end=None,
            cancel_at_period_end=False,
            event_created=BEFORE_ANY_EVENT,
        )
        await sync_user_plan(session, user_id)
        return f"subscription {obj['subscription']} started"
    return "ignored: unknown checkout"


async def _credit_bundle(session: AsyncSession, user_id: uuid.UUID, obj: Obj, metadata: Obj) -> str:
    count = int(metadata.get("tokens", 0))
    payment = str(obj.get("payment_intent") or f"checkout:{obj['id']}")
    balance = await tokens.credit_purchase(
        session, user_id, count, _cents(obj.get("amount_total")), payment
    )
    return f"credited {count} tokens" if balance is not None else "already credited"


async def on_subscription_changed(session: AsyncSession, obj: Obj, created: datetime) -> str:
    repo = BillingRepository.from_session(session)
    metadata = obj.get("metadata") or {}
    user_id = await _user_of(repo, metadata, obj.get("customer"))
    if user_id is None:
        return "ignored: no user of ours"
    item = ((obj.get("items") or {}).get("data") or [{}])[0]
    price = item.get("price") or {}
    plan = await _plan_of(session, metadata, price.get("id"))
    interval = (price.get("recurring") or {}).get("interval") or metadata.get("interval", "month")
    applied = await repo.upsert_subscription(
        subscription_id=str(obj["id"]),
        user_id=user_id,
        plan_id=plan.plan_id if plan else None,
        billing_interval=interval if interval in ("month", "year") else "month",
        status=str(obj.get("status", "incomplete")),
        current_period_end=_timestamp(
            item.get("current_period_end") or obj.get("current_period_end")
        ),
        cancel_at_period_end=bool(obj.get("cancel_at_period_end")),
        event_created=created,
    )
    if not applied:
        return "ignored: a newer state is stored"
    await sync_user_plan(session, user_id)
    return f"subscription {obj['id']} is {obj.get('status')}"


async def on_invoice_paid(session: AsyncSession, obj: Obj, created: datetime) -> str:
    repo = BillingRepository.from_session(session)
    details = (obj.get("parent") or {}).get("subscription_details") or {}
    subscription_id = details.get("subscription") or obj.get("subscription")
    if not subscription_id:
        return "ignored: not a subscription invoice"
    metadata = details.get("metadata") or {}
    stored = await repo.subscription(str(subscription_id))
    user_id = await _user_of(repo, metadata, obj.get("customer")) or (
        stored.user_id if stored else None
    )
    plan = await _plan_of(session, metadata, None) or (
        await catalog.plan(session, stored.plan_id, active_only=False)
        if stored and stored.plan_id
        else None
    )
    if user_id is None or plan is None:
        raise LookupError(f"invoice {obj.get('id')}: its user or plan is not known yet")
    interval = metadata.get("interval") or (stored.billing_interval if stored else "month")
    allowance = plan.base_tokens_monthly * (12 if interval == "year" else 1)
    return await _grant_allowance(session, obj, str(subscription_id), user_id, plan, allowance)


async def _grant_allowance(
    session: AsyncSession,
    obj: Obj,
    subscription_id: str,
    user_id: uuid.UUID,
    plan: catalog.Plan,
    allowance: int,
) -> str:
    repo = BillingRepository.from_session(session)
    invoice_id = str(obj["id"])
    recorded = await repo.record_invoice(
        invoice_id=invoice_id,
        user_id=user_id,
        subscription_id=subscription_id,
        plan_id=plan.plan_id,
        amount_paid=_cents(obj.get("amount_paid")),
        tokens_granted=allowance,
        paid_at=_timestamp(obj.get("status_transitions", {}).get("paid_at")) or now_new_york(),
    )
    if not recorded:
        return "already granted"
    if allowance > 0:
        description = f"{plan.plan_name} plan allowance (invoice {invoice_id})"
        granted = await tokens.grant_plan_allowance(session, user_id, allowance, description)
        if granted is not None:
            await repo.link_invoice_transaction(invoice_id, granted)
    return f"granted {allowance} tokens"


Handler = Callable[[AsyncSession, Obj, datetime], Awaitable[str]]
HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": on_checkout_completed,
    "customer.subscription.created": on_subscription_changed,
    "customer.subscription.updated": on_subscription_changed,
    "customer.subscription.deleted": on_subscription_changed,
    "invoice.paid": on_invoice_paid,
}


async def _handle_stripe_event(session: AsyncSession, event: StoredEvent) -> str:
    handler = HANDLERS.get(event.event_type)
    data = (event.payload.get("data") or {}).get("object") or {}
    if handler is None:
        return f"ignored: {event.event_type} is not handled"
    return await handler(session, data, event.event_created)


async def handle_event(session: AsyncSession, event_pk: uuid.UUID) -> str:
    """Handle one stored Stripe event once (the inbox's ``handle``)."""
    return await inbox.handle(session, event_pk, _handle_stripe_event)
