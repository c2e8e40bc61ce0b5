"""Stripe behind ``PaymentProvider``: the official SDK (``StripeClient``), nothing of ours.

The client is built with ``max_network_retries=2`` (the SDK's default is no retry) and every
creating call carries an idempotency key, so its retries are safe. Events are verified with the
webhook endpoint's signing secret (``webhooks.py``).
"""

from __future__ import annotations

from typing import Any

import stripe

from propintel.integrations.payments import (
    CheckoutItem,
    CheckoutRequest,
    CheckoutSession,
    OffSessionPayment,
    PaymentUnavailable,
)
from propintel.integrations.stripe.webhooks import verified_event

CURRENCY = "usd"


def stripe_client(
    api_key: str, http_client: stripe.HTTPClient | None = None
) -> stripe.StripeClient:
    """The SDK client: async HTTP (httpx), two network retries."""
    return stripe.StripeClient(
        api_key,
        max_network_retries=2,
        http_client=http_client or stripe.HTTPXClient(),
    )


def _line_item(item: CheckoutItem) -> dict[str, Any]:
    """A stored price when the plan or bundle has one, else an inline price."""
    if item.price_id:
        return {"price": item.price_id, "quantity": 1}
    price_data: dict[str, Any] = {
        "currency": CURRENCY,
        "unit_amount": item.amount_cents,
        "product_data": {"name": item.name},
    }
    if item.interval:
        price_data["recurring"] = {"interval": item.interval}
    return {"price_data": price_data, "quantity": 1}


class StripePayments:
    name = "stripe"

    def __init__(self, client: stripe.StripeClient, webhook_secret: str) -> None:
        self.client = client
        self.webhook_secret = webhook_secret

    def verify_event(self, raw_body: bytes, signature_header: str | None) -> dict[str, Any]:
        return verified_event(raw_body, signature_header, self.webhook_secret)

    async def create_customer(self, email: str, user_id: str, idempotency_key: str) -> str:
        customer = await self.client.v1.customers.create_async(
            {"email": email, "metadata": {"user_id": user_id}},
            {"idempotency_key": idempotency_key},
        )
        return str(customer.id)

    async def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        params: dict[str, Any] = {
            "mode": request.mode,
            "customer": request.customer_id,
            "client_reference_id": request.client_reference_id,
            "metadata": request.metadata,
            "line_items": [_line_item(request.item)],
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
        }
        if request.mode == "payment":
            # Saves the card for auto-recharge (an off-session PaymentIntent later).
            params["payment_intent_data"] = {
                "setup_future_usage": "off_session",
                "metadata": request.metadata,
            }
        else:
            params["subscription_data"] = {"metadata": request.subscription_metadata}
        session = await self.client.v1.checkout.sessions.create_async(
            params,  # type: ignore[arg-type]
            {"idempotency_key": request.idempotency_key},
        )
        return CheckoutSession(session_id=str(session.id), url=str(session.url))

    async def change_subscription_plan(
        self, subscription_id: str, item: CheckoutItem, metadata: dict[str, str]
    ) -> None:
        subscription = await self.client.v1.subscriptions.retrieve_async(subscription_id)
        current_item = subscription["items"]["data"][0]["id"]
        await self.client.v1.subscriptions.update_async(
            subscription_id,
            {
                "items": [{"id": current_item, **await self._subscription_price(item)}],
                "metadata": metadata,
                "proration_behavior": "create_prorations",
            },  # type: ignore[arg-type]
        )

    async def _subscription_price(self, item: CheckoutItem) -> dict[str, Any]:
        """A stored price, or an inline one (subscription items need a product for that)."""
        if item.price_id:
            return {"price": item.price_id}
        product = await self.client.v1.products.create_async({"name": item.name})
        return {
            "price_data": {
                "currency": CURRENCY,
                "unit_amount": item.amount_cents,
                "recurring": {"interval": item.interval or "month"},
                "product": str(product.id),
            }
        }

    async def set_cancel_at_period_end(self, subscription_id: str, cancel: bool) -> None:
        await self.client.v1.subscriptions.update_async(
            subscription_id, {"cancel_at_period_end": cancel}
        )

    async def charge_saved_card(
        self, customer_id: str, amount_cents: int, metadata: dict[str, str], idempotency_key: str
    ) -> OffSessionPayment:
        methods = await self.client.v1.payment_methods.list_async(
            {"customer": customer_id, "type": "card", "limit": 1}
        )
        if not methods.data:
            return OffSessionPayment(False, None, "No saved card on file.")
        try:
            intent = await self.client.v1.payment_intents.create_async(
                {
                    "amount": amount_cents,
                    "currency": CURRENCY,
                    "customer": customer_id,
                    "payment_method": methods.data[0].id,
                    "off_session": True,
                    "confirm": True,
                    "metadata": metadata,
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.CardError as error:
            intent_id = getattr(error.error, "payment_intent", None)
            return OffSessionPayment(
                False, intent_id["id"] if intent_id else None, error.user_message or str(error)
            )
        except stripe.StripeError as error:  # after the SDK's own retries
            raise PaymentUnavailable(error.user_message or type(error).__name__) from error
        return OffSessionPayment(intent.status == "succeeded", str(intent.id))
