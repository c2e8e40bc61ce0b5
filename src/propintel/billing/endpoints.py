"""Billing API and the Stripe webhook. The webhook has the payment provider check the signature on
the raw body before anything else; a subscriber's calls only ask the provider (its events change
our records). The provider is the one ``create_app`` chose (``app.state.payment_providers``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from propintel.auth.deps import SubscriberUser
from propintel.billing import service, webhooks
from propintel.billing.schemas import (
    BillingOut,
    BundleOut,
    CancelIn,
    CheckoutIn,
    CheckoutOut,
    PlanChangeIn,
    PlanOut,
    SubscriptionOut,
)
from propintel.catalog import service as catalog
from propintel.db.session import DbSession
from propintel.integrations.payments import PaymentProvider
from propintel.web.security import csrf_exempt, public

router = APIRouter(tags=["billing"])


def _provider(request: Request, db: DbSession) -> PaymentProvider:
    provider: PaymentProvider = request.app.state.payment_providers(db)
    return provider


Provider = Annotated[PaymentProvider, Depends(_provider)]


def base_url(request: Request) -> str:
    """Where the provider sends the customer back: the public URL with Stripe; offline, the
    address this request came to (the simulator's pages are ours)."""
    settings = request.app.state.settings
    return settings.public_base_url if settings.uses_stripe else str(request.base_url).rstrip("/")


@router.post("/webhooks/stripe", include_in_schema=False)
@csrf_exempt  # Stripe signs the body; verified before anything else
@public
async def stripe_webhook(request: Request, db: DbSession, provider: Provider) -> JSONResponse:
    """400 (nothing stored) unless ``Stripe-Signature`` signs the raw body; 200 otherwise, also
    for a replay (stored once, handled once)."""
    stored = await webhooks.receive(
        db, provider, await request.body(), request.headers.get("Stripe-Signature")
    )
    return JSONResponse({"received": True, "duplicate": stored is None})


@router.get("/api/v1/billing", response_model=BillingOut)
async def get_billing(user: SubscriberUser, db: DbSession, provider: Provider) -> BillingOut:
    current = await service.current_subscription(db, user.user_id)
    return BillingOut(
        provider=provider.name,
        subscription=SubscriptionOut(**asdict(current)) if current else None,
        plans=[PlanOut(**asdict(plan)) for plan in await catalog.active_plans(db)],
        bundles=[BundleOut(**asdict(bundle)) for bundle in await catalog.active_bundles(db)],
    )


@router.post("/api/v1/billing/checkout", response_model=CheckoutOut, status_code=201)
async def create_checkout(
    body: CheckoutIn, request: Request, user: SubscriberUser, db: DbSession, provider: Provider
) -> CheckoutOut:
    """A Checkout for a bundle or a plan; send the customer to ``checkout_url``."""
    if body.kind == "bundle" and body.bundle_id is not None:
        checkout = await service.checkout_bundle(
            db, provider, user, body.bundle_id, base_url(request)
        )
    else:
        assert body.plan_id is not None  # the schema requires it for a subscription
        checkout = await service.checkout_subscription(
            db, provider, user, body.plan_id, body.interval, base_url(request)
        )
    return CheckoutOut(session_id=checkout.session_id, checkout_url=checkout.url)


@router.post("/api/v1/billing/plan", status_code=202)
async def change_plan(
    body: PlanChangeIn, user: SubscriberUser, db: DbSession, provider: Provider
) -> dict[str, str]:
    """Ask the provider to switch plans; our records follow its event."""
    await service.change_plan(db, provider, user, body.plan_id)
    return {"status": "requested"}


@router.post("/api/v1/billing/cancel", status_code=202)
async def cancel(
    body: CancelIn, user: SubscriberUser, db: DbSession, provider: Provider
) -> dict[str, str]:
    """Cancel at period end (true) or keep the plan after all (false)."""
    await service.set_cancel_at_period_end(db, provider, user, body.cancel_at_period_end)
    return {"status": "requested"}
