"""Which payment provider serves a request or a job: Stripe when configured, else the simulator."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.billing import webhooks
from propintel.billing.local import LocalPayments
from propintel.config import Settings
from propintel.integrations.payments import PaymentProvider
from propintel.integrations.stripe.payments import StripePayments, stripe_client


def payment_provider(settings: Settings, session: AsyncSession) -> PaymentProvider:
    secret = settings.stripe_webhook_signing_secret()
    if settings.stripe_secret_key is not None:
        return StripePayments(stripe_client(settings.stripe_secret_key.get_secret_value()), secret)
    return local_payments(session, secret)


def local_payments(session: AsyncSession, secret: str) -> LocalPayments:
    """The simulator, delivering its signed events to the webhook intake in this transaction."""

    async def deliver(raw_body: bytes, signature: str) -> object:
        return await webhooks.receive(session, simulator, raw_body, signature)

    simulator = LocalPayments(session, secret, deliver)
    return simulator
