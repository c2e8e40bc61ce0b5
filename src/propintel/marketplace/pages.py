"""The marketplace's pages. Homeowners: ``/jobs`` (their jobs), ``/jobs/new``, ``/jobs/{id}``
(with edit, cancel after a confirmation page, complete). Contractors: ``/marketplace`` (the jobs
offered to them) and ``/marketplace/jobs/{id}`` (a job without the homeowner's name, phone or
street address)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from propintel.auth.deps import HomeownerUser, SubscriberUser
from propintel.db.session import DbSession
from propintel.integrations.email import EmailSenders
from propintel.integrations.storage import StoredFile
from propintel.kit.clock import now_new_york
from propintel.kit.errors import DomainError
from propintel.kit.i18n import _, ngettext
from propintel.marketplace import bids, jobs, reviews
from propintel.marketplace.jobs import BUDGETS, TIMELINES, JobDraft, JobStatus
from propintel.marketplace.outcomes import act
from propintel.profiles import service as profiles
from propintel.profiles.categories import SERVICE_CATEGORIES
from propintel.tokens import service as tokens
from propintel.web.field_messages import domain_error_fields
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 20


def _choices(items: dict[str, str]) -> list[tuple[str, str]]:
    return [(slug, _(label)) for slug, label in items.items()]


HELPERS = {
    "status_label": jobs.status_label,
    "bid_status_label": bids.bid_status_label,
    "refund_reason_label": bids.refund_reason_label,
    "category_label": lambda v: jobs.label_of(SERVICE_CATEGORIES, v),
    "budget_label": lambda v: jobs.label_of(BUDGETS, v),
    "timeline_label": lambda v: jobs.label_of(TIMELINES, v),
}


def _form_context(request: Request, values: dict[str, str], **extra: Any) -> dict[str, Any]:
    photo_bytes = request.app.state.settings.marketplace_photo_max_bytes
    return {
        "values": values,
        "errors": {},
        "categories": sorted(_choices(SERVICE_CATEGORIES), key=lambda c: c[1]),
        "budgets": _choices(BUDGETS),
        "timelines": _choices(TIMELINES),
        "title_max": jobs.TITLE_MAX,
        "max_photos": jobs.MAX_PHOTOS,
        "photo_mb": max(photo_bytes // (1024 * 1024), 1),
        "description_max": jobs.DESCRIPTION_MAX,
        **extra,
    }


def _senders(request: Request) -> EmailSenders:
    senders: EmailSenders = request.app.state.email_senders
    return senders


@router.get("/jobs")
async def my_jobs(
    request: Request, user: HomeownerUser, db: DbSession, cursor: str | None = None
) -> Response:
    rows, next_cursor = await jobs.jobs_page(db, user, limit=PER_PAGE, cursor=cursor)
    context = {
        "jobs": rows,
        "next_url": f"/jobs?{urlencode({'cursor': next_cursor})}" if next_cursor else None,
        "first_url": "/jobs" if cursor else None,
        **HELPERS,
    }
    return render(request, "marketplace/jobs.html", context)


@router.get("/jobs/new")
async def new_job(request: Request, user: HomeownerUser, db: DbSession) -> Response:
    home = await profiles.homeowner_profile(db, user)
    values = {
        "title": "",
        "description": "",
        "category": "",
        "budget": "unsure",
        "timeline": "flexible",
        "address": home.address or "",
        "zip_code": home.zip_code or "",
    }
    return render(request, "marketplace/job_form.html", _form_context(request, values, job=None))


@router.post("/jobs")
async def post_job(
    request: Request,
    user: HomeownerUser,
    db: DbSession,
    title: str = Form(""),
    description: str = Form(""),
    category: str = Form(""),
    budget: str = Form(""),
    timeline: str = Form(""),
    address: str = Form(""),
    zip_code: str = Form(""),
    photos: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    draft = JobDraft(title, description, category, budget, timeline, address, zip_code)
    settings = request.app.state.settings
    files = [(upload.filename or "", await upload.read()) for upload in photos or []]
    attached = jobs.Photos(
        files, request.app.state.file_storage, settings.marketplace_photo_max_bytes
    )
    try:
        job = await jobs.post_job(
            db,
            user,
            draft,
            match_limit=settings.marketplace_match_limit,
            sender=_senders(request)(db),
            public_url=settings.public_base_url,
            photos=attached,
        )
    except DomainError as error:
        values = {
            "title": title, "description": description, "category": category,
            "budget": budget, "timeline": timeline, "address": address, "zip_code": zip_code,
        }  # fmt: skip
        context = _form_context(request, values, job=None, errors=domain_error_fields(error))
        return render(request, "marketplace/job_form.html", context, status_code=422)
    offered = len(await jobs.offered_to(db, job.job_id))
    if offered:
        message = ngettext(
            "Job posted and offered to {count} verified contractor nearby.",
            "Job posted and offered to {count} verified contractors nearby.",
            offered,
        ).format(count=offered)
        level = "success"
    else:
        message = _(
            "Job posted. No verified contractor offering this service covers your area yet: "
            "it stays open, and you can cancel it at any time."
        )
        level = "info"
    return redirect_with_flash(request, f"/jobs/{job.job_id}", message, level)


@router.get("/jobs/{job_id}")
async def job_page(
    request: Request, job_id: uuid.UUID, user: HomeownerUser, db: DbSession
) -> Response:
    job = await jobs.homeowner_job(db, user, job_id)
    context = {
        "job": job,
        "bids": await bids.bids_for_homeowner(db, user, job_id),
        "this_year": now_new_york().year,
        "refund_days": bids.REFUND_AFTER_DAYS,
        "offered": len(await jobs.offered_to(db, job_id)),
        "can_edit": job.status == JobStatus.OPEN,
        "can_cancel": job.status in (JobStatus.OPEN, JobStatus.IN_PROGRESS),
        "can_complete": job.status == JobStatus.IN_PROGRESS,
        "review": await reviews.review_of_job(db, job_id),
        "can_review": await reviews.can_review(db, user, job_id),
        **HELPERS,
    }
    return render(request, "marketplace/job.html", context)


@router.get("/jobs/{job_id}/edit")
async def edit_job(
    request: Request, job_id: uuid.UUID, user: HomeownerUser, db: DbSession
) -> Response:
    job = await jobs.homeowner_job(db, user, job_id)
    values = {
        "title": job.title, "description": job.description, "category": job.category or "",
        "budget": job.budget or "unsure", "timeline": job.timeline or "flexible",
        "address": job.address or "", "zip_code": job.zip_code or "",
    }  # fmt: skip
    return render(request, "marketplace/job_form.html", _form_context(request, values, job=job))


@router.post("/jobs/{job_id}")
async def save_job(
    request: Request,
    job_id: uuid.UUID,
    user: HomeownerUser,
    db: DbSession,
    title: str = Form(""),
    description: str = Form(""),
    budget: str = Form(""),
    timeline: str = Form(""),
) -> Response:
    job = await jobs.homeowner_job(db, user, job_id)
    draft = JobDraft(title, description, "", budget, timeline, "", "")
    try:
        await jobs.update_job(db, user, job_id, draft)
    except DomainError as error:
        values = {
            "title": title, "description": description, "category": job.category or "",
            "budget": budget, "timeline": timeline, "address": job.address or "",
            "zip_code": job.zip_code or "",
        }  # fmt: skip
        context = _form_context(request, values, job=job, errors=domain_error_fields(error))
        return render(request, "marketplace/job_form.html", context, status_code=422)
    return redirect_with_flash(request, f"/jobs/{job_id}", _("Job saved."), "success")


@router.get("/jobs/{job_id}/cancel")
async def confirm_cancel(
    request: Request, job_id: uuid.UUID, user: HomeownerUser, db: DbSession
) -> Response:
    job = await jobs.homeowner_job(db, user, job_id)
    return render(request, "marketplace/job_cancel.html", {"job": job})


async def _move(
    request: Request, db: DbSession, user: HomeownerUser, job_id: uuid.UUID, wanted: JobStatus
) -> Response:
    if wanted == JobStatus.CANCELLED:
        return await act(
            request, f"/jobs/{job_id}", bids.cancel_job(db, user, job_id), _("Job cancelled.")
        )
    moved = jobs.move_job(db, user, job_id, wanted)
    return await act(request, f"/jobs/{job_id}", moved, _("Job marked completed."))


@router.post("/jobs/{job_id}/cancel")
async def cancel_job(
    request: Request, job_id: uuid.UUID, user: HomeownerUser, db: DbSession
) -> Response:
    return await _move(request, db, user, job_id, JobStatus.CANCELLED)


@router.post("/jobs/{job_id}/bids/{bid_id}/accept")
async def accept_bid(
    request: Request, job_id: uuid.UUID, bid_id: uuid.UUID, user: HomeownerUser, db: DbSession
) -> Response:
    settings = request.app.state.settings
    accepted = bids.accept_bid(
        db, user, job_id, bid_id, sender=_senders(request)(db), public_url=settings.public_base_url
    )
    done = _("Bid accepted: the contractor now has your contact and the job is in progress.")
    return await act(request, f"/jobs/{job_id}", accepted, done)


@router.post("/jobs/{job_id}/complete")
async def complete_job(
    request: Request, job_id: uuid.UUID, user: HomeownerUser, db: DbSession
) -> Response:
    return await _move(request, db, user, job_id, JobStatus.COMPLETED)


# ---- contractors -------------------------------------------------------------------------------


@router.get("/marketplace")
async def offers(
    request: Request, user: SubscriberUser, db: DbSession, cursor: str | None = None
) -> Response:
    rows, next_cursor = await jobs.offers_page(db, user, limit=PER_PAGE, cursor=cursor)
    profile = await profiles.subscriber_profile(db, user)
    context = {
        "offers": rows,
        "my_bids": await bids.my_bids(db, user, [row.job_id for row in rows]),
        "verified": bool(profile.verified),
        "next_url": f"/marketplace?{urlencode({'cursor': next_cursor})}" if next_cursor else None,
        "first_url": "/marketplace" if cursor else None,
        **HELPERS,
    }
    return render(request, "marketplace/offers.html", context)


@router.get("/marketplace/jobs/{job_id}")
async def offered_job(
    request: Request, job_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    values = {"amount": "", "message": "", "timeline": "this_week"}
    context = await _offer_context(db, user, job_id, values, {})
    return render(request, "marketplace/offer.html", context)


async def _offer_context(
    db: DbSession,
    user: SubscriberUser,
    job_id: uuid.UUID,
    values: dict[str, str],
    errors: dict[str, str],
) -> dict[str, Any]:
    found = await bids.contractor_job(db, user, job_id)
    won = found.bid is not None and found.bid.status == bids.BidStatus.ACCEPTED
    return {
        "job": found.job,
        "review": await reviews.review_of_job(db, job_id) if won else None,
        "bid": found.bid,
        "contact": found.contact,
        "price": await bids.bid_price(db),
        "balance": (await tokens.balance_summary(db, user.user_id)).balance,
        "timelines": _choices(TIMELINES),
        "values": values,
        "errors": errors,
        "refund_days": bids.REFUND_AFTER_DAYS,
        **HELPERS,
    }


@router.post("/marketplace/jobs/{job_id}/bid")
async def place_bid(
    request: Request,
    job_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    amount: str = Form(""),
    message: str = Form(""),
    timeline: str = Form(""),
) -> Response:
    settings = request.app.state.settings
    try:
        await bids.place_bid(
            db,
            user,
            job_id,
            amount=amount,
            message=message,
            timeline=timeline,
            sender=_senders(request)(db),
            public_url=settings.public_base_url,
        )
    except DomainError as error:
        if error.status_code == 404:
            raise
        values = {"amount": amount, "message": message, "timeline": timeline}
        context = await _offer_context(db, user, job_id, values, domain_error_fields(error))
        return render(request, "marketplace/offer.html", context, status_code=error.status_code)
    message_done = _("Bid sent. The homeowner is e-mailed; you will be too when they decide.")
    return redirect_with_flash(request, f"/marketplace/jobs/{job_id}", message_done, "success")


@router.post("/marketplace/bids/{bid_id}/withdraw")
async def withdraw_bid(
    request: Request, bid_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    try:
        bid = await bids.withdraw_bid(db, user, bid_id)
    except DomainError as error:
        if error.status_code == 404:
            raise
        return redirect_with_flash(request, "/marketplace", error.message, "error")
    return redirect_with_flash(
        request, f"/marketplace/jobs/{bid.job_id}", _("Bid withdrawn."), "success"
    )


def _photo(stored: StoredFile) -> Response:
    headers = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}
    return Response(stored.data, media_type=stored.content_type, headers=headers)


@router.get("/jobs/{job_id}/photos/{index}")
async def homeowner_photo(
    request: Request, job_id: uuid.UUID, index: int, user: HomeownerUser, db: DbSession
) -> Response:
    storage = request.app.state.file_storage
    return _photo(await jobs.job_photo(db, user, job_id, index, storage))


@router.get("/marketplace/jobs/{job_id}/photos/{index}")
async def contractor_photo(
    request: Request, job_id: uuid.UUID, index: int, user: SubscriberUser, db: DbSession
) -> Response:
    storage = request.app.state.file_storage
    return _photo(await jobs.job_photo(db, user, job_id, index, storage))
