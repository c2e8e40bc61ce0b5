"""The payment provider interface (Stripe in production, the offline simulator otherwise).

Amounts are in cents of USD. Every call that creates something takes an idempotency key, so a
retried request (ours or the SDK's) never creates a second checkout, customer or payment. The
provider's events reach us signed: ``verify_event`` is the only way to read one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from propintel.kit.errors import DomainError

CheckoutMode = Literal["payment", "subscription"]
BillingInterval = Literal["month", "year"]


@dataclass(frozen=True)
class CheckoutItem:
    """What the customer buys: a provider price id, or an inline price (name + amount)."""

    name: str
    amount_cents: int
    price_id: str | None = None
    interval: BillingInterval | None = None  # set for a subscription


@dataclass(frozen=True)
class CheckoutRequest:
    mode: CheckoutMode
    item: CheckoutItem
    customer_id: str
    client_reference_id: str
    metadata: dict[str, str]
    success_url: str
    cancel_url: str
    idempotency_key: str
    subscription_metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckoutSession:
    session_id: str
    url: str


@dataclass(frozen=True)
class OffSessionPayment:
    """The outcome of an off-session charge of a saved card."""

    succeeded: bool
    payment_intent_id: str | None
    failure_message: str | None = None


class BadSignature(DomainError):
    """Missing, malformed, wrong or stale event signature: nothing may be done with the event."""

    status_code = 400


class PaymentUnavailable(Exception):
    """The provider could not be reached, or refused for a reason other than the card (the
    card's own refusals are an ``OffSessionPayment`` that did not succeed)."""


class PaymentProvider(Protocol):
    """What billing needs from a payment provider."""

    name: str

    def verify_event(self, raw_body: bytes, signature_header: str | None) -> dict[str, Any]:
        """The event ``raw_body`` holds, if ``signature_header`` signs it; else ``BadSignature``."""
        ...

    async def create_customer(self, email: str, user_id: str, idempotency_key: str) -> str: ...

    async def create_checkout(self, request: CheckoutRequest) -> CheckoutSession: ...

    async def change_subscription_plan(
        self, subscription_id: str, item: CheckoutItem, metadata: dict[str, str]
    ) -> None: ...

    async def set_cancel_at_period_end(self, subscription_id: str, cancel: bool) -> None: ...

    async def charge_saved_card(
        self, customer_id: str, amount_cents: int, metadata: dict[str, str], idempotency_key: str
    ) -> OffSessionPayment: ...
