"""The knowledge base's service: validation, tags, tenancy, keyset pages, starter copies."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import knowledge, starters
from propintel.kit.errors import Invalid, NotFound
from tests.factories import make_subscriber

NOW = datetime(2026, 12, 6, 10, 0)


async def _entry(db: AsyncSession, user_id: uuid.UUID, **values: object) -> knowledge.EntryRow:
    fields: dict[str, object] = {
        "title": "Weekly pool service",
        "content": "We brush, vacuum and balance the water.",
        "content_type": "service",
        "now": NOW,
    }
    fields.update(values)
    return await knowledge.create_entry(db, user_id, **fields)


async def test_create_trims_and_keeps_tags_normalised(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    first = await _entry(db, user.user_id, tags=["Pool ", "  hot   leads"])
    assert first.tags == ["Pool", "hot leads"]
    # The subscriber's existing spelling wins; repeats collapse.
    second = await _entry(db, user.user_id, title="  Other  ", tags=["pool", "POOL", "new"])
    assert second.title == "Other"
    assert second.tags == ["Pool", "new"]
    assert await knowledge.tag_names(db, user.user_id) == ["Pool", "hot leads", "new"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"content": ""}, "content"),
        ({"content": "x" * 20_001}, "content"),
        ({"content_type": "poem"}, "content_type"),
        ({"tags": ["ok", "x" * 41]}, "tags.1"),
    ],
)
async def test_invalid_entries_are_refused_naming_the_field(
    db: AsyncSession, values: dict[str, object], field: str
) -> None:
    user = await make_subscriber(db)
    with pytest.raises(Invalid) as refused:
        await _entry(db, user.user_id, **values)
    assert refused.value.field == field


async def test_limits_are_inclusive(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    row = await _entry(db, user.user_id, title="t" * 255, content="c" * 20_000)
    assert len(row.title) == 255 and len(row.content) == 20_000


async def test_another_subscribers_entry_is_not_found_everywhere(db: AsyncSession) -> None:
    owner = await make_subscriber(db)
    other = await make_subscriber(db)
    row = await _entry(db, owner.user_id)
    with pytest.raises(NotFound):
        await knowledge.entry(db, other.user_id, row.kb_id)
    with pytest.raises(NotFound):
        await knowledge.update_entry(db, other.user_id, row.kb_id, title="Mine", now=NOW)
    with pytest.raises(NotFound):
        await knowledge.delete_entry(db, other.user_id, row.kb_id)
    assert (await knowledge.entry(db, owner.user_id, row.kb_id)).title == "Weekly pool service"
    rows, _next = await knowledge.entries_page(db, other.user_id, limit=10)
    assert rows == []


async def test_update_changes_given_fields_and_moves_updated_at(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    row = await _entry(db, user.user_id, tags=["a"])
    later = NOW + timedelta(hours=1)
    changed = await knowledge.update_entry(
        db, user.user_id, row.kb_id, content="New text", now=later
    )
    assert changed.content == "New text"
    assert changed.title == row.title and changed.tags == ["a"]
    assert changed.updated_at == later and changed.created_at == NOW


async def test_delete(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    row = await _entry(db, user.user_id)
    await knowledge.delete_entry(db, user.user_id, row.kb_id)
    with pytest.raises(NotFound):
        await knowledge.entry(db, user.user_id, row.kb_id)


async def test_pages_walk_every_entry_once_latest_updated_first(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    made = [
        await _entry(db, user.user_id, title=f"E{i}", now=NOW + timedelta(minutes=i % 3))
        for i in range(7)
    ]
    seen: list[knowledge.EntryRow] = []
    cursor = None
    while True:
        rows, cursor = await knowledge.entries_page(db, user.user_id, limit=3, cursor=cursor)
        seen.extend(rows)
        if cursor is None:
            break
    assert sorted(r.kb_id for r in seen) == sorted(r.kb_id for r in made)
    keys = [(r.updated_at, r.kb_id) for r in seen]
    assert keys == sorted(keys, reverse=True)


async def test_filter_by_type_and_tag(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    faq = await _entry(db, user.user_id, content_type="faq", tags=["Pool"])
    await _entry(db, user.user_id, content_type="pricing", tags=["Roof"])
    rows, _ = await knowledge.entries_page(db, user.user_id, limit=10, content_type="faq")
    assert [r.kb_id for r in rows] == [faq.kb_id]
    rows, _ = await knowledge.entries_page(db, user.user_id, limit=10, tag="pool")
    assert [r.kb_id for r in rows] == [faq.kb_id]
    # A cursor of one filter does not continue another.
    _rows, cursor = await knowledge.entries_page(db, user.user_id, limit=1)
    assert cursor is not None
    with pytest.raises(Invalid):
        await knowledge.entries_page(db, user.user_id, limit=1, cursor=cursor, tag="pool")


@pytest.mark.parametrize("trade", list(starters.TRADES))
@pytest.mark.parametrize("language", list(starters.LANGUAGES))
async def test_every_starter_set_copies_into_own_rows(
    db: AsyncSession, trade: str, language: str
) -> None:
    user = await make_subscriber(db)
    expected = starters.STARTERS[trade][language].knowledge
    assert 2 <= len(expected) <= 3
    assert await knowledge.copy_starters(db, user.user_id, trade, language, now=NOW) == len(
        expected
    )
    rows, _ = await knowledge.entries_page(db, user.user_id, limit=10)
    assert sorted(r.title for r in rows) == sorted(item.title for item in expected)
    # The copy is the subscriber's own: editing it does not touch the library.
    await knowledge.update_entry(db, user.user_id, rows[0].kb_id, title="Mine", now=NOW)
    assert "Mine" not in {item.title for item in expected}
    # Copying again adds only what is missing (the entry renamed above).
    assert await knowledge.copy_starters(db, user.user_id, trade, language, now=NOW) == 1
    assert await knowledge.copy_starters(db, user.user_id, trade, language, now=NOW) == 0


async def test_unknown_starter_set_is_refused(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    with pytest.raises(Invalid):
        await knowledge.copy_starters(db, user.user_id, "pool", "fr", now=NOW)
