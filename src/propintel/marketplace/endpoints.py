"""The marketplace's API: a homeowner's jobs (``/api/v1/jobs``) and the jobs offered to a
contractor (``/api/v1/marketplace/jobs``). Another homeowner's job, or a job not offered to the
caller, is a 404 like a missing one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from propintel.auth.deps import HomeownerUser, SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.pagination import Page
from propintel.marketplace import bids, jobs
from propintel.marketplace.jobs import JobDraft, JobRow, JobStatus
from propintel.marketplace.schemas import (
    BidIn,
    BidOut,
    ComparedBidOut,
    JobIn,
    JobOut,
    JobPatch,
    OfferDetailOut,
    OfferOut,
)

router = APIRouter(prefix="/api/v1", tags=["marketplace"])
MAX_PAGE = 100


async def _out(db: DbSession, job: JobRow) -> JobOut:
    return JobOut.of(job, len(await jobs.offered_to(db, job.job_id)))


@router.post("/jobs", response_model=JobOut, status_code=201)
async def post_job(body: JobIn, request: Request, user: HomeownerUser, db: DbSession) -> JobOut:
    """Post a job: located, and offered to the best matching verified contractors (e-mailed)."""
    settings = request.app.state.settings
    job = await jobs.post_job(
        db,
        user,
        body.draft(),
        match_limit=settings.marketplace_match_limit,
        sender=request.app.state.email_senders(db),
        public_url=settings.public_base_url,
    )
    return await _out(db, job)


@router.get("/jobs", response_model=Page[JobOut])
async def list_jobs(
    user: HomeownerUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    cursor: str | None = None,
) -> Page[JobOut]:
    """Your jobs, the latest posted first."""
    rows, next_cursor = await jobs.jobs_page(db, user, limit=limit, cursor=cursor)
    return Page(items=[await _out(db, row) for row in rows], next_cursor=next_cursor)


@router.get("/jobs/{job_id}", response_model=JobOut)
async def get_job(job_id: uuid.UUID, user: HomeownerUser, db: DbSession) -> JobOut:
    return await _out(db, await jobs.homeowner_job(db, user, job_id))


@router.patch("/jobs/{job_id}", response_model=JobOut)
async def change_job(
    job_id: uuid.UUID, body: JobPatch, user: HomeownerUser, db: DbSession
) -> JobOut:
    """Change an open job's title, description, budget and timeline."""
    draft = JobDraft(body.title, body.description, "", body.budget, body.timeline, "", "")
    return await _out(db, await jobs.update_job(db, user, job_id, draft))


@router.post("/jobs/{job_id}/cancel", response_model=JobOut)
async def cancel_job(job_id: uuid.UUID, user: HomeownerUser, db: DbSession) -> JobOut:
    """Cancel the job; before any bid is accepted, every bid's credits are refunded."""
    return await _out(db, await bids.cancel_job(db, user, job_id))


@router.get("/jobs/{job_id}/bids", response_model=list[ComparedBidOut])
async def job_bids(job_id: uuid.UUID, user: HomeownerUser, db: DbSession) -> list[ComparedBidOut]:
    """The job's bids, lowest first (your first look stops the 14-day refund)."""
    found = await bids.bids_for_homeowner(db, user, job_id)
    return [ComparedBidOut.compared(item) for item in found]


@router.post("/jobs/{job_id}/bids/{bid_id}/accept", response_model=JobOut)
async def accept_bid(
    job_id: uuid.UUID, bid_id: uuid.UUID, request: Request, user: HomeownerUser, db: DbSession
) -> JobOut:
    """Accept one bid: the others are rejected, the job goes in progress (409 if decided)."""
    settings = request.app.state.settings
    job = await bids.accept_bid(
        db,
        user,
        job_id,
        bid_id,
        sender=request.app.state.email_senders(db),
        public_url=settings.public_base_url,
    )
    return await _out(db, job)


@router.post("/jobs/{job_id}/complete", response_model=JobOut)
async def complete_job(job_id: uuid.UUID, user: HomeownerUser, db: DbSession) -> JobOut:
    return await _out(db, await jobs.move_job(db, user, job_id, JobStatus.COMPLETED))


@router.get("/marketplace/jobs", response_model=Page[OfferOut])
async def list_offers(
    user: SubscriberUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    cursor: str | None = None,
) -> Page[OfferOut]:
    """The jobs offered to you, the latest first."""
    rows, next_cursor = await jobs.offers_page(db, user, limit=limit, cursor=cursor)
    return Page(items=[OfferOut.of(view) for view in rows], next_cursor=next_cursor)


@router.get("/marketplace/jobs/{job_id}", response_model=OfferDetailOut)
async def get_offer(job_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> OfferDetailOut:
    """A job offered to you, your bid, and the homeowner's contact once your bid is accepted."""
    return OfferDetailOut.detail(await bids.contractor_job(db, user, job_id))


@router.post("/marketplace/jobs/{job_id}/bids", response_model=BidOut, status_code=201)
async def place_bid(
    job_id: uuid.UUID, body: BidIn, request: Request, user: SubscriberUser, db: DbSession
) -> BidOut:
    """Bid once on a job offered to you (charged ``job_bid``; 402 when the balance is short)."""
    bid = await bids.place_bid(
        db,
        user,
        job_id,
        amount=body.amount,
        message=body.message,
        timeline=body.timeline,
        sender=request.app.state.email_senders(db),
        public_url=request.app.state.settings.public_base_url,
    )
    return BidOut.of(bid)


@router.post("/marketplace/bids/{bid_id}/withdraw", response_model=BidOut)
async def withdraw_bid(bid_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> BidOut:
    """Withdraw your pending bid (not refunded)."""
    return BidOut.of(await bids.withdraw_bid(db, user, bid_id))
