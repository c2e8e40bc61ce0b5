"""Billing rules: checkouts of plans and bundles, plan changes and cancellation (asked of the
payment provider; our records follow its events), the billing overview, and charging the
auto-recharges the token ledger opens. Services take the session, flush and never commit."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.billing.repository import BillingRepository, StoredSubscription
from propintel.catalog import service as catalog
from propintel.integrations.payments import (
    BillingInterval,
    CheckoutItem,
    CheckoutRequest,
    CheckoutSession,
    PaymentProvider,
    PaymentUnavailable,
)
from propintel.kit.errors import Conflict, Invalid, NotFound
from propintel.kit.i18n import _
from propintel.tokens import service as tokens

LIVE = ("active", "trialing", "past_due")
INVOICES_SHOWN = 12


@dataclass(frozen=True)
class Subscription:
    """A stored subscription with the name of its plan."""

    subscription_id: str
    user_id: uuid.UUID
    plan_id: uuid.UUID | None
    plan_name: str | None
    billing_interval: str
    status: str
    current_period_end: datetime | None
    cancel_at_period_end: bool


@dataclass(frozen=True)
class InvoiceLine:
    invoice_id: str
    plan_name: str | None
    amount_paid: Decimal
    tokens_granted: int
    paid_at: datetime


@dataclass(frozen=True)
class BillingOverview:
    subscription: Subscription | None
    plans: list[catalog.Plan]
    invoices: list[InvoiceLine]
    latest_recharge: tokens.Recharge | None


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


async def _named(session: AsyncSession, stored: StoredSubscription | None) -> Subscription | None:
    if stored is None:
        return None
    plan = (
        await catalog.plan(session, stored.plan_id, active_only=False) if stored.plan_id else None
    )
    return Subscription(**asdict(stored), plan_name=plan.plan_name if plan else None)


async def current_subscription(session: AsyncSession, user_id: uuid.UUID) -> Subscription | None:
    """The user's subscription that counts: a live one first, else the latest."""
    stored = await BillingRepository.from_session(session).current_subscription(user_id)
    return await _named(session, stored)


async def _customer(session: AsyncSession, provider: PaymentProvider, user: User) -> str:
    """The user's provider customer, created once (the idempotency key makes a retry safe)."""
    repo = BillingRepository.from_session(session)
    existing = await repo.customer_id(user.user_id)
    if existing:
        return existing
    customer = await provider.create_customer(
        user.email, str(user.user_id), f"customer-{user.user_id}"
    )
    await repo.set_customer_id(user.user_id, customer)
    return customer


async def overview(session: AsyncSession, user: User) -> BillingOverview:
    """The plan page: the subscription that counts, the plans on sale, the latest invoices and
    how the latest auto-recharge went."""
    invoices = await BillingRepository.from_session(session).invoices(user.user_id, INVOICES_SHOWN)
    plans = await catalog.plans_by_id(session, {i.plan_id for i in invoices if i.plan_id})
    return BillingOverview(
        subscription=await current_subscription(session, user.user_id),
        plans=await catalog.active_plans(session),
        invoices=[
            InvoiceLine(
                invoice_id=invoice.invoice_id,
                plan_name=plans[invoice.plan_id].plan_name if invoice.plan_id in plans else None,
                amount_paid=invoice.amount_paid,
                tokens_granted=invoice.tokens_granted,
                paid_at=invoice.paid_at,
            )
            for invoice in invoices
        ],
        latest_recharge=await tokens.latest_recharge(session, user.user_id),
    )


async def checkout_bundle(
    session: AsyncSession,
    provider: PaymentProvider,
    user: User,
    bundle_id: uuid.UUID,
    base_url: str,
) -> CheckoutSession:
    bundle = await catalog.bundle(session, bundle_id)
    if bundle is None:
        raise NotFound(_("No such credit bundle."))
    metadata = {
        "kind": "bundle",
        "bundle_id": str(bundle.bundle_id),
        "tokens": str(bundle.token_amount),
        "user_id": str(user.user_id),
    }
    return await provider.create_checkout(
        CheckoutRequest(
            mode="payment",
            item=CheckoutItem(bundle.bundle_name, _cents(bundle.price), bundle.stripe_price_id),
            customer_id=await _customer(session, provider, user),
            client_reference_id=str(user.user_id),
            metadata=metadata,
            success_url=f"{base_url}/billing/credits?checkout=paid",
            cancel_url=f"{base_url}/billing/credits?checkout=cancelled",
            idempotency_key=f"checkout-{uuid.uuid4()}",
        )
    )


