"""Saved-search alerts end to end: new matches → one digest with exactly those properties →
nothing on the next run; due rules; plan gating; a failed send is retried; the schedule."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, User
from propintel.integrations.local.email import LocalEmail
from propintel.integrations.local.outbox_repository import OutboxRepository
from propintel.jobs.registry import declared_jobs
from propintel.jobs.schedule import NEW_YORK, SCHEDULE
from propintel.saved_searches.alerts import AlertReport, run_due_alerts
from propintel.saved_searches.models import AlertFrequency, SavedSearch
from propintel.saved_searches.service import create_search
from propintel.saved_searches.tasks import send_alerts_job
from propintel.search.criteria import SearchCriteria
from tests.factories import make_subscriber, scored_property
from tests.leads.helpers import FailingOnce

SAVED = datetime(2026, 6, 1, 15, 0)
DAY_1 = datetime(2026, 6, 2, 7, 0)
BASE = "https://app.example"


async def _search(
    db: AsyncSession,
    user: User,
    criteria: dict[str, object],
    frequency: AlertFrequency = AlertFrequency.DAILY,
) -> SavedSearch:
    return await create_search(
        db,
        user,
        "Little River",
        SearchCriteria.model_validate(criteria),
        frequency,
        SAVED,
    )


async def _run(db: AsyncSession, now: datetime) -> AlertReport:
    return await run_due_alerts(db, LocalEmail(db, "alerts@example.com"), now, BASE)


async def _outbox(db: AsyncSession, user: User) -> list[tuple[str, str]]:
    emails = await OutboxRepository(db).page(user.user_id, None, 50)
    return [(email.subject, email.text_body) for email in emails]


async def _property(db: AsyncSession, street: str, **columns: object) -> uuid.UUID:
    values: dict[str, object] = {"zip_code": "33150", "distressed": 30, **columns}
    return await scored_property(db, full_address=f"{street}, MIAMI, FL 33150", **values)  # type: ignore[arg-type]


async def test_new_matches_get_one_digest_then_nothing_until_more_appear(
    db: AsyncSession,
) -> None:
    user = await make_subscriber(db)
    await _property(db, "1 OLD ST")  # matched when saved: the baseline, never alerted
    search = await _search(db, user, {"intent": "distressed", "zip": ["33150"]})
    b = await _property(db, "2 NEW ST", distressed=40)
    c = await _property(db, "3 NEW ST", distressed=55)
    await _property(db, "4 ELSEWHERE ST", zip_code="33101")  # another ZIP
    await _property(db, "5 FINE ST", distressed=0)  # not distressed

    first = await _run(db, DAY_1)
    same_day = await _run(db, DAY_1 + timedelta(hours=5))
    next_day = await _run(db, DAY_1 + timedelta(days=1))
    f = await _property(db, "6 LATER ST", distressed=35)
    third_day = await _run(db, DAY_1 + timedelta(days=2))

    assert (first.emails, first.properties, first.searches) == (1, 2, 1)
    assert same_day.searches == 0  # a daily search runs once per New York day
    assert (next_day.searches, next_day.emails, next_day.nothing_new) == (1, 0, 1)
    assert (third_day.emails, third_day.properties) == (1, 1)
    emails = await _outbox(db, user)
    assert len(emails) == 2
    (later_subject, later_text), (subject, body) = emails
    assert subject == '2 new properties for "Little River"'
    assert body.index("3 NEW ST") < body.index("2 NEW ST")  # best score first
    for absent in ("1 OLD ST", "4 ELSEWHERE ST", "5 FINE ST", "6 LATER ST"):
        assert absent not in body
    assert f"{BASE}/properties/{b}" in body and f"{BASE}/properties/{c}" in body
    assert later_subject == '1 new property for "Little River"'
    assert "6 LATER ST" in later_text and f"/properties/{f}" in later_text
    assert "2 NEW ST" not in later_text
    await db.refresh(search)
    assert search.last_run_at == DAY_1 + timedelta(days=2)


async def test_weekly_searches_are_due_seven_days_after_their_last_run(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    search = await _search(db, user, {"zip": ["33150"]}, AlertFrequency.WEEKLY)
    none = await _search(db, user, {"zip": ["33150"]}, AlertFrequency.NONE)
    await _property(db, "7 WEEK ST")

    runs = [await _run(db, DAY_1 + timedelta(days=day)) for day in (0, 6, 7)]

    assert [run.searches for run in runs] == [1, 0, 1]
    assert runs[0].emails == 1
    await db.refresh(search)
    await db.refresh(none)
    assert (search.last_run_at, none.last_run_at) == (DAY_1 + timedelta(days=7), None)


async def test_a_contractors_search_only_finds_new_homeowners(db: AsyncSession) -> None:
    contractor = await make_subscriber(db, Plan.CONTRACTOR)
    await _search(db, contractor, {"zip": ["33150"]})
    await _property(db, "8 DISTRESSED ST", distressed=80)
    await _property(db, "9 MOVED IN ST", distressed=0, new_homeowner=100)

    report = await _run(db, DAY_1)

    [(subject, body)] = await _outbox(db, contractor)
    assert report.properties == 1 and subject.startswith("1 new property")
    assert "9 MOVED IN ST" in body and "8 DISTRESSED ST" not in body


async def test_a_lapsed_plan_skips_the_search_without_recording_a_run(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    search = await _search(db, user, {"zip": ["33150"]})
    await _property(db, "10 LAPSED ST")
    await db.execute(
        text("UPDATE users SET subscription_status = 'expired' WHERE user_id = :u"),
        {"u": user.user_id},
    )
    await db.refresh(user)

    report = await _run(db, DAY_1)

    assert (report.skipped, report.emails) == ({"plan": 1}, 0)
    await db.refresh(search)
    assert search.last_run_at is None


async def test_a_failed_send_records_nothing_so_the_next_run_sends_it(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    search = await _search(db, user, {"zip": ["33150"]})
    await _property(db, "11 RETRY ST")
    sender = FailingOnce(LocalEmail(db, "alerts@example.com"))

    failed = await run_due_alerts(db, sender, DAY_1, BASE)
    await db.refresh(search)
    last_run_after_failure = search.last_run_at
    retried = await run_due_alerts(db, sender, DAY_1 + timedelta(hours=1), BASE)

    assert (failed.failed, failed.emails, last_run_after_failure) == (1, 0, None)
    assert (retried.emails, retried.properties) == (1, 1)
    [(_, body)] = await _outbox(db, user)
    assert "11 RETRY ST" in body


async def test_the_job_sends_through_the_configured_adapter(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    await _search(db, user, {"zip": ["33150"]})
    await _property(db, "12 JOB ST")

    detail = await send_alerts_job(db, timestamp=1_800_000_000)

    assert (detail["emails"], detail["properties"], detail["failed"]) == (1, 1, 0)
    [(_, body)] = await _outbox(db, user)  # no SendGrid key in tests: the local outbox
    assert "12 JOB ST" in body


def test_alerts_run_daily_at_seven_new_york_time() -> None:
    [entry] = [entry for entry in SCHEDULE if entry.name == "leads.send_alerts"]
    assert (entry.cron, entry.timezone) == ("0 7 * * *", NEW_YORK)
    definition = declared_jobs()["leads.send_alerts"]
    assert definition.lock == definition.queueing_lock == "leads.send_alerts"
