"""Home and the dashboard of each role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from propintel.auth.deps import AnyUser, OptionalUser
from propintel.auth.models import UserType
from propintel.db.session import DbSession
from propintel.web import dashboard
from propintel.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
async def home(user: OptionalUser) -> Response:
    return RedirectResponse("/dashboard" if user else "/login", status_code=303)


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
