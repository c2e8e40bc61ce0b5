"""Reviews: only the homeowner of a completed job with an accepted bid, once per job, rating 1-5;
the contractor replies once; an admin hides an abusive review with a reason (audited), and it is
then neither shown nor counted; the public profile shows the rating."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User, UserType
from propintel.integrations.local.email import LocalEmail
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict, Forbidden, Invalid, NotFound
from propintel.marketplace import bids, jobs, reviews
from propintel.marketplace.jobs import JobRow, JobStatus
from propintel.tokens.service import credit_purchase
from tests.factories import csrf_of, log_in_browser, make_user
from tests.marketplace.helpers import DOWNTOWN, HOME_STREET, NEAR, contractor, draft, home_at, post

CIRCLE = {"center": {"lat": DOWNTOWN[0], "lon": DOWNTOWN[1]}, "radius_miles": 5}


async def _hired(db: AsyncSession, *, complete: bool = True) -> tuple[User, User, JobRow]:
    """A homeowner, the contractor whose bid they accepted, and the job (completed)."""
    await home_at(db, NEAR, "33137", HOME_STREET)
    pro = await contractor(db, services=["pool"], area=CIRCLE)
    await credit_purchase(db, pro.user_id, 100, Decimal("9.99"), None, now=now_new_york())
    homeowner = await make_user(db, UserType.HOMEOWNER)
    job = await post(db, homeowner, draft("pool"))
    sender = LocalEmail(db, "jobs@propintel.test")
    bid = await bids.place_bid(
        db, pro, job.job_id, amount="900", message="", timeline="asap", sender=sender,
        public_url="http://t",
    )  # fmt: skip
    await bids.accept_bid(
        db, homeowner, job.job_id, bid.bid_id, sender=sender, public_url="http://t"
    )
    if complete:
        job = await jobs.move_job(db, homeowner, job.job_id, JobStatus.COMPLETED)
    return homeowner, pro, job


async def test_only_the_homeowner_of_a_completed_hired_job_reviews_once(db: AsyncSession) -> None:
    homeowner, pro, job = await _hired(db, complete=False)
    with pytest.raises(Forbidden):  # in progress: not yet
        await reviews.add_review(db, homeowner, job.job_id, 5, "Great")
    await jobs.move_job(db, homeowner, job.job_id, JobStatus.COMPLETED)
    stranger = await make_user(db, UserType.HOMEOWNER)
    with pytest.raises(NotFound):
        await reviews.add_review(db, stranger, job.job_id, 1, "Spite")
    for bad in (0, 6, "five"):
        with pytest.raises(Invalid):
            await reviews.add_review(db, homeowner, job.job_id, bad, "")
    review = await reviews.add_review(db, homeowner, job.job_id, 4, "Clean pool, on time.")
    assert (review.contractor_id, review.rating) == (pro.user_id, 4)
    with pytest.raises(Conflict):
        await reviews.add_review(db, homeowner, job.job_id, 5, "Again")
    assert not await reviews.can_review(db, homeowner, job.job_id)


async def test_a_job_without_an_accepted_bid_cannot_be_reviewed(db: AsyncSession) -> None:
    await home_at(db, NEAR, "33137", HOME_STREET)
    homeowner = await make_user(db, UserType.HOMEOWNER)
    job = await post(db, homeowner, draft("pool"))
    await bids.cancel_job(db, homeowner, job.job_id)
    with pytest.raises(Forbidden):
        await reviews.add_review(db, homeowner, job.job_id, 5, "")


async def test_the_contractor_replies_once(db: AsyncSession) -> None:
    homeowner, pro, job = await _hired(db)
    review = await reviews.add_review(db, homeowner, job.job_id, 2, "Late.")
    other = await contractor(db, services=["pool"], area=CIRCLE)
    with pytest.raises(NotFound):
        await reviews.reply(db, other, review.review_id, "Not mine")
    replied = await reviews.reply(db, pro, review.review_id, "Sorry, the part was late.")
    assert replied.reply_text == "Sorry, the part was late."
    with pytest.raises(Conflict):
        await reviews.reply(db, pro, review.review_id, "Twice")


async def test_a_hidden_review_is_neither_shown_nor_counted_and_is_audited(
    db: AsyncSession,
) -> None:
    homeowner, pro, job = await _hired(db)
    review = await reviews.add_review(db, homeowner, job.job_id, 1, "Abusive words")
    admin = await make_user(db, UserType.ADMIN)
    with pytest.raises(Invalid):
        await reviews.hide(db, admin, review.review_id, "  ")
    await reviews.hide(db, admin, review.review_id, "Insults")
    profile = await reviews.public_profile(db, pro.user_id)
    assert (profile.rating, profile.reviews) == (None, 0)
    shown, _ = await reviews.reviews_page(db, limit=10, contractor_id=pro.user_id)
    assert shown == []
    logged = (
        await db.execute(
            text(
                "SELECT action, target_entity, changes FROM admin_audit_logs "
                "WHERE admin_user_id = :a"
            ),
            {"a": admin.user_id},
        )
    ).one()
    assert logged[0] == "review.hide" and logged[1] == "contractor_reviews"
    assert logged[2]["after"]["reason"] == "Insults"


async def test_the_public_profile_shows_the_rating_to_anyone(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    homeowner, pro, job = await _hired(db)
    await log_in_browser(client, homeowner)
    posted = await client.post(
        f"/jobs/{job.job_id}/review",
        data={"rating": "5", "text": "Excellent work", "csrf_token": csrf_of(client)},
    )
    assert posted.status_code == 303
    client.cookies.clear()  # a visitor
    page = await client.get(f"/contractors/{pro.user_id}")
    assert page.status_code == 200
    assert "5.0 of 5 from 1 review" in page.text and "Excellent work" in page.text
    assert 'data-testid="verified-badge"' in page.text
    assert (await client.get(f"/contractors/{homeowner.user_id}")).status_code == 404


async def test_the_public_profile_links_the_google_reviews_when_given(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    from propintel.marketplace import verification

    pro = await contractor(db, services=["pool"], area=CIRCLE)
    with pytest.raises(Invalid):
        await verification.update_details(
            db, pro, license_number="", license_type="", year_established="",
            now=now_new_york(), google_place_id="not a place id!",
        )  # fmt: skip
    await verification.update_details(
        db, pro, license_number="", license_type="", year_established="2015",
        now=now_new_york(), google_place_id="ChIJN1t_tDeuEmsRUsoyG83frY4",
    )  # fmt: skip
    page = await client.get(f"/contractors/{pro.user_id}")
    assert (
        "https://search.google.com/local/reviews?placeid=ChIJN1t_tDeuEmsRUsoyG83frY4" in page.text
    )
    assert "In business since" in page.text and 'data-testid="verified-badge"' in page.text
