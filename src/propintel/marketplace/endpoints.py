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
from propintel.marketplace import jobs
from propintel.marketplace.jobs import JobDraft, JobRow, JobStatus
from propintel.marketplace.schemas import JobIn, JobOut, JobPatch, OfferOut

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
    return await _out(db, await jobs.move_job(db, user, job_id, JobStatus.CANCELLED))


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


@router.get("/marketplace/jobs/{job_id}", response_model=OfferOut)
async def get_offer(job_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> OfferOut:
    return OfferOut.of(await jobs.offered_job(db, user, job_id))
