"""The landing page, the favicon and the dashboard of each role."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from propintel.auth.deps import AnyUser, OptionalUser
from propintel.auth.models import UserType
from propintel.billing.repository import BillingRepository
from propintel.db.session import DbSession
from propintel.web import dashboard
from propintel.web.templating import render

router = APIRouter(include_in_schema=False)

# How the landing page names the switches in subscription_plans.features (a feature it does not
# know is shown by its key).
PLAN_FEATURES = {
    "new_homeowner_leads": "New homeowner leads (recent sales)",
    "distressed_leads": "Distressed property leads",
    "fsbo_leads": "For-sale-by-owner listings",
    "ai_chat": "AI chat assistant",
    "ai_voice": "AI voice calls",
}


@router.get("/")
async def home(request: Request, user: OptionalUser, db: DbSession) -> Response:
    """The landing page for visitors (what PropIntel is, the plans); users go to their dashboard."""
    if user:
        return RedirectResponse("/dashboard", status_code=303)
    plans = await BillingRepository(db).active_plans()
    offers = [(plan, _included(plan.features)) for plan in plans]
    return render(request, "landing.html", {"offers": offers})


def _included(features: dict[str, Any]) -> list[str]:
    """What a plan's features switch on, in PLAN_FEATURES' order, then any others by name."""
    known = [label for name, label in PLAN_FEATURES.items() if features.get(name)]
    others = [
        name.replace("_", " ") for name, on in features.items() if on and name not in PLAN_FEATURES
    ]
    return known + others


@router.get("/favicon.ico")
async def favicon(request: Request) -> Response:
    """Browsers and crawlers ask for /favicon.ico whatever the page links; ours is an SVG."""
    return RedirectResponse(request.url_for("static", path="favicon.svg").path, status_code=301)


@router.get("/dashboard")
async def dashboard_page(request: Request, user: AnyUser, db: DbSession) -> Response:
    if user.user_type == UserType.ADMIN:
        figures = await dashboard.admin_summary(db)
        return render(request, "dashboard/admin.html", figures)
    if user.user_type == UserType.HOMEOWNER:
        figures = await dashboard.homeowner_summary(db, user)
        return render(request, "dashboard/homeowner.html", figures)
    figures = await dashboard.subscriber_summary(db, user)
    return render(request, "dashboard/subscriber.html", {"user": user, **figures})
