"""Which payment provider serves billing, chosen once by settings: Stripe when configured, else
the offline simulator.

``create_app`` keeps the choice on ``app.state.payment_providers``; the worker's jobs get the same
choice from ``configured_payment_providers()``, made once per process from its settings. Either
way callers get a function of their session: the simulator writes in the caller's unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.billing import webhooks
from propintel.billing.local import LocalPayments
from propintel.config import Settings, get_settings
from propintel.integrations.payments import PaymentProvider
from propintel.integrations.stripe.payments import StripePayments, stripe_client

PaymentProviders = Callable[[AsyncSession], PaymentProvider]


def payment_providers(settings: Settings) -> PaymentProviders:
    """Stripe (one client for the process) when its key is set, else the simulator."""
    secret = settings.stripe_webhook_signing_secret()
    if settings.stripe_secret_key is not None:
        stripe = StripePayments(
            stripe_client(settings.stripe_secret_key.get_secret_value()), secret
        )
        return lambda _session: stripe
    return lambda session: local_payments(session, secret)


@lru_cache(maxsize=1)
def configured_payment_providers() -> PaymentProviders:
    """The choice for this process's settings (``get_settings()``), made on first use."""
    return payment_providers(get_settings())


def local_payments(session: AsyncSession, secret: str) -> LocalPayments:
    """The simulator, delivering its signed events to the webhook intake in this transaction."""

    async def deliver(raw_body: bytes, signature: str) -> object:
        return await webhooks.receive(session, simulator, raw_body, signature)

    simulator = LocalPayments(session, secret, deliver)
    return simulator
