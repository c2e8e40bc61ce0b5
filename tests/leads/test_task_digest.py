"""The morning follow-up digest: one email to each subscriber with open follow-ups overdue or due
today (New York), naming exactly those with links to their leads; nobody else gets one; never two
on one New York day; a failed send is retried; the schedule."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.integrations.local.email import LocalEmail
from propintel.integrations.local.outbox_repository import OutboxRepository
from propintel.jobs.registry import declared_jobs
from propintel.jobs.schedule import NEW_YORK, SCHEDULE
from propintel.leads.digest import DigestReport, send_task_digests
from propintel.leads.followup_repository import TaskRepository
from propintel.leads.service import add_task, update_task
from propintel.leads.tasks import send_task_digest_job
from tests.factories import make_subscriber, saved_lead
from tests.leads.helpers import FailingOnce

MORNING = datetime(2026, 6, 2, 7, 0)  # New York wall-clock time
TODAY = MORNING.date()
BASE = "https://app.example"


async def _task(db: AsyncSession, user: User, lead: uuid.UUID, title: str, due: date) -> uuid.UUID:
    task = await add_task(db, user.user_id, lead, title, due)
    return task.task_id


async def _run(db: AsyncSession, now: datetime = MORNING) -> DigestReport:
    return await send_task_digests(db, LocalEmail(db, "alerts@example.com"), now, BASE)


async def _outbox(db: AsyncSession, user: User) -> list[tuple[str, str, str | None]]:
    emails = await OutboxRepository(db).page(user.user_id, None, 50)
    return [(email.subject, email.text_body, email.html_body) for email in emails]


async def test_each_subscriber_with_due_followups_gets_one_email_naming_exactly_them(
    db: AsyncSession,
) -> None:
    alice = await make_subscriber(db)
    bob = await make_subscriber(db)
    carol = await make_subscriber(db)  # only later and finished work: no email
    pool = await saved_lead(db, alice, "1 POOL ST")
    roof = await saved_lead(db, alice, "2 ROOF ST")
    await _task(db, alice, pool, "Call the owner", TODAY)
    await _task(db, alice, roof, "Send the quote", TODAY - timedelta(days=3))
    await _task(db, alice, roof, "Visit next week", TODAY + timedelta(days=7))
    bob_lead = await saved_lead(db, bob, "3 BOB ST")
    await _task(db, bob, bob_lead, "Bob's call", TODAY)
    carol_lead = await saved_lead(db, carol, "4 CAROL ST")
    await _task(db, carol, carol_lead, "Next week", TODAY + timedelta(days=1))
    finished = await _task(db, carol, carol_lead, "Already done", TODAY)
    await update_task(db, carol.user_id, carol_lead, finished, MORNING, done=True)

    report = await _run(db)

    assert report.to_detail() == {"users": 2, "emails": 2, "tasks": 3, "failed": 0}
    [(subject, body, html)] = await _outbox(db, alice)
    assert subject == "Follow-ups: 1 due today, 1 overdue"
    assert body.startswith("Your follow-ups for Tuesday, June 2: 1 due today, 1 overdue.")
    assert body.index("Send the quote") < body.index("Call the owner")  # overdue first
    assert "OVERDUE since 2026-05-30: Send the quote (2 ROOF ST, MIAMI, FL 33139)" in body
    assert f"{BASE}/leads/{pool}" in body and f"{BASE}/leads/{roof}" in body
    assert "Visit next week" not in body and "Bob's call" not in body
    assert html is not None and f'<a href="{BASE}/leads/{pool}">1 POOL ST' in html
    [(bob_subject, bob_body, _)] = await _outbox(db, bob)
    assert bob_subject == "Follow-ups: 1 due today" and "Call the owner" not in bob_body
    assert await _outbox(db, carol) == []


async def test_never_two_digests_on_one_new_york_day(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    lead = await saved_lead(db, user, "5 ONCE ST")
    await _task(db, user, lead, "Call", TODAY)

    first = await _run(db)
    same_day = await _run(db, MORNING + timedelta(hours=16, minutes=59))  # 23:59
    next_day = await _run(db, MORNING + timedelta(days=1))

    assert (first.emails, same_day.users, same_day.emails, next_day.emails) == (1, 0, 0, 1)
    subjects = [subject for subject, _, _ in await _outbox(db, user)]
    assert subjects == ["Follow-ups: 1 overdue", "Follow-ups: 1 due today"]  # newest first
    claimed_again = await TaskRepository(db).claim_digest(
        user.user_id, TODAY + timedelta(days=1), MORNING
    )
    assert claimed_again is False


async def test_suspended_accounts_get_no_digest(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    lead = await saved_lead(db, user, "6 SUSPENDED ST")
    await _task(db, user, lead, "Call", TODAY)
    await db.execute(
        text("UPDATE users SET suspended_at = now() WHERE user_id = :u"), {"u": user.user_id}
    )

    report = await _run(db)

    assert (report.users, report.emails) == (0, 0)


async def test_a_failed_send_records_nothing_so_the_next_run_sends_it(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    lead = await saved_lead(db, user, "7 RETRY ST")
    await _task(db, user, lead, "Call", TODAY)
    sender = FailingOnce(LocalEmail(db, "alerts@example.com"))

    failed = await send_task_digests(db, sender, MORNING, BASE)
    retried = await send_task_digests(db, sender, MORNING + timedelta(minutes=5), BASE)

    assert (failed.failed, failed.emails) == (1, 0)
    assert (retried.failed, retried.emails) == (0, 1)
    [(_, body, _)] = await _outbox(db, user)
    assert "7 RETRY ST" in body


async def test_the_job_sends_through_the_configured_adapter_with_the_public_url(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROPINTEL_PUBLIC_BASE_URL", "https://leads.example/")
    from propintel.config import get_settings

    get_settings.cache_clear()
    monkeypatch.setattr("propintel.leads.tasks.now_new_york", lambda: MORNING)
    user = await make_subscriber(db)
    lead = await saved_lead(db, user, "8 JOB ST")
    await _task(db, user, lead, "Call", TODAY)

    try:
        first = await send_task_digest_job(db, timestamp=1_800_000_000)
        second = await send_task_digest_job(db, timestamp=1_800_000_060)
    finally:
        get_settings.cache_clear()

    assert (first["emails"], second["emails"]) == (1, 0)
    [(_, body, _)] = await _outbox(db, user)  # no SendGrid key in tests: the local outbox
    assert f"https://leads.example/leads/{lead}" in body


def test_the_digest_runs_daily_at_seven_new_york_time() -> None:
    [entry] = [entry for entry in SCHEDULE if entry.name == "leads.send_task_digest"]
    assert (entry.cron, entry.timezone) == ("0 7 * * *", NEW_YORK)
    definition = declared_jobs()["leads.send_task_digest"]
    assert definition.lock == definition.queueing_lock == "leads.send_task_digest"
