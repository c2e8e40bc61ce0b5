"""The assistant's part of "Your data": the export holds the account's knowledge base, scripts and
call templates and chat conversations (not another's, and not the generated search columns);
erasure deletes them."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.account_data.service import erase_account, export_document
from propintel.assistant import knowledge
from propintel.auth.models import User
from propintel.config import get_settings
from propintel.kit.clock import now_new_york
from tests.factories import DEFAULT_PASSWORD, make_subscriber

TABLES = {
    "subscriber_knowledge_base": "kb_id",
    "subscriber_scripts": "script_id",
    "ai_call_templates": "template_id",
    "assistant_threads": "thread_id",
}


async def _populate(db: AsyncSession, user: User) -> dict[str, str]:
    entry = await knowledge.create_entry(
        db,
        user.user_id,
        title="Pool pricing",
        content="From $120 a month.",
        content_type="pricing",
        tags=["pool"],
        now=now_new_york(),
    )
    script = await db.execute(
        text(
            "INSERT INTO subscriber_scripts (user_id, script_type, script_name, script_content) "
            "VALUES (:u, 'sms', 'First text', 'Hi') RETURNING script_id"
        ),
        {"u": user.user_id},
    )
    template = await db.execute(
        text(
            "INSERT INTO ai_call_templates (user_id, template_type, template_name, "
            "template_content, variables) VALUES (:u, 'intro', 'Intro', 'Hello', '[]') "
            "RETURNING template_id"
        ),
        {"u": user.user_id},
    )
    thread = await db.execute(
        text(
            "INSERT INTO assistant_threads (user_id, title) VALUES (:u, 'Pool prices?') "
            "RETURNING thread_id"
        ),
        {"u": user.user_id},
    )
    return {
        "assistant_threads": str(thread.scalar_one()),
        "subscriber_knowledge_base": str(entry.kb_id),
        "subscriber_scripts": str(script.scalar_one()),
        "ai_call_templates": str(template.scalar_one()),
    }


async def _count(db: AsyncSession, table: str, user_id: uuid.UUID) -> int:
    statement = text(f"SELECT count(*) FROM {table} WHERE user_id = :u")
    return int((await db.execute(statement, {"u": user_id})).scalar_one())


async def test_export_holds_own_rows_without_search_columns(db: AsyncSession) -> None:
    mine = await make_subscriber(db)
    theirs = await make_subscriber(db)
    my_ids = await _populate(db, mine)
    await _populate(db, theirs)
    document = await export_document(db, mine.user_id)
    section = document["data"]["assistant"]
    for table, key in TABLES.items():
        assert [row[key] for row in section[table]] == [my_ids[table]]
        for row in section[table]:
            assert "search_en" not in row and "search_es" not in row
    assert section["subscriber_knowledge_base"][0]["tags"] == ["pool"]
    assert "subscriber_scripts" not in document["data"]["assistant_and_marketplace"]


async def test_erasure_deletes_own_rows_only(db: AsyncSession) -> None:
    mine = await make_subscriber(db)
    theirs = await make_subscriber(db)
    await _populate(db, mine)
    await _populate(db, theirs)
    await erase_account(
        db,
        get_settings(),
        mine,
        ip="203.0.113.9",
        typed_email=mine.email,
        password=DEFAULT_PASSWORD,
    )
    for table in TABLES:
        assert await _count(db, table, mine.user_id) == 0
        assert await _count(db, table, theirs.user_id) == 1
