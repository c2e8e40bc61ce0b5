"""The offline payment simulator (used whenever Stripe is not configured), labelled as such in
every page it shows.

It behaves like Stripe where billing can tell: Checkout is a page of ours (pay with a test card,
or cancel); paying produces the events Stripe would send (``checkout.session.completed``, and for
a subscription ``customer.subscription.created`` and ``invoice.paid``), shaped like Stripe's and
signed with the webhook secret exactly as Stripe signs, then delivered to the same intake as
``POST /webhooks/stripe``, which verifies them as it verifies Stripe's. Saved cards are Stripe's
test cards: 4242 always pays, 0341 pays at checkout but declines off-session (how a failed
auto-recharge is tried offline).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.billing.local_repository import LocalPaymentsRepository
from propintel.billing.repository import BillingRepository
from propintel.catalog import service as catalog
from propintel.integrations.payments import (
    CheckoutItem,
    CheckoutRequest,
    CheckoutSession,
    OffSessionPayment,
)
from propintel.integrations.stripe import webhooks as stripe_webhooks
from propintel.kit.errors import Conflict, NotFound
from propintel.kit.i18n import _

CHECKOUT_PATH = "/billing/local-checkout"
TEST_CARDS = {"4242": False, "0341": True}  # last four → declines off-session
MONTH_S = 30 * 24 * 3600
YEAR_S = 365 * 24 * 3600

Deliver = Callable[[bytes, str], Awaitable[object]]


def _id(prefix: str) -> str:
    return f"{prefix}_local_{secrets.token_hex(12)}"


class LocalPayments:
    name = "local"

    def __init__(self, session: AsyncSession, secret: str, deliver: Deliver) -> None:
        self.session = session
        self.secret = secret
        self.deliver = deliver
        self.repo = LocalPaymentsRepository.from_session(session)

    def verify_event(self, raw_body: bytes, signature_header: str | None) -> dict[str, Any]:
        return stripe_webhooks.verified_event(raw_body, signature_header, self.secret)

    async def create_customer(self, email: str, user_id: str, idempotency_key: str) -> str:
        return "cus_local_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]

    async def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        session_id = _id("cs")
        await self.repo.create_session(session_id, asdict(request))
        return CheckoutSession(session_id, f"{CHECKOUT_PATH}/{session_id}")

    async def open_session(self, session_id: str) -> dict[str, Any]:
        """The checkout's parameters, if it is still open (what the local Checkout page shows)."""
        row = await self.repo.lock_session(session_id)
        if row is None:
            raise NotFound(_("No such checkout."))
        if row["status"] != "open":
            raise Conflict(_("This checkout is already finished."))
        params: dict[str, Any] = row["params"]
        return params

    async def cancel(self, session_id: str) -> str:
        """The customer left Checkout: nothing is paid; returns where Stripe would send them."""
        params = await self.open_session(session_id)
        await self.repo.close_session(session_id, "expired")
        return str(params["cancel_url"])

    async def pay(self, session_id: str, card_last4: str) -> str:
        """The customer paid: events are delivered; returns the success URL."""
        if card_last4 not in TEST_CARDS:
            raise Conflict(_("Use test card 4242 (pays) or 0341 (declines off-session)."))
        params = await self.open_session(session_id)
        await self.repo.close_session(session_id, "complete")
        await self.repo.save_card(params["customer_id"], card_last4, TEST_CARDS[card_last4])
        for event in self._paid_events(session_id, params):
            await self._send(event)
        return str(params["success_url"]).replace("{CHECKOUT_SESSION_ID}", session_id)

    def _paid_events(self, session_id: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        item = params["item"]
        completed: dict[str, Any] = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params["mode"],
            "status": "complete",
            "payment_status": "paid",
            "client_reference_id": params["client_reference_id"],
            "customer": params["customer_id"],
            "metadata": params["metadata"],
            "amount_total": item["amount_cents"],
            "currency": "usd",
            "payment_intent": None,
            "subscription": None,
        }
        if params["mode"] == "payment":
            completed["payment_intent"] = _id("pi")
            return [event("checkout.session.completed", completed)]
        subscription = subscription_object(
            _id("sub"), params["customer_id"], item, params["subscription_metadata"]
        )
        completed["subscription"] = subscription["id"]
        return [
            event("customer.subscription.created", subscription),
            event("invoice.paid", invoice_object(subscription, item["amount_cents"])),
            event("checkout.session.completed", completed),
        ]

    async def _send(self, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload)
        await self.deliver(raw.encode(), stripe_webhooks.signature_header(raw, self.secret))

    async def change_subscription_plan(
        self, subscription_id: str, item: CheckoutItem, metadata: dict[str, str]
    ) -> None:
        customer = (await self._stored_subscription(subscription_id))["customer"]
        await self._send(
            event(
                "customer.subscription.updated",
                subscription_object(subscription_id, customer, asdict(item), metadata),
            )
        )

    async def set_cancel_at_period_end(self, subscription_id: str, cancel: bool) -> None:
        current = await self._stored_subscription(subscription_id)
        subscription = subscription_object(
            subscription_id, current["customer"], current["item"], current["metadata"]
        )
        subscription["cancel_at_period_end"] = cancel
        await self._send(event("customer.subscription.updated", subscription))

    async def renew(self, subscription_id: str) -> None:
        """Simulate the end of a period: a cancelled-at-period-end subscription ends
        (``.deleted``); any other is renewed (``invoice.paid``)."""
        current = await self._stored_subscription(subscription_id)
        subscription = subscription_object(
            subscription_id, current["customer"], current["item"], current["metadata"]
        )
        if current["cancel_at_period_end"]:
            subscription["status"] = "canceled"
            await self._send(event("customer.subscription.deleted", subscription))
            return
        amount = int(current["item"]["amount_cents"])
        await self._send(event("invoice.paid", invoice_object(subscription, amount)))

    async def _stored_subscription(self, subscription_id: str) -> dict[str, Any]:
        """What Stripe would know of the subscription: its customer, price and metadata (read
        from billing's record of it and its plan — the simulator keeps no second copy)."""
        billing = BillingRepository.from_session(self.session)
        stored = await billing.subscription(subscription_id)
        if stored is None:
            raise NotFound(_("No such subscription."))
        plan = (
            await catalog.plan(self.session, stored.plan_id, active_only=False)
            if stored.plan_id
            else None
        )
        yearly = stored.billing_interval == "year"
        price = (plan.yearly_price if yearly else plan.monthly_price) if plan else None
        return {
            "customer": await billing.customer_id(stored.user_id),
            "cancel_at_period_end": stored.cancel_at_period_end,
            "item": {
                "name": plan.plan_name if plan else None,
                "amount_cents": int((price or 0) * 100),
                "price_id": None,
                "interval": stored.billing_interval,
            },
            "metadata": {
                "user_id": str(stored.user_id),
                "plan_id": str(stored.plan_id),
                "interval": stored.billing_interval,
            },
        }

    async def charge_saved_card(
        self, customer_id: str, amount_cents: int, metadata: dict[str, str], idempotency_key: str
    ) -> OffSessionPayment:
        declines = await self.repo.card_declines_off_session(customer_id)
        if declines is None:
            return OffSessionPayment(False, None, "No saved card on file.")
        # The same idempotency key gives the same payment intent, as with Stripe.
        intent = "pi_local_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
        if declines:
            return OffSessionPayment(False, intent, "Your card was declined.")
        return OffSessionPayment(True, intent)


