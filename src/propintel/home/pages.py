"""The landing page, the favicon and the dashboard of each role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from propintel.auth.deps import AnyUser, OptionalUser
from propintel.auth.models import UserType
from propintel.catalog import service as catalog_service
from propintel.catalog.features import feature_summary
from propintel.db.session import DbSession
from propintel.home import service as dashboard
from propintel.web.security import public
from propintel.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
@public
async def home(request: Request, user: OptionalUser, db: DbSession) -> Response:
    """The landing page for visitors (what PropIntel is, the plans); users go to their dashboard."""
    if user:
        return RedirectResponse("/dashboard", status_code=303)
    plans = await catalog_service.active_plans(db)
    offers = [(plan, feature_summary(plan.features)[0]) for plan in plans]
    return render(request, "landing.html", {"offers": offers})


@router.get("/favicon.ico")
@public
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
