"""Subscriber billing pages (plan and billing, buy credits) and the offline simulator's Checkout
page, which says plainly that no money moves."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from propintel.auth.deps import SubscriberUser
from propintel.billing import service
from propintel.billing.endpoints import Provider, base_url
from propintel.billing.local import LocalPayments
from propintel.catalog import service as catalog
from propintel.catalog.features import feature_summary
from propintel.db.session import DbSession
from propintel.integrations.payments import BillingInterval, CheckoutSession
from propintel.kit.errors import DomainError, NotFound
from propintel.kit.i18n import N_, _
from propintel.tokens import service as tokens
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
BILLING = "/billing"
CREDITS = "/billing/credits"
CHECKOUT_MESSAGES = {  # English message ids, shown translated
    "paid": N_(
        "Payment received. It is credited as soon as the payment provider confirms it "
        "(usually within seconds)."
    ),
    "cancelled": N_("Checkout cancelled: nothing was charged."),
}


def _checkout_notice(request: Request) -> str | None:
    message = CHECKOUT_MESSAGES.get(request.query_params.get("checkout", ""))
    return _(message) if message else None


@router.get(BILLING)
async def billing_page(
    request: Request, user: SubscriberUser, db: DbSession, provider: Provider
) -> Response:
    return render(request, "billing/plan.html", await _plan_context(request, user, db, provider))


async def _plan_context(
    request: Request, user: SubscriberUser, db: DbSession, provider: Provider, **extra: Any
) -> dict[str, Any]:
    overview = await service.overview(db, user)
    billed = overview.subscription is not None and overview.subscription.status in service.LIVE
    return {
        "overview": overview,
        # A plan set without the provider (demo accounts, an admin's complimentary plan).
        "unbilled_plan": user.subscription_tier if user.has_active_plan and not billed else None,
        "simulated": provider.name == "local",
        "notice": _checkout_notice(request),
        "confirm_cancel": False,
        "included_features": _included_features,
        **extra,
    }


def _included_features(features: dict[str, Any] | None) -> list[str]:
    return feature_summary(features)[0]


async def _to_checkout(request: Request, start: Awaitable[CheckoutSession], back: str) -> Response:
    """Send the customer to the provider's Checkout, or back with the reason it refused."""
    try:
        checkout = await start
    except DomainError as error:
        return redirect_with_flash(request, back, error.message, "error")
    return RedirectResponse(checkout.url, status_code=303)


async def _ask_provider(request: Request, call: Awaitable[None], message: str) -> Response:
    try:
        await call
    except DomainError as error:
        return redirect_with_flash(request, BILLING, error.message, "error")
    return redirect_with_flash(request, BILLING, message)


@router.post(f"{BILLING}/subscribe")
async def subscribe(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    provider: Provider,
    plan_id: uuid.UUID = Form(),
    interval: str = Form("month"),
) -> Response:
    chosen: BillingInterval = "year" if interval == "year" else "month"
    start = service.checkout_subscription(db, provider, user, plan_id, chosen, base_url(request))
    return await _to_checkout(request, start, BILLING)


@router.post(f"{BILLING}/plan")
async def switch_plan(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    provider: Provider,
    plan_id: uuid.UUID = Form(),
) -> Response:
    return await _ask_provider(
        request,
        service.change_plan(db, provider, user, plan_id),
        _("Plan change requested: it shows here once the payment provider confirms it."),
    )


@router.post(f"{BILLING}/cancel")
async def cancel_plan(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    provider: Provider,
    confirm: str = Form(""),
) -> Response:
    """Two steps: the first post asks for confirmation, the second (confirm=yes) cancels."""
    if confirm != "yes":
        context = await _plan_context(request, user, db, provider, confirm_cancel=True)
        return render(request, "billing/plan.html", context)
    return await _ask_provider(
        request,
        service.set_cancel_at_period_end(db, provider, user, True),
        _("Your plan will end at the end of the paid period."),
    )


@router.post(f"{BILLING}/resume")
async def resume_plan(
    request: Request, user: SubscriberUser, db: DbSession, provider: Provider
) -> Response:
    return await _ask_provider(
        request,
        service.set_cancel_at_period_end(db, provider, user, False),
        _("Your plan continues: the cancellation is withdrawn."),
    )


@router.get(CREDITS)
async def credits_page(
    request: Request, user: SubscriberUser, db: DbSession, provider: Provider
) -> Response:
    context = {
        "bundles": await catalog.active_bundles(db),
        "summary": await tokens.balance_summary(db, user.user_id),
        "simulated": provider.name == "local",
        "notice": _checkout_notice(request),
        "latest_recharge": await tokens.latest_recharge(db, user.user_id),
    }
    return render(request, "billing/credits.html", context)


@router.post(f"{CREDITS}/buy")
async def buy_bundle(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    provider: Provider,
    bundle_id: uuid.UUID = Form(),
) -> Response:
    start = service.checkout_bundle(db, provider, user, bundle_id, base_url(request))
    return await _to_checkout(request, start, CREDITS)


# --- the offline simulator's Checkout (404 when Stripe is configured) ------------------------


def _simulator(provider: Provider) -> LocalPayments:
    if not isinstance(provider, LocalPayments):
        raise NotFound(_("Not found."))
    return provider


async def _own_session(
    simulator: LocalPayments, session_id: str, user: SubscriberUser
) -> dict[str, Any]:
    params = await simulator.open_session(session_id)
    if params["client_reference_id"] != str(user.user_id):
        raise NotFound(_("No such checkout."))
    return params


@router.get("/billing/local-checkout/{session_id}")
async def local_checkout_page(
    request: Request, session_id: str, user: SubscriberUser, provider: Provider
) -> Response:
    params = await _own_session(_simulator(provider), session_id, user)
    return render(
        request, "billing/local_checkout.html", {"params": params, "session_id": session_id}
    )


@router.post("/billing/local-checkout/{session_id}/pay")
async def local_checkout_pay(
    session_id: str, user: SubscriberUser, provider: Provider, card: str = Form("")
) -> Response:
    simulator = _simulator(provider)
    await _own_session(simulator, session_id, user)
    return RedirectResponse(await simulator.pay(session_id, card), status_code=303)


@router.post("/billing/local-checkout/{session_id}/cancel")
async def local_checkout_cancel(
    session_id: str, user: SubscriberUser, provider: Provider
) -> Response:
    simulator = _simulator(provider)
    await _own_session(simulator, session_id, user)
    return RedirectResponse(await simulator.cancel(session_id), status_code=303)


@router.post(f"{BILLING}/local-renew")
async def local_renew(
    request: Request, user: SubscriberUser, db: DbSession, provider: Provider
) -> Response:
    """Simulator only: end the current period now (renew, or end a cancelled plan)."""
    simulator = _simulator(provider)
    current = await service.current_subscription(db, user.user_id)
    if current is None:
        return redirect_with_flash(request, BILLING, _("You have no plan to renew."), "error")
    await simulator.renew(current.subscription_id)
    return redirect_with_flash(request, BILLING, _("Simulated the end of the billing period."))
