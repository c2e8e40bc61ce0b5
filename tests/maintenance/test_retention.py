"""Retention: rows older than the period go, rows at or inside it stay; counts are reported."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings
from propintel.maintenance.retention import RetentionPolicy, clean_old_data
from tests.factories import make_subscriber

# The transaction's NOW() is the cleanup's NOW() too (the test runs in one transaction).
AGO = "(NOW() AT TIME ZONE 'America/New_York') - CAST(:interval AS interval)"


async def add_conversation(db: AsyncSession, age: str) -> None:
    await db.execute(
        text(
            "INSERT INTO conversation_history (message_role, message_content, timestamp) "
            f"VALUES ('user', :age, {AGO})"
        ),
        {"age": age, "interval": age},
    )


async def add_email_log(db: AsyncSession, age: str | None) -> None:
    sent_at = AGO if age is not None else "NULL"
    await db.execute(
        text(f"INSERT INTO email_workflow_logs (email_subject, sent_at) VALUES (:age, {sent_at})"),
        {"age": age or "never sent", "interval": age},
    )


async def add_job_run(db: AsyncSession, task: str, age: str) -> None:
    await db.execute(
        text(
            "INSERT INTO job_runs (task_name, started_at, outcome, detail) "
            f"VALUES (:task, {AGO}, 'ok', jsonb_build_object('age', CAST(:age AS text)))"
        ),
        {"task": task, "age": age, "interval": age},
    )


async def add_queue_job(db: AsyncSession, name: str, status: str, age: str) -> None:
    """A Procrastinate job deferred and (unless ``todo``) finished, every event ``age`` ago."""
    job_id = (
        await db.execute(
            text(
                "INSERT INTO procrastinate_jobs (queue_name, task_name, args) "
                "VALUES ('default', :name, '{}') RETURNING id"
            ),
            {"name": name},
        )
    ).scalar_one()
    if status != "todo":
        await db.execute(
            text(
                "UPDATE procrastinate_jobs SET status = CAST(:status AS procrastinate_job_status) "
                "WHERE id = :id"
            ),
            {"status": status, "id": job_id},
        )
    await db.execute(
        text(
            "UPDATE procrastinate_events SET at = NOW() - CAST(:age AS interval) WHERE job_id = :id"
        ),
        {"age": age, "id": job_id},
    )


async def remaining(db: AsyncSession, sql: str) -> list[str]:
    return sorted((await db.execute(text(sql))).scalars())


async def test_conversations_older_than_90_days_are_deleted_and_counted(
    db: AsyncSession,
) -> None:
    for age in ("89 days", "90 days", "90 days 1 second", "91 days", "400 days"):
        await add_conversation(db, age)

    report = await clean_old_data(db, RetentionPolicy())

    assert report.conversations_deleted == 3
    assert report.conversation_days == 90
    assert await remaining(db, "SELECT message_content FROM conversation_history") == [
        "89 days",
        "90 days",
    ]


async def test_an_assistant_conversation_goes_with_its_last_message(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    threads = {}
    for age in ("100 days", "10 days"):
        threads[age] = await db.scalar(
            text(
                "INSERT INTO assistant_threads (user_id, title, created_at, updated_at) "
                f"VALUES (:user, :age, {AGO}, {AGO}) RETURNING thread_id"
            ),
            {"user": user.user_id, "age": age, "interval": age},
        )
        await db.execute(
            text(
                "INSERT INTO conversation_history (user_id, thread_id, channel, message_role, "
                f"message_content, timestamp) VALUES (:user, :thread, 'chat', 'user', :age, {AGO})"
            ),
            {"user": user.user_id, "thread": threads[age], "age": age, "interval": age},
        )

    report = await clean_old_data(db, RetentionPolicy())

    assert report.conversations_deleted == 1
    assert await remaining(db, "SELECT title FROM assistant_threads") == ["10 days"]
    assert await remaining(db, "SELECT message_content FROM conversation_history") == ["10 days"]


async def test_email_logs_older_than_180_days_are_deleted_never_sent_ones_kept(
    db: AsyncSession,
) -> None:
    for age in ("179 days", "180 days", "180 days 1 second", "181 days", None):
        await add_email_log(db, age)

    report = await clean_old_data(db, RetentionPolicy())

    assert (report.email_logs_deleted, report.email_log_days) == (2, 180)
    assert await remaining(db, "SELECT email_subject FROM email_workflow_logs") == [
        "179 days",
        "180 days",
        "never sent",
    ]


async def test_periods_come_from_settings(db: AsyncSession) -> None:
    settings = Settings(
        retention_conversation_days=30, retention_email_log_days=60, retention_job_history_days=7
    )
    for age in ("29 days", "31 days"):
        await add_conversation(db, age)
    for age in ("59 days", "61 days"):
        await add_email_log(db, age)
    await db.execute(text("DELETE FROM job_runs"))
    await db.execute(text("DELETE FROM procrastinate_jobs"))
    for age in ("6 days", "8 days"):
        await add_job_run(db, "jobs.heartbeat", age)
        await add_queue_job(db, "jobs.heartbeat", "succeeded", age)

    report = await clean_old_data(db, RetentionPolicy.from_settings(settings))

    assert report.to_detail() == {
        "conversation_days": 30,
        "conversations_deleted": 1,
        "email_log_days": 60,
        "email_logs_deleted": 1,
        "job_history_days": 7,
        "job_runs_deleted": 1,
        "queue_jobs_deleted": 1,
    }


async def test_job_history_older_than_30_days_goes_but_each_tasks_latest_run_stays(
    db: AsyncSession,
) -> None:
    await db.execute(text("DELETE FROM job_runs"))
    for age in ("29 days", "30 days", "30 days 1 second", "400 days"):
        await add_job_run(db, "jobs.heartbeat", age)
    await add_job_run(db, "maintenance.backup", "90 days")  # its only run: the page shows it
    await add_job_run(db, "maintenance.backup", "120 days")

    report = await clean_old_data(db, RetentionPolicy())

    assert (report.job_runs_deleted, report.job_history_days) == (3, 30)
    runs = await db.execute(text("SELECT task_name, detail->>'age' FROM job_runs ORDER BY 1, 2"))
    assert [tuple(row) for row in runs] == [
        ("jobs.heartbeat", "29 days"),
        ("jobs.heartbeat", "30 days"),
        ("maintenance.backup", "90 days"),
    ]


async def test_finished_queue_jobs_older_than_30_days_go_waiting_ones_stay(
    db: AsyncSession,
) -> None:
    await db.execute(text("DELETE FROM procrastinate_jobs"))
    for name, status, age in (
        ("old-succeeded", "succeeded", "31 days"),
        ("old-failed", "failed", "31 days"),
        ("old-cancelled", "cancelled", "31 days"),
        ("old-todo", "todo", "31 days"),
        ("old-doing", "doing", "31 days"),
        ("recent-succeeded", "succeeded", "29 days"),
    ):
        await add_queue_job(db, name, status, age)

    report = await clean_old_data(db, RetentionPolicy())

    assert report.queue_jobs_deleted == 3
    assert await remaining(db, "SELECT task_name FROM procrastinate_jobs") == [
        "old-doing",
        "old-todo",
        "recent-succeeded",
    ]
    orphans = (
        "SELECT count(*) FROM procrastinate_events e WHERE NOT EXISTS "
        "(SELECT FROM procrastinate_jobs j WHERE j.id = e.job_id)"
    )
    assert (await db.execute(text(orphans))).scalar_one() == 0


def test_defaults_are_the_specs_periods_and_zero_is_refused() -> None:
    fields = Settings.model_fields
    assert fields["retention_conversation_days"].default == RetentionPolicy().conversation_days
    assert fields["retention_email_log_days"].default == RetentionPolicy().email_log_days
    assert fields["retention_job_history_days"].default == RetentionPolicy().job_history_days
    assert RetentionPolicy() == RetentionPolicy(90, 180, 30)
    with pytest.raises(ValidationError):
        Settings(retention_conversation_days=0)
