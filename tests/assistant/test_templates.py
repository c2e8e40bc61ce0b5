"""AI call templates: the declared variables must match the content exactly, names are snake_case
and known, each refusal names the variables at fault; CRUD, keyset pages, tenancy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import templates
from propintel.kit.errors import Invalid, NotFound
from tests.factories import make_subscriber

INTRO = "Hi {{ owner_first_name }}, this is {{agent_name}} from {{business_name}}."


def test_matching_declaration_passes() -> None:
    checked = templates.check(INTRO, ["business_name", "owner_first_name", "agent_name"])
    assert checked.variables == ["business_name", "owner_first_name", "agent_name"]


def test_used_but_not_declared_is_named() -> None:
    with pytest.raises(Invalid) as refused:
        templates.check(INTRO, ["owner_first_name"])
    assert refused.value.field == "variables"
    assert "{{agent_name}}, {{business_name}}" in str(refused.value)


def test_declared_but_unused_is_named() -> None:
    with pytest.raises(Invalid) as refused:
        templates.check("Hi {{city}}", ["city", "callback_number"])
    assert refused.value.field == "variables"
    assert "{{callback_number}}" in str(refused.value) and "{{city}}" not in str(refused.value)


def test_unknown_variables_are_named() -> None:
    with pytest.raises(Invalid) as refused:
        templates.check("Hi {{ pet_name }} at {{address}} {{price}}", ["pet_name", "address"])
    message = str(refused.value)
    assert refused.value.field == "template_content"
    assert "{{pet_name}}, {{price}}" in message and "{{callback_number}}" in message
    with pytest.raises(Invalid) as declared_only:
        templates.check("Hi {{address}}", ["address", "shoe_size"])
    assert declared_only.value.field == "variables" and "{{shoe_size}}" in str(declared_only.value)


def test_declared_names_must_be_snake_case() -> None:
    with pytest.raises(Invalid) as refused:
        templates.check("Hi {{address}}", ["address", "OwnerName", "first-name"])
    assert refused.value.field == "variables"
    assert "OwnerName, first-name" in str(refused.value)


def test_a_form_field_of_variables_splits() -> None:
    assert templates.split_variables("{{address}}, city\nagent_name") == [
        "address",
        "city",
        "agent_name",
    ]


@given(st.lists(st.sampled_from(templates.ALLOWED), unique=True), st.data())
def test_exactly_the_used_variables_are_accepted(used: list[str], data: st.DataObject) -> None:
    content = "Call " + " ".join("{{ " + name + " }}" for name in used)
    declared = data.draw(st.permutations(used))
    assert sorted(templates.check(content, declared).variables) == sorted(used)
    extra = [n for n in templates.ALLOWED if n not in used]
    if extra:
        with pytest.raises(Invalid):
            templates.check(content, [*declared, data.draw(st.sampled_from(extra))])
    if used:
        with pytest.raises(Invalid):
            templates.check(content, declared[1:])


async def test_crud_pages_and_tenancy(db: AsyncSession) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    made = await templates.create_template(
        db,
        user.user_id,
        template_type="intro",
        name="Intro call",
        content=INTRO,
        variables=["owner_first_name", "agent_name", "business_name"],
    )
    assert made.variables == ["owner_first_name", "agent_name", "business_name"]
    for i in range(3):
        await templates.create_template(
            db,
            user.user_id,
            template_type="voicemail",
            name=f"Voicemail {i}",
            content="Please call {{callback_number}}",
            variables=["callback_number"],
        )
    names: list[str] = []
    cursor = None
    while True:
        rows, cursor = await templates.templates_page(db, user.user_id, limit=2, cursor=cursor)
        names += [r.template_name for r in rows]
        if cursor is None:
            break
    assert names == ["Intro call", "Voicemail 0", "Voicemail 1", "Voicemail 2"]
    voicemails, _ = await templates.templates_page(
        db, user.user_id, limit=10, template_type="voicemail"
    )
    assert len(voicemails) == 3
    assert (await templates.templates_page(db, other.user_id, limit=10))[0] == []

    # content alone must still match the stored declaration
    with pytest.raises(Invalid):
        await templates.update_template(db, user.user_id, made.template_id, content="Hi {{city}}")
    changed = await templates.update_template(
        db, user.user_id, made.template_id, content="Hi {{city}}", variables=["city"]
    )
    assert changed.variables == ["city"] and changed.template_name == "Intro call"

    with pytest.raises(NotFound):
        await templates.template(db, other.user_id, made.template_id)
    with pytest.raises(NotFound):
        await templates.update_template(db, other.user_id, made.template_id, name="Mine")
    with pytest.raises(NotFound):
        await templates.delete_template(db, other.user_id, made.template_id)
    await templates.delete_template(db, user.user_id, made.template_id)
    with pytest.raises(NotFound):
        await templates.template(db, user.user_id, made.template_id)


async def test_type_and_name_errors(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    with pytest.raises(Invalid) as bad_type:
        await templates.create_template(
            db, user.user_id, template_type="fax", name="x", content="Hi", variables=[]
        )
    assert bad_type.value.field == "template_type"
    with pytest.raises(Invalid) as bad_name:
        await templates.create_template(
            db, user.user_id, template_type="intro", name=" ", content="Hi", variables=[]
        )
    assert bad_name.value.field == "template_name"
