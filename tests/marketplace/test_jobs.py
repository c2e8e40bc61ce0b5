"""Jobs against the real database: matching by category, ZIP and radius (PostGIS), verified and
active contractors only, best rated first, at most N; the status machine; edits; what a contractor
sees; the offer e-mails in the recipient's language."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, UserType
from propintel.kit.errors import Conflict, Forbidden, Invalid
from propintel.marketplace import jobs
from propintel.marketplace.jobs import MOVES, IllegalMove, JobDraft, JobNotFound, JobStatus
from tests.factories import make_subscriber, make_user
from tests.marketplace.helpers import (
    DOWNTOWN,
    FAR,
    HOME_STREET,
    NEAR,
    contractor,
    draft,
    home_at,
    post,
    rate,
)

CIRCLE = {"center": {"lat": DOWNTOWN[0], "lon": DOWNTOWN[1]}, "radius_miles": 5}


async def test_offered_by_category_radius_and_zip_to_verified_active_contractors(
    db: AsyncSession,
) -> None:
    home = await home_at(db, NEAR, "33137", HOME_STREET)
    in_circle = await contractor(db, services=["pool"], area=CIRCLE)
    by_zip = await contractor(db, services=["pool", "lawn"], area={"zip_codes": ["33137"]})
    other_trade = await contractor(db, services=["roofing"], area=CIRCLE)
    too_far = await contractor(
        db,
        services=["pool"],
        area={"center": {"lat": FAR[0] + 0.1, "lon": FAR[1]}, "radius_miles": 2},
    )
    unverified = await contractor(db, services=["pool"], area=CIRCLE, verified=False)
    no_plan = await contractor(db, services=["pool"], area=CIRCLE, plan=Plan.NONE)
    homeowner = await make_user(db, UserType.HOMEOWNER)

    job = await post(db, homeowner, draft("pool"))

    offered = set(await jobs.offered_to(db, job.job_id))
    assert offered == {in_circle.user_id, by_zip.user_id}
    for left_out in (other_trade, too_far, unverified, no_plan):
        assert left_out.user_id not in offered
    assert job.property_id == home and job.status == "open"


async def test_at_most_n_best_rated_first(db: AsyncSession) -> None:
    await home_at(db, NEAR, "33137", HOME_STREET)
    pros = [await contractor(db, services=["pool"], area=CIRCLE) for _ in range(4)]
    await rate(db, pros[0].user_id, 3, 3)
    await rate(db, pros[1].user_id, 5, 4)
    await rate(db, pros[2].user_id, 5, 5)
    await rate(db, pros[3].user_id, 1, hidden=False)
    await rate(db, pros[3].user_id, 5, 5, 5, hidden=True)  # hidden reviews do not count
    homeowner = await make_user(db, UserType.HOMEOWNER)

    job = await post(db, homeowner, draft("pool"), limit=3)

    assert await jobs.offered_to(db, job.job_id) == [
        pros[2].user_id,
        pros[1].user_id,
        pros[0].user_id,
    ]


async def test_a_job_without_a_matched_property_is_placed_at_its_zip(db: AsyncSession) -> None:
    await home_at(db, NEAR, "33137", "9 OTHER ST")  # the ZIP's only parcel
    pro = await contractor(db, services=["pool"], area=CIRCLE)
    homeowner = await make_user(db, UserType.HOMEOWNER)
    job = await post(db, homeowner, draft("pool", street="1 NOWHERE LN"))
    assert job.property_id is None
    assert await jobs.offered_to(db, job.job_id) == [pro.user_id]


async def test_an_address_we_cannot_place_is_refused(db: AsyncSession) -> None:
    homeowner = await make_user(db, UserType.HOMEOWNER)
    with pytest.raises(Invalid) as refused:
        await post(db, homeowner, draft(zip_code="99999"))
    assert refused.value.field == "zip_code" and "99999" in refused.value.message
    count = await db.scalar(text("SELECT count(*) FROM homeowner_jobs"))
    assert count == 0


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("title", {"title": "  "}),
        ("description", {"description": ""}),
        ("category", {"category": "astrology"}),
        ("budget", {"budget": "a lot"}),
        ("timeline", {"timeline": "never"}),
        ("zip_code", {"zip_code": "3313"}),
        ("address", {"address": ""}),
    ],
)
async def test_bad_input_names_its_field(
    db: AsyncSession, field: str, change: dict[str, str]
) -> None:
    await home_at(db, NEAR, "33137", HOME_STREET)
    homeowner = await make_user(db, UserType.HOMEOWNER)
    values = {**draft().__dict__, **change}
    with pytest.raises(Invalid) as refused:
        await post(db, homeowner, JobDraft(**values))
    assert refused.value.field == field


async def test_only_homeowners_post(db: AsyncSession) -> None:
    with pytest.raises(Forbidden):
        await post(db, await make_subscriber(db), draft())


def test_every_move_the_machine_does_not_allow_is_refused() -> None:
    for current, wanted in itertools.product(JobStatus, JobStatus):
        if wanted in MOVES[current]:
            jobs.check_move(current.value, wanted)
        else:
            with pytest.raises(IllegalMove):
                jobs.check_move(current.value, wanted)
    assert MOVES[JobStatus.OPEN] == {JobStatus.IN_PROGRESS, JobStatus.CANCELLED}
    assert MOVES[JobStatus.IN_PROGRESS] == {JobStatus.COMPLETED, JobStatus.CANCELLED}


async def test_moves_through_the_service(db: AsyncSession) -> None:
    await home_at(db, NEAR, "33137", HOME_STREET)
    homeowner = await make_user(db, UserType.HOMEOWNER)
    job = await post(db, homeowner, draft())
    for wanted in (JobStatus.COMPLETED, JobStatus.IN_PROGRESS, JobStatus.OPEN):
        with pytest.raises(IllegalMove):  # in progress only comes with an accepted bid
            await jobs.move_job(db, homeowner, job.job_id, wanted)
    cancelled = await jobs.move_job(db, homeowner, job.job_id, JobStatus.CANCELLED)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
    for wanted in JobStatus:
        with pytest.raises(IllegalMove):
            await jobs.move_job(db, homeowner, job.job_id, wanted)
    with pytest.raises(Conflict):
        await jobs.update_job(db, homeowner, job.job_id, draft())


async def test_an_open_job_is_edited_but_keeps_its_category_and_address(db: AsyncSession) -> None:
    await home_at(db, NEAR, "33137", HOME_STREET)
    homeowner = await make_user(db, UserType.HOMEOWNER)
    job = await post(db, homeowner, draft("pool"))
    change = JobDraft("New title", "New words", "roofing", "unsure", "asap", "1 ELSEWHERE", "33139")
    edited = await jobs.update_job(db, homeowner, job.job_id, change)
    assert (edited.title, edited.description, edited.budget, edited.timeline) == (
        "New title",
        "New words",
        "unsure",
        "asap",
    )
    assert (edited.category, edited.zip_code, edited.address) == ("pool", job.zip_code, job.address)


async def test_another_homeowner_and_unoffered_contractors_cannot_read_it(db: AsyncSession) -> None:
    await home_at(db, NEAR, "33137", HOME_STREET)
    offered = await contractor(db, services=["pool"], area=CIRCLE)
    elsewhere = await contractor(db, services=["roofing"], area=CIRCLE)
    homeowner = await make_user(db, UserType.HOMEOWNER)
    job = await post(db, homeowner, draft("pool"))
    with pytest.raises(JobNotFound):
        await jobs.homeowner_job(db, await make_user(db, UserType.HOMEOWNER), job.job_id)
    with pytest.raises(JobNotFound):
        await jobs.offered_job(db, elsewhere, job.job_id)
    view = await jobs.offered_job(db, offered, job.job_id)
    assert view.zip_code == "33137"
    assert not hasattr(view, "address") and not hasattr(view, "homeowner_id")


async def test_each_offered_contractor_is_emailed_in_their_language(db: AsyncSession) -> None:
    await home_at(db, NEAR, "33137", HOME_STREET)
    english = await contractor(db, services=["pool"], area=CIRCLE)
    spanish = await contractor(db, services=["pool"], area=CIRCLE, locale="es")
    homeowner = await make_user(db, UserType.HOMEOWNER)
    job = await post(db, homeowner, draft("pool"))
    rows = await db.execute(
        text("SELECT to_email, subject, text_body FROM email_outbox WHERE category = 'marketplace'")
    )
    mail = {to: (subject, body) for to, subject, body in rows}
    assert set(mail) == {english.email, spanish.email}
    assert mail[english.email][0] == "New job near you: Green pool, pump noisy"
    assert mail[spanish.email][0].startswith("Nuevo trabajo cerca de usted")
    for _subject, body in mail.values():
        assert f"/marketplace/jobs/{job.job_id}" in body
        assert HOME_STREET not in body and homeowner.email not in body
