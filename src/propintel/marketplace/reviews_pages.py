"""Reviews' pages: the homeowner's review of a completed job, the contractor's one reply, the
admins' moderation list (hide with a reason), and a contractor's public profile
(``/contractors/{id}``: services, area, verified badge, rating and reviews — open to anyone)."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from propintel.auth.deps import AdminUser, HomeownerUser, SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.i18n import _
from propintel.marketplace import reviews
from propintel.marketplace.jobs import label_of
from propintel.marketplace.outcomes import act
from propintel.profiles.categories import SERVICE_CATEGORIES
from propintel.web.security import public
from propintel.web.templating import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 20


@router.post("/jobs/{job_id}/review")
async def add_review(
    request: Request,
    job_id: uuid.UUID,
    user: HomeownerUser,
    db: DbSession,
    rating: str = Form(""),
    text: str = Form(""),
) -> Response:
    action = reviews.add_review(db, user, job_id, rating, text)
    done = _("Review published on the contractor's public profile.")
    return await act(request, f"/jobs/{job_id}#review", action, done)


@router.post("/marketplace/reviews/{review_id}/reply")
async def reply(
    request: Request,
    review_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    text: str = Form(""),
    back: str = Form(""),
) -> Response:
    url = back if back.startswith("/marketplace/jobs/") else f"/contractors/{user.user_id}"
    return await act(request, url, reviews.reply(db, user, review_id, text), _("Reply published."))


@router.get("/admin/reviews")
async def moderation(
    request: Request, user: AdminUser, db: DbSession, cursor: str | None = None
) -> Response:
    rows, next_cursor = await reviews.reviews_page(
        db, limit=PER_PAGE, cursor=cursor, visible_only=False
    )
    context = {
        "reviews": rows,
        "next_url": f"/admin/reviews?{urlencode({'cursor': next_cursor})}" if next_cursor else None,
        "first_url": "/admin/reviews" if cursor else None,
    }
    return render(request, "marketplace/reviews_admin.html", context)


@router.post("/admin/reviews/{review_id}/hide")
async def hide(
    request: Request,
    review_id: uuid.UUID,
    user: AdminUser,
    db: DbSession,
    reason: str = Form(""),
) -> Response:
    return await act(
        request, "/admin/reviews", reviews.hide(db, user, review_id, reason), _("Review hidden.")
    )


@router.get("/contractors/{contractor_id}")
@public
async def public_profile(
    request: Request, contractor_id: uuid.UUID, db: DbSession, cursor: str | None = None
) -> Response:
    profile = await reviews.public_profile(db, contractor_id)
    rows, next_cursor = await reviews.reviews_page(
        db, limit=PER_PAGE, cursor=cursor, contractor_id=contractor_id
    )
    page = f"/contractors/{contractor_id}"
    context = {
        "profile": profile,
        "services": [label_of(SERVICE_CATEGORIES, slug) for slug in profile.services],
        "reviews": rows,
        "next_url": f"{page}?{urlencode({'cursor': next_cursor})}" if next_cursor else None,
        "first_url": page if cursor else None,
    }
    return render(request, "marketplace/contractor.html", context)
