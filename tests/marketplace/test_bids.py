"""Bids against the real database: charged once per contractor and job, withdrawn while pending,
compared by the homeowner, accepted atomically (two accepts at once: exactly one wins), each refund
rule, the pipeline lead of the winner, and the homeowner's contact shown only after acceptance."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User, UserType
from propintel.integrations.local.email import LocalEmail
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict
from propintel.marketplace import bids, jobs
from propintel.marketplace.bids import BidNotFound
from propintel.marketplace.jobs import IllegalMove, JobNotFound, JobRow
from propintel.tokens.errors import InsufficientTokens
from propintel.tokens.service import credit_purchase
from tests.factories import make_user, token_balance
from tests.marketplace.helpers import DOWNTOWN, HOME_STREET, NEAR, contractor, draft, home_at, post

CIRCLE = {"center": {"lat": DOWNTOWN[0], "lon": DOWNTOWN[1]}, "radius_miles": 5}
PRICE = 25  # the catalog's default job_bid price


async def _funded(db: AsyncSession, credits: int = 100) -> User:
    pro = await contractor(db, services=["pool"], area=CIRCLE)
    await credit_purchase(db, pro.user_id, credits, Decimal("9.99"), None, now=now_new_york())
    return pro


def _sender(db: AsyncSession) -> LocalEmail:
    return LocalEmail(db, "jobs@propintel.test")


async def _bid(db: AsyncSession, pro: User, job: JobRow, amount: str = "1200") -> bids.BidRow:
    return await bids.place_bid(
        db, pro, job.job_id, amount=amount, message="Can start Monday.", timeline="this_week",
        sender=_sender(db), public_url="http://testserver",
    )  # fmt: skip


async def _job_with_pros(db: AsyncSession, count: int = 2) -> tuple[User, JobRow, list[User]]:
    await home_at(db, NEAR, "33137", HOME_STREET)
    pros = [await _funded(db) for _ in range(count)]
    homeowner = await make_user(db, UserType.HOMEOWNER)
    job = await post(db, homeowner, draft("pool"))
    return homeowner, job, pros


async def test_a_bid_is_charged_once_and_only_once_per_job(db: AsyncSession) -> None:
    _, job, [pro, _other] = await _job_with_pros(db)
    placed = await _bid(db, pro, job)
    assert placed.status == "pending" and placed.usage_log_id is not None
    assert await token_balance(db, pro.user_id) == 100 - PRICE
    with pytest.raises(Conflict):
        await _bid(db, pro, job, "900")
    assert await token_balance(db, pro.user_id) == 100 - PRICE


async def test_only_offered_contractors_bid_and_only_on_open_jobs(db: AsyncSession) -> None:
    homeowner, job, [pro, _] = await _job_with_pros(db)
    outsider = await contractor(db, services=["roofing"], area=CIRCLE)
    with pytest.raises(JobNotFound):
        await _bid(db, outsider, job)
    await bids.cancel_job(db, homeowner, job.job_id)
    with pytest.raises(Conflict):
        await _bid(db, pro, job)


async def test_a_bid_is_refused_when_the_balance_cannot_pay(db: AsyncSession) -> None:
    await home_at(db, NEAR, "33137", HOME_STREET)
    poor = await contractor(db, services=["pool"], area=CIRCLE)
    homeowner = await make_user(db, UserType.HOMEOWNER)
    job = await post(db, homeowner, draft("pool"))
    with pytest.raises(InsufficientTokens):
        await _bid(db, poor, job)
    count = await db.scalar(text("SELECT count(*) FROM job_bids"))
    assert count == 0


async def test_withdraw_while_pending_only(db: AsyncSession) -> None:
    _, job, [pro, other] = await _job_with_pros(db)
    placed = await _bid(db, pro, job)
    with pytest.raises(BidNotFound):
        await bids.withdraw_bid(db, other, placed.bid_id)
    withdrawn = await bids.withdraw_bid(db, pro, placed.bid_id)
    assert withdrawn.status == "withdrawn"
    with pytest.raises(Conflict):
        await bids.withdraw_bid(db, pro, placed.bid_id)
    assert await token_balance(db, pro.user_id) == 100 - PRICE  # a withdrawal is not refunded


async def test_accepting_decides_every_bid_moves_the_job_and_fills_the_pipeline(
    db: AsyncSession,
) -> None:
    homeowner, job, [winner, loser] = await _job_with_pros(db)
    won = await _bid(db, winner, job, "1500")
    lost = await _bid(db, loser, job, "900")
    compared = await bids.bids_for_homeowner(db, homeowner, job.job_id)
    assert [c.bid.bid_id for c in compared] == [lost.bid_id, won.bid_id]  # lowest first
    assert all(c.verified for c in compared)

    moved = await bids.accept_bid(
        db, homeowner, job.job_id, won.bid_id, sender=_sender(db), public_url="http://t"
    )

    assert moved.status == "in_progress"
    statuses = {
        row[0]: row[1] for row in await db.execute(text("SELECT bid_id, status FROM job_bids"))
    }
    assert statuses == {won.bid_id: "accepted", lost.bid_id: "rejected"}
    lead = (
        await db.execute(
            text("SELECT lead_source, property_id FROM saved_leads WHERE user_id = :u"),
            {"u": winner.user_id},
        )
    ).one()
    assert lead == ("marketplace", job.property_id)
    with pytest.raises(Conflict, match="already has an accepted bid"):
        await bids.accept_bid(
            db, homeowner, job.job_id, lost.bid_id, sender=_sender(db), public_url="http://t"
        )
    mail = await db.scalars(text("SELECT to_email FROM email_outbox WHERE subject LIKE '%bid%'"))
    assert {winner.email, loser.email, homeowner.email} <= set(mail)


async def test_the_homeowner_s_contact_only_after_acceptance(db: AsyncSession) -> None:
    homeowner, job, [winner, loser] = await _job_with_pros(db)
    won = await _bid(db, winner, job)
    await _bid(db, loser, job)
    before = await bids.contractor_job(db, winner, job.job_id)
    assert before.contact is None
    await bids.accept_bid(
        db, homeowner, job.job_id, won.bid_id, sender=_sender(db), public_url="http://t"
    )
    after = await bids.contractor_job(db, winner, job.job_id)
    assert after.contact is not None and after.contact.address.startswith(HOME_STREET)
    assert after.contact.email == homeowner.email
    assert (await bids.contractor_job(db, loser, job.job_id)).contact is None


async def test_cancelling_before_any_acceptance_refunds_every_bid(db: AsyncSession) -> None:
    homeowner, job, [pro, other] = await _job_with_pros(db)
    await _bid(db, pro, job)
    second = await _bid(db, other, job)
    await bids.withdraw_bid(db, other, second.bid_id)
    await bids.cancel_job(db, homeowner, job.job_id)
    assert await token_balance(db, pro.user_id) == 100
    assert await token_balance(db, other.user_id) == 100  # the job died: withdrawn ones too
    reasons = set(await db.scalars(text("SELECT refund_reason FROM job_bids")))
    assert reasons == {"job_cancelled"}


async def test_cancelling_after_acceptance_refunds_nothing(db: AsyncSession) -> None:
    homeowner, job, [winner, loser] = await _job_with_pros(db)
    won = await _bid(db, winner, job)
    await _bid(db, loser, job)
    await bids.accept_bid(
        db, homeowner, job.job_id, won.bid_id, sender=_sender(db), public_url="http://t"
    )
    await bids.cancel_job(db, homeowner, job.job_id)
    assert await token_balance(db, winner.user_id) == 100 - PRICE
    assert await token_balance(db, loser.user_id) == 100 - PRICE


async def test_bids_never_looked_at_within_14_days_are_refunded_once(db: AsyncSession) -> None:
    _homeowner, job, [old_pro, new_pro] = await _job_with_pros(db)
    now = now_new_york()
    old = await bids.place_bid(
        db, old_pro, job.job_id, amount="800", message="", timeline="asap",
        sender=_sender(db), public_url="http://t", now=now - timedelta(days=15),
    )  # fmt: skip
    await _bid(db, new_pro, job)
    assert await bids.refund_unviewed_bids(db, now) == 1
    assert await bids.refund_unviewed_bids(db, now) == 0  # once
    assert await token_balance(db, old_pro.user_id) == 100
    assert await token_balance(db, new_pro.user_id) == 100 - PRICE
    refunded = await db.scalar(
        text("SELECT refund_reason FROM job_bids WHERE bid_id = :b"), {"b": old.bid_id}
    )
    assert refunded == "bids_not_viewed"


async def test_bids_the_homeowner_looked_at_are_not_refunded(db: AsyncSession) -> None:
    homeowner, job, [pro, _] = await _job_with_pros(db)
    now = now_new_york()
    await bids.place_bid(
        db, pro, job.job_id, amount="800", message="", timeline="asap",
        sender=_sender(db), public_url="http://t", now=now - timedelta(days=15),
    )  # fmt: skip
    await bids.bids_for_homeowner(db, homeowner, job.job_id)  # the first look
    assert await bids.refund_unviewed_bids(db, now) == 0


async def test_two_accepts_at_once_exactly_one_wins(import_url: str) -> None:
    """Two sessions accept two bids of one job concurrently: one job row lock, one winner."""
    from propintel.db.engine import create_engine_for, unit_of_work

    own = create_engine_for(import_url, pool_size=3)
    try:
        async with unit_of_work(own) as db:
            homeowner, job, [a, b] = await _job_with_pros(db)
            first = await _bid(db, a, job)
            second = await _bid(db, b, job)
            ids = (homeowner.user_id, job.job_id, first.bid_id, second.bid_id)

        async def accept(bid_id: uuid.UUID) -> str:
            async with unit_of_work(own) as session:
                user = await session.get(User, ids[0])
                assert user is not None
                try:
                    await bids.accept_bid(
                        session,
                        user,
                        ids[1],
                        bid_id,
                        sender=_sender(session),
                        public_url="http://t",
                    )
                except (IllegalMove, Conflict):
                    return "refused"
                return "accepted"

        results = await asyncio.gather(accept(ids[2]), accept(ids[3]))
        assert sorted(results) == ["accepted", "refused"]
        async with unit_of_work(own) as db:
            accepted = await db.scalar(
                text("SELECT count(*) FROM job_bids WHERE job_id = :j AND status = 'accepted'"),
                {"j": ids[1]},
            )
            assert accepted == 1
    finally:
        await own.dispose()


async def test_another_homeowner_cannot_accept_or_see_the_bids(db: AsyncSession) -> None:
    homeowner, job, [pro, _] = await _job_with_pros(db)
    placed = await _bid(db, pro, job)
    stranger = await make_user(db, UserType.HOMEOWNER)
    with pytest.raises(JobNotFound):
        await bids.bids_for_homeowner(db, stranger, job.job_id)
    with pytest.raises(JobNotFound):
        await bids.accept_bid(
            db, stranger, job.job_id, placed.bid_id, sender=_sender(db), public_url="http://t"
        )
    assert (await jobs.homeowner_job(db, homeowner, job.job_id)).status == "open"


async def test_the_bid_price_is_the_admin_s_once_priced(db: AsyncSession) -> None:
    from propintel.catalog import service as catalog

    assert [p.action_type for p in await catalog.defaults_in_use(db)] == ["job_bid"]
    await db.execute(
        text(
            "INSERT INTO token_pricing (action_type, tokens_required, actual_cost_usd) "
            "VALUES ('job_bid', 40, 0)"
        )
    )
    assert await catalog.defaults_in_use(db) == []
    _, job, [pro, _other] = await _job_with_pros(db)
    await _bid(db, pro, job)
    assert await token_balance(db, pro.user_id) == 100 - 40
