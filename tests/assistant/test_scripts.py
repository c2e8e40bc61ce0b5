"""Scripts: create, edit, keyset pages with filters, tenancy, the variable check on save, and what
outreach uses (active scripts of a type, the use counter kept only by ``mark_script_used``)."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import scripts, service
from propintel.kit.errors import Invalid, NotFound
from tests.factories import make_subscriber


async def test_create_edit_and_delete(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    made = await scripts.create_script(
        db,
        user.user_id,
        script_type="sms",
        name="  First   text ",
        content="Hi {owner_first_name}, {business_name} here about {address}.",
    )
    assert made.script_name == "First text" and made.is_active and made.use_count == 0
    changed = await scripts.update_script(
        db, user.user_id, made.script_id, content="Hello {owner_first_name}", active=False
    )
    assert changed.script_content == "Hello {owner_first_name}" and not changed.is_active
    assert changed.script_name == "First text"
    await scripts.delete_script(db, user.user_id, made.script_id)
    with pytest.raises(NotFound):
        await scripts.script(db, user.user_id, made.script_id)


async def test_another_subscribers_script_is_not_found(db: AsyncSession) -> None:
    owner, other = await make_subscriber(db), await make_subscriber(db)
    made = await scripts.create_script(
        db, owner.user_id, script_type="email", name="Intro", content="Hello"
    )
    with pytest.raises(NotFound):
        await scripts.script(db, other.user_id, made.script_id)
    with pytest.raises(NotFound):
        await scripts.update_script(db, other.user_id, made.script_id, name="Mine now")
    with pytest.raises(NotFound):
        await scripts.delete_script(db, other.user_id, made.script_id)
    assert await scripts.script_names(db, other.user_id) == set()
    assert (await scripts.script(db, owner.user_id, made.script_id)).script_name == "Intro"


async def test_unknown_variables_are_refused_by_name(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    with pytest.raises(Invalid) as refused:
        await scripts.create_script(
            db,
            user.user_id,
            script_type="sms",
            name="Bad",
            content="Hi {first_name}, {address} and {price} and {first_name} again",
        )
    assert refused.value.field == "script_content"
    assert "{first_name}, {price}" in str(refused.value)
    assert "{owner_first_name}" in str(refused.value)
    assert await scripts.script_names(db, user.user_id) == set()


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("script_type", {"script_type": "fax"}),
        ("script_name", {"name": "   "}),
        ("script_name", {"name": "x" * 256}),
        ("script_content", {"content": " \n "}),
    ],
)
async def test_field_errors(db: AsyncSession, field: str, values: dict[str, str]) -> None:
    user = await make_subscriber(db)
    data = {"script_type": "sms", "name": "A name", "content": "Some text", **values}
    with pytest.raises(Invalid) as refused:
        await scripts.create_script(db, user.user_id, **data)
    assert refused.value.field == field


async def test_keyset_pages_with_filters(db: AsyncSession) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    for i in range(5):
        await scripts.create_script(
            db, user.user_id, script_type="sms", name=f"Text {i}", content="Hi", active=i != 3
        )
    await scripts.create_script(db, user.user_id, script_type="email", name="Mail", content="Hi")
    await scripts.create_script(db, other.user_id, script_type="sms", name="Text X", content="Hi")

    seen: list[str] = []
    cursor = None
    while True:
        rows, cursor = await scripts.scripts_page(
            db, user.user_id, limit=2, cursor=cursor, script_type="sms"
        )
        seen += [row.script_name for row in rows]
        if cursor is None:
            break
    assert seen == [f"Text {i}" for i in range(5)]

    active, _ = await scripts.scripts_page(db, user.user_id, limit=50, active=True)
    assert [r.script_name for r in active] == ["Mail", "Text 0", "Text 1", "Text 2", "Text 4"]
    inactive, _ = await scripts.scripts_page(db, user.user_id, limit=50, active=False)
    assert [r.script_name for r in inactive] == ["Text 3"]

    _, first_cursor = await scripts.scripts_page(db, user.user_id, limit=2, script_type="sms")
    assert first_cursor is not None
    with pytest.raises(Invalid) as refused:  # a cursor continues only its own filters
        await scripts.scripts_page(
            db, user.user_id, limit=2, cursor=first_cursor, script_type="email"
        )
    assert refused.value.field == "cursor"


async def test_active_scripts_and_the_use_counter(db: AsyncSession) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    b = await scripts.create_script(db, user.user_id, script_type="sms", name="B", content="b")
    a = await scripts.create_script(db, user.user_id, script_type="sms", name="A", content="a")
    off = await scripts.create_script(
        db, user.user_id, script_type="sms", name="C", content="c", active=False
    )
    await scripts.create_script(db, user.user_id, script_type="email", name="E", content="e")

    found = await service.active_scripts(db, user.user_id, "sms")
    assert [s.name for s in found] == ["A", "B"]
    assert found[0] == service.ScriptRef(a.script_id, "A", "a")

    now = datetime(2026, 7, 1, 9, 30)
    await service.mark_script_used(db, user.user_id, b.script_id, now)
    await service.mark_script_used(db, other.user_id, a.script_id, now)  # not theirs: nothing
    used = await scripts.script(db, user.user_id, b.script_id)
    assert used.use_count == 1 and used.last_used_at == now
    assert (await scripts.script(db, user.user_id, a.script_id)).use_count == 0

    most_used = await service.active_scripts(db, user.user_id, "sms", most_used_first=True)
    assert [s.name for s in most_used] == ["B", "A"]
    assert await service.active_script(db, user.user_id, "sms", off.script_id) is None
    assert await service.active_script(db, other.user_id, "sms", a.script_id) is None
    assert await service.active_script(db, user.user_id, "sms", uuid.uuid4()) is None

    # editing never touches the counter
    edited = await scripts.update_script(db, user.user_id, b.script_id, content="bb")
    assert edited.use_count == 1 and edited.last_used_at == now
