"""Subscriber billing: start a Checkout for a bundle or a plan, change plan, cancel or resume at
period end, and the auto-recharge that charges a saved card. The provider's events (webhooks)
change our records; these calls only ask the provider."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.billing.repository import BillingRepository, Plan, Recharge, Subscription
from propintel.integrations.payments import (
    BillingInterval,
    CheckoutItem,
    CheckoutRequest,
    CheckoutSession,
    PaymentProvider,
    PaymentUnavailable,
)
from propintel.kit.errors import Conflict, Invalid, NotFound
from propintel.tokens.repository import TokenRepository
from propintel.tokens.service import credit_purchase

LIVE = ("active", "trialing", "past_due")


@dataclass(frozen=True)
class BillingOverview:
    subscription: Subscription | None
    plans: list[Plan]
    invoices: list[object]
    latest_recharge: Recharge | None


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


async def _customer(repo: BillingRepository, provider: PaymentProvider, user: User) -> str:
    """The user's provider customer, created once (the idempotency key makes a retry safe)."""
    existing = await repo.customer_id(user.user_id)
    if existing:
        return existing
    customer = await provider.create_customer(
        user.email, str(user.user_id), f"customer-{user.user_id}"
    )
    await repo.set_customer_id(user.user_id, customer)
    return customer


async def active_plans(session: AsyncSession) -> list[Plan]:
    """The plans on sale, for the landing page."""
    return list(await BillingRepository.from_session(session).active_plans())


async def overview(repo: BillingRepository, user: User) -> BillingOverview:
    return BillingOverview(
        subscription=await repo.current_subscription(user.user_id),
        plans=await repo.active_plans(),
        invoices=list(await repo.invoices(user.user_id)),
        latest_recharge=await repo.latest_recharge(user.user_id),
    )


async def checkout_bundle(
    repo: BillingRepository,
    provider: PaymentProvider,
    user: User,
    bundle_id: uuid.UUID,
    base_url: str,
) -> CheckoutSession:
    bundle = await repo.bundle(bundle_id)
    if bundle is None:
        raise NotFound("No such credit bundle.")
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
            customer_id=await _customer(repo, provider, user),
            client_reference_id=str(user.user_id),
            metadata=metadata,
            success_url=f"{base_url}/billing/credits?checkout=paid",
            cancel_url=f"{base_url}/billing/credits?checkout=cancelled",
            idempotency_key=f"checkout-{uuid.uuid4()}",
        )
    )


def _plan_item(plan: Plan, interval: BillingInterval) -> CheckoutItem:
    if interval == "year":
        if plan.yearly_price is None:
            raise Invalid(f"The {plan.plan_name} plan has no yearly price.", field="interval")
        return CheckoutItem(f"{plan.plan_name} (yearly)", _cents(plan.yearly_price), None, "year")
    return CheckoutItem(
        f"{plan.plan_name} (monthly)", _cents(plan.monthly_price), plan.stripe_price_id, "month"
    )


async def _active_plan(repo: BillingRepository, plan_id: uuid.UUID) -> Plan:
    plan = await repo.plan(plan_id)
    if plan is None:
        raise NotFound("No such plan.")
    return plan


async def checkout_subscription(
    repo: BillingRepository,
    provider: PaymentProvider,
    user: User,
    plan_id: uuid.UUID,
    interval: BillingInterval,
    base_url: str,
) -> CheckoutSession:
    current = await repo.current_subscription(user.user_id)
    if current is not None and current.status in LIVE:
        raise Conflict("You already have a plan: change it instead of subscribing again.")
    plan = await _active_plan(repo, plan_id)
    metadata = {"user_id": str(user.user_id), "plan_id": str(plan.plan_id), "interval": interval}
    return await provider.create_checkout(
        CheckoutRequest(
            mode="subscription",
            item=_plan_item(plan, interval),
            customer_id=await _customer(repo, provider, user),
            client_reference_id=str(user.user_id),
            metadata={**metadata, "kind": "subscription"},
            subscription_metadata=metadata,
            success_url=f"{base_url}/billing?checkout=paid",
            cancel_url=f"{base_url}/billing?checkout=cancelled",
            idempotency_key=f"checkout-{uuid.uuid4()}",
        )
    )


async def _live_subscription(repo: BillingRepository, user: User) -> Subscription:
    current = await repo.current_subscription(user.user_id)
    if current is None or current.status not in LIVE:
        raise Conflict("You have no active plan.")
    return current


async def change_plan(
    repo: BillingRepository, provider: PaymentProvider, user: User, plan_id: uuid.UUID
) -> None:
    """Switch to another plan on the same billing interval (prorated by the provider)."""
    current = await _live_subscription(repo, user)
    plan = await _active_plan(repo, plan_id)
    if plan.plan_id == current.plan_id:
        raise Conflict(f"You are already on the {plan.plan_name} plan.")
    interval: BillingInterval = "year" if current.billing_interval == "year" else "month"
    metadata = {"user_id": str(user.user_id), "plan_id": str(plan.plan_id), "interval": interval}
    await provider.change_subscription_plan(
        current.subscription_id, _plan_item(plan, interval), metadata
    )


async def set_cancel_at_period_end(
    repo: BillingRepository, provider: PaymentProvider, user: User, cancel: bool
) -> None:
    """Cancel at the end of the paid period (access continues until then), or undo that."""
    current = await _live_subscription(repo, user)
    await provider.set_cancel_at_period_end(current.subscription_id, cancel)


async def run_recharge(
    repo: BillingRepository, provider: PaymentProvider, recharge_id: uuid.UUID
) -> str:
    """Charge the saved card for a pending recharge, once: the idempotency key is the recharge's
    id, so a retried job gets the provider's first answer. A decline (or no card) turns
    auto-recharge off; the user sees why on the billing and token pages. A provider outage
    ends the recharge as failed, so it never stays pending (which would block every later one)."""
    recharge = await repo.lock_recharge(recharge_id)
    if recharge is None or recharge.status != "pending":
        return "nothing to do"
    customer = await repo.customer_id(recharge.user_id)
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
        await repo.finish_recharge(recharge_id, "failed", None, f"Payment provider error: {error}")
        return f"failed: {error}"
    if result is None or not result.succeeded:
        message = result.failure_message if result else "No saved card on file."
        intent = result.payment_intent_id if result else None
        await repo.finish_recharge(recharge_id, "declined", intent, message)
        await repo.disable_auto_recharge(recharge.user_id)
        return f"declined: {message}"
    await credit_purchase(
        TokenRepository(repo.session),
        recharge.user_id,
        recharge.tokens,
        recharge.amount,
        result.payment_intent_id,
    )
    await repo.finish_recharge(recharge_id, "succeeded", result.payment_intent_id, None)
    return f"recharged {recharge.tokens} tokens"