def event(event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    """A Stripe event envelope around ``obj``."""
    return {
        "id": _id("evt"),
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def subscription_object(
    subscription_id: str, customer: str, item: dict[str, Any], metadata: dict[str, str]
) -> dict[str, Any]:
    interval = item.get("interval") or "month"
    period_end = int(time.time()) + (YEAR_S if interval == "year" else MONTH_S)
    return {
        "id": subscription_id,
        "object": "subscription",
        "customer": customer,
        "status": "active",
        "cancel_at_period_end": False,
        "metadata": metadata,
        "items": {
            "data": [
                {
                    "id": "si_" + subscription_id.removeprefix("sub_"),
                    "current_period_end": period_end,
                    "price": {
                        "id": item.get("price_id") or f"price_local_{item['name']}_{interval}",
                        "unit_amount": item["amount_cents"],
                        "recurring": {"interval": interval},
                    },
                }
            ]
        },
    }


def invoice_object(subscription: dict[str, Any], amount_cents: int) -> dict[str, Any]:
    return {
        "id": _id("in"),
        "object": "invoice",
        "customer": subscription["customer"],
        "status": "paid",
        "amount_paid": amount_cents,
        "status_transitions": {"paid_at": int(time.time())},
        "parent": {
            "type": "subscription_details",
            "subscription_details": {
                "subscription": subscription["id"],
                "metadata": subscription["metadata"],
            },
        },
    }
