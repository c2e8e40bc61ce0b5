"""Retention: rows older than the period go, rows at or inside it stay; counts are reported."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings
from propintel.maintenance.retention import RetentionPolicy, clean_old_data

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
    settings = Settings(retention_conversation_days=30, retention_email_log_days=60)
    for age in ("29 days", "31 days"):
        await add_conversation(db, age)
    for age in ("59 days", "61 days"):
        await add_email_log(db, age)

    report = await clean_old_data(db, RetentionPolicy.from_settings(settings))

    assert report.to_detail() == {
        "conversation_days": 30,
        "conversations_deleted": 1,
        "email_log_days": 60,
        "email_logs_deleted": 1,
    }


def test_defaults_are_the_specs_periods_and_zero_is_refused() -> None:
    fields = Settings.model_fields
    assert fields["retention_conversation_days"].default == RetentionPolicy().conversation_days
    assert fields["retention_email_log_days"].default == RetentionPolicy().email_log_days
    assert RetentionPolicy() == RetentionPolicy(90, 180)
    with pytest.raises(ValidationError):
        Settings(retention_conversation_days=0)
