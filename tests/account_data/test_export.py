"""The export holds the owner's rows, all of them, and nobody else's; never a secret."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.account_data.service import SCHEMA_VERSION, export_chunks, export_document
from propintel.auth.service import token_hash
from tests.account_data.helpers import populated_account


def ids(document: dict[str, Any], group: str, section: str, key: str) -> set[str]:
    return {row[key] for row in document["data"][group][section]}


def everything(document: dict[str, Any]) -> str:
    return json.dumps(document)


async def test_export_holds_the_owners_rows_and_no_one_elses(db: AsyncSession) -> None:
    mine = await populated_account(db)
    theirs = await populated_account(db)

    document = await export_document(db, mine.user.user_id)

    assert document["schema_version"] == SCHEMA_VERSION
    assert document["user_id"] == str(mine.user.user_id)
    for owned, expected in ((mine, True), (theirs, False)):
        user_id = str(owned.user.user_id)
        checks = [
            (ids(document, "account", "user", "user_id"), user_id),
            (ids(document, "leads", "saved_leads", "lead_id"), str(owned.lead_id)),
            (ids(document, "leads", "lead_events", "event_id"), str(owned.note_id)),
            (ids(document, "leads", "lead_tasks", "task_id"), str(owned.task_id)),
            (ids(document, "saved_searches", "saved_searches", "search_id"), str(owned.search_id)),
            (ids(document, "tokens", "token_usage_logs", "log_id"), str(owned.usage_log_id)),
            (
                ids(document, "tokens", "token_reservations", "reservation_id"),
                str(owned.reservation_id),
            ),
            (ids(document, "account", "subscriber_profiles", "user_id"), user_id),
            (ids(document, "tokens", "token_purchases", "user_id"), user_id),
            (ids(document, "tokens", "token_transactions", "user_id"), user_id),
            (ids(document, "account", "sessions_and_api_keys", "user_id"), user_id),
            (ids(document, "audit", "audit_entries_about_you", "target_id"), user_id),
        ]
        for found, wanted in checks:
            assert (wanted in found) is expected, (wanted, found)
        if not expected:
            assert user_id not in everything(document)
            assert owned.user.email not in everything(document)
    data = document["data"]
    assert [row["email"] for row in data["account"]["login_attempts"]] == [mine.user.email]
    assert data["leads"]["saved_leads"][0]["tags"] == ["Hot"]
    assert data["leads"]["saved_leads"][0]["notes"] == "Called, call back Friday"
    assert data["saved_searches"]["saved_searches"][0]["search_criteria"] == {"zip": ["33178"]}
    assert {row["kind"] for row in data["account"]["sessions_and_api_keys"]} == {"web", "api"}
    # 500 bought; a grant, a hold; the purchase and the charge in their own ledgers
    assert sorted(row["tokens_amount"] for row in data["tokens"]["token_transactions"]) == [
        -40,
        25,
    ]
    assert [row["tokens"] for row in data["tokens"]["token_purchases"]] == [500]


async def test_no_secret_leaves_in_the_export(db: AsyncSession) -> None:
    mine = await populated_account(db)
    await db.execute(
        sql(
            "INSERT INTO calendar_integrations (user_id, provider, oauth_refresh_token) "
            "VALUES (:u, 'google', 'refresh-secret-4711')"
        ),
        {"u": mine.user.user_id},
    )

    document = await export_document(db, mine.user.user_id)
    text = everything(document)

    for secret in (
        "password_hash",
        "token_hash",
        "secret_hash",
        "oauth_refresh_token",
        "refresh-secret-4711",
        "$argon2",
        mine.session_secret,
        token_hash(mine.session_secret),
        mine.api_key,
        token_hash(mine.api_key),
    ):
        assert secret not in text
    calendars = document["data"]["assistant_and_marketplace"]["calendar_integrations"]
    assert [row["provider"] for row in calendars] == ["google"]  # the row, without its secret


async def test_appointments_are_exported(db: AsyncSession) -> None:
    mine = await populated_account(db)
    await db.execute(
        sql(
            "INSERT INTO calendar_events (user_id, provider, idempotency_key, summary, starts_at, "
            "ends_at, status) VALUES (:u, 'local', 'call-x', 'Visit: Ana Perez', "
            "'2026-12-07 10:00', '2026-12-07 11:00', 'booked')"
        ),
        {"u": mine.user.user_id},
    )
    document = await export_document(db, mine.user.user_id)
    events = document["data"]["assistant_and_marketplace"]["calendar_events"]
    assert [row["summary"] for row in events] == ["Visit: Ana Perez"]


async def test_pages_of_one_row_give_the_same_document(db: AsyncSession) -> None:
    """Keyset pages: read one row at a time, nothing is lost or repeated."""
    mine = await populated_account(db)
    await populated_account(db)

    whole = await export_document(db, mine.user.user_id)
    chunks = [c async for c in export_chunks(db, mine.user.user_id, page_size=1)]
    paged = json.loads("".join(chunks))

    assert paged["data"] == whole["data"]
    assert len(paged["data"]["account"]["sessions_and_api_keys"]) == 2
