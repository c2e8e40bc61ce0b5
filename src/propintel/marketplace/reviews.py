"""Reviews: only the homeowner of a completed job with an accepted bid reviews that contractor,
once per job (rating 1-5, the spec's CHECK, and a text); the contractor replies once; an admin
hides an abusive review with a reason (audit-logged, the reason kept; hidden reviews are neither
shown nor counted). A contractor's public profile shows the visible reviews and their average.
Reviews come only from jobs done through the marketplace, so none is from a stranger."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.audit.service import Admin, audit
from propintel.auth.models import User, UserType
from propintel.auth.service import users_by_ids
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict, Forbidden, Invalid, NotFound
from propintel.kit.i18n import _
from propintel.kit.pagination import KeyPart, Listing
from propintel.marketplace import jobs, verification
from propintel.marketplace.jobs import JobStatus
from propintel.marketplace.reviews_repository import ReviewRow, ReviewsRepository
from propintel.profiles import service as profiles

TEXT_MAX = 2_000
REVIEWS = Listing("marketplace_reviews", (KeyPart.DATETIME, KeyPart.UUID))
ENTITY = "contractor_reviews"


class ReviewNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such review."))


def _text(value: str, field: str, *, required: bool) -> str | None:
    text = value.replace("\x00", "").replace("\r\n", "\n").strip()
    if not text:
        if required:
            raise Invalid(_("Write a few words."), field=field)
        return None
    if len(text) > TEXT_MAX:
        raise Invalid(
            _("Too long: at most {max} characters.").format(max=f"{TEXT_MAX:,}"), field=field
        )
    return text


def _rating(value: object) -> int:
    try:
        rating = int(str(value))
    except ValueError:
        rating = 0
    if not 1 <= rating <= 5:
        raise Invalid(_("Choose a rating from 1 to 5 stars."), field="rating")
    return rating


async def review_of_job(session: AsyncSession, job_id: uuid.UUID) -> ReviewRow | None:
    return await ReviewsRepository.from_session(session).of_job(job_id)


async def can_review(session: AsyncSession, user: User, job_id: uuid.UUID) -> bool:
    """Whether the homeowner may review this job now (completed, a bid accepted, no review)."""
    job = await jobs.homeowner_job(session, user, job_id)
    repo = ReviewsRepository.from_session(session)
    return (
        job.status == JobStatus.COMPLETED
        and await repo.accepted_contractor(job_id) is not None
        and await repo.of_job(job_id) is None
    )


async def add_review(
    session: AsyncSession,
    user: User,
    job_id: uuid.UUID,
    rating: object,
    text: str,
    now: datetime | None = None,
) -> ReviewRow:
    """The homeowner reviews the contractor of their completed job, once."""
    job = await jobs.homeowner_job(session, user, job_id)
    repo = ReviewsRepository.from_session(session)
    contractor_id = await repo.accepted_contractor(job_id)
    if job.status != JobStatus.COMPLETED or contractor_id is None:
        raise Forbidden(
            _("A job is reviewed once it is completed, by the homeowner who chose a bid.")
        )
    values = {
        "contractor_id": contractor_id,
        "homeowner_id": user.user_id,
        "job_id": job_id,
        "rating": _rating(rating),
        "review_text": _text(text, "text", required=False),
        "created_at": now or now_new_york(),
    }
    try:
        async with session.begin_nested():
            review_id = await repo.add(values)
    except IntegrityError:  # uq_contractor_reviews_job
        raise Conflict(_("This job is already reviewed.")) from None
    added = await repo.get(review_id)
    assert added is not None
    return added


async def reply(
    session: AsyncSession, user: User, review_id: uuid.UUID, text: str, now: datetime | None = None
) -> ReviewRow:
    """The reviewed contractor's one reply."""
    repo = ReviewsRepository.from_session(session)
    review = await repo.get(review_id, lock=True)
    if review is None or review.contractor_id != user.user_id:
        raise ReviewNotFound()
    if review.reply_text is not None:
        raise Conflict(_("You already replied to this review."))
    await repo.set(
        review_id, reply_text=_text(text, "reply", required=True), replied_at=now or now_new_york()
    )
    replied = await repo.get(review_id)
    assert replied is not None
    return replied


async def hide(
    session: AsyncSession,
    admin: Admin,
    review_id: uuid.UUID,
    reason: str,
    now: datetime | None = None,
) -> ReviewRow:
    """An admin hides an abusive review; the reason is required and kept, the change audited."""
    repo = ReviewsRepository.from_session(session)
    review = await repo.get(review_id, lock=True)
    if review is None:
        raise ReviewNotFound()
    if review.hidden_at is not None:
        raise Conflict(_("This review is already hidden."))
    why = _text(reason, "reason", required=True)
    now = now or now_new_york()
    await repo.set(review_id, hidden_at=now, hidden_reason=why, hidden_by=admin.user_id)
    await audit(
        session, admin, "review.hide", ENTITY, review_id,
        {"hidden": False}, {"hidden": True, "reason": why, "rating": review.rating},
    )  # fmt: skip
    hidden = await repo.get(review_id)
    assert hidden is not None
    return hidden


async def reviews_page(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None = None,
    contractor_id: uuid.UUID | None = None,
    visible_only: bool = True,
) -> tuple[list[ReviewRow], str | None]:
    bound = f"{contractor_id or ''}:{visible_only}"
    after = REVIEWS.decode_optional(cursor, bound_to=bound)
    rows = await ReviewsRepository.from_session(session).page(
        after, limit + 1, contractor_id=contractor_id, visible_only=visible_only
    )
    return REVIEWS.page(rows, limit, lambda r: (r.created_at, r.review_id), bound_to=bound)


@dataclass(frozen=True)
class PublicProfile:
    user_id: uuid.UUID
    business_name: str | None
    description: str | None
    logo_url: str | None
    website: str | None
    services: list[str]
    service_area: dict[str, Any] | None
    verified: bool
    year_established: int | None
    rating: float | None
    reviews: int
    google_place_id: str | None = None

    @property
    def google_reviews_url(self) -> str | None:
        if not self.google_place_id:
            return None
        return f"https://search.google.com/local/reviews?placeid={self.google_place_id}"


async def public_profile(session: AsyncSession, contractor_id: uuid.UUID) -> PublicProfile:
    """What anyone sees of a contractor (``NotFound`` for anyone who is not a subscriber)."""
    found = await users_by_ids(session, [contractor_id])
    if not found or found[0].user_type != UserType.SUBSCRIBER or found[0].erased_at is not None:
        raise NotFound(_("No such contractor."))
    profile = await profiles.subscriber_profile(session, found[0])
    state = await verification.for_review(session, contractor_id)
    rating, count = await ReviewsRepository.from_session(session).rating(contractor_id)
    return PublicProfile(
        user_id=contractor_id,
        business_name=profile.business_name,
        description=profile.business_description,
        logo_url=profile.business_logo_url,
        website=profile.website_url,
        services=list(profile.services_offered or []),
        service_area=profile.service_area,
        verified=bool(profile.verified),
        year_established=state.year_established,
        rating=rating,
        reviews=count,
        google_place_id=state.google_place_id,
    )
