"""Which payment provider serves a request or a job: Stripe when configured, else the simulator."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.billing import webhooks
from propintel.billing.local import LocalPayments
from propintel.config import Settings
from propintel.integrations.payments import PaymentProvider
from propintel.integrations.stripe.payments import StripePayments, stripe_client


def payment_provider(settings: Settings, session: AsyncSession) -> PaymentProvider:
    if settings.stripe_secret_key is not None:
        return StripePayments(stripe_client(settings.stripe_secret_key.get_secret_value()))
    return local_payments(settings, session)


def local_payments(settings: Settings, session: AsyncSession) -> LocalPayments:
    """The simulator, delivering its signed events to the webhook intake in this transaction."""
    secret = settings.stripe_webhook_signing_secret()

    async def deliver(raw_body: bytes, signature: str) -> object:
        return await webhooks.receive(session, raw_body, signature, secret)

    return LocalPayments(session, secret, deliver)