def _plan_item(plan: catalog.Plan, interval: BillingInterval) -> CheckoutItem:
    if interval == "year":
        if plan.yearly_price is None:
            raise Invalid(
                _("The {plan} plan has no yearly price.").format(plan=plan.plan_name),
                field="interval",
            )
        return CheckoutItem(f"{plan.plan_name} (yearly)", _cents(plan.yearly_price), None, "year")
    return CheckoutItem(
        f"{plan.plan_name} (monthly)", _cents(plan.monthly_price), plan.stripe_price_id, "month"
    )


async def _active_plan(session: AsyncSession, plan_id: uuid.UUID) -> catalog.Plan:
    plan = await catalog.plan(session, plan_id)
    if plan is None:
        raise NotFound(_("No such plan."))
    return plan


async def checkout_subscription(
    session: AsyncSession,
    provider: PaymentProvider,
    user: User,
    plan_id: uuid.UUID,
    interval: BillingInterval,
    base_url: str,
) -> CheckoutSession:
    current = await BillingRepository.from_session(session).current_subscription(user.user_id)
    if current is not None and current.status in LIVE:
        raise Conflict(_("You already have a plan: change it instead of subscribing again."))
    plan = await _active_plan(session, plan_id)
    metadata = {"user_id": str(user.user_id), "plan_id": str(plan.plan_id), "interval": interval}
    return await provider.create_checkout(
        CheckoutRequest(
            mode="subscription",
            item=_plan_item(plan, interval),
            customer_id=await _customer(session, provider, user),
            client_reference_id=str(user.user_id),
            metadata={**metadata, "kind": "subscription"},
            subscription_metadata=metadata,
            success_url=f"{base_url}/billing?checkout=paid",
            cancel_url=f"{base_url}/billing?checkout=cancelled",
            idempotency_key=f"checkout-{uuid.uuid4()}",
        )
    )


async def _live_subscription(session: AsyncSession, user: User) -> StoredSubscription:
    current = await BillingRepository.from_session(session).current_subscription(user.user_id)
    if current is None or current.status not in LIVE:
        raise Conflict(_("You have no active plan."))
    return current


async def change_plan(
    session: AsyncSession, provider: PaymentProvider, user: User, plan_id: uuid.UUID
) -> None:
    """Switch to another plan on the same billing interval (prorated by the provider)."""
    current = await _live_subscription(session, user)
    plan = await _active_plan(session, plan_id)
    if plan.plan_id == current.plan_id:
        raise Conflict(_("You are already on the {plan} plan.").format(plan=plan.plan_name))
    interval: BillingInterval = "year" if current.billing_interval == "year" else "month"
    metadata = {"user_id": str(user.user_id), "plan_id": str(plan.plan_id), "interval": interval}
    await provider.change_subscription_plan(
        current.subscription_id, _plan_item(plan, interval), metadata
    )


async def set_cancel_at_period_end(
    session: AsyncSession, provider: PaymentProvider, user: User, cancel: bool
) -> None:
    """Cancel at the end of the paid period (access continues until then), or undo that."""
    current = await _live_subscription(session, user)
    await provider.set_cancel_at_period_end(current.subscription_id, cancel)


async def run_recharge(
    session: AsyncSession, provider: PaymentProvider, recharge_id: uuid.UUID
) -> str:
    """Charge the saved card for a pending recharge, once: the idempotency key is the recharge's
    id, so a retried job gets the provider's first answer. A decline (or no card) turns
    auto-recharge off; the user sees why on the billing and token pages. A provider outage
    ends the recharge as failed, so it never stays pending (which would block every later one)."""
    recharge = await tokens.lock_recharge(session, recharge_id)
    if recharge is None or recharge.status != "pending":
        return "nothing to do"
    customer = await BillingRepository.from_session(session).customer_id(recharge.user_id)
    metadata = {"kind": "recharge", "recharge_id": str(recharge_id), "tokens": str(recharge.tokens)}
    try:
        result = (
            await provider.charge_saved_card(
                customer, _cents(recharge.amount), metadata, f"recharge-{recharge_id}"
            )
            if customer
            else None
        )
    except PaymentUnavailable as error:
        # Not the card's fault: auto-recharge stays on, and the next spend under the threshold
        # opens a new recharge.
        await tokens.finish_recharge(
            session, recharge_id, "failed", None, f"Payment provider error: {error}"
        )
        return f"failed: {error}"
    if result is None or not result.succeeded:
        message = result.failure_message if result else "No saved card on file."
        intent = result.payment_intent_id if result else None
        await tokens.finish_recharge(session, recharge_id, "declined", intent, message)
        await tokens.disable_auto_recharge(session, recharge.user_id)
        return f"declined: {message}"
    await tokens.credit_purchase(
        session, recharge.user_id, recharge.tokens, recharge.amount, result.payment_intent_id
    )
    await tokens.finish_recharge(session, recharge_id, "succeeded", result.payment_intent_id, None)
    return f"recharged {recharge.tokens} tokens"
