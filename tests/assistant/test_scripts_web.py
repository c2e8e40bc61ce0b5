"""Scripts and call templates over HTTP: the API (CRUD, pages by cursor, field errors, another
subscriber's row is a 404) and the pages (empty states, forms with field errors, delete after a
confirmation)."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from tests.factories import api_as, browser_as

UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _first_id(page: str, prefix: str) -> str:
    found = re.search(f'href="{prefix}({UUID})/edit"', page)
    assert found is not None
    return found.group(1)


SMS = {"script_type": "sms", "name": "First text", "content": "Hi {owner_first_name}!"}


async def test_scripts_api_crud_and_tenancy(client: httpx.AsyncClient, db: AsyncSession) -> None:
    me, other = await api_as(client, db), await api_as(client, db)
    made = await client.post("/api/v1/assistant/scripts", json=SMS, headers=me)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["name"] == "First text" and body["use_count"] == 0 and body["is_active"] is True
    url = f"/api/v1/assistant/scripts/{body['script_id']}"

    changed = await client.patch(url, json={"is_active": False}, headers=me)
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    assert changed.json()["content"] == "Hi {owner_first_name}!"

    assert (await client.get(url, headers=other)).status_code == 404
    assert (await client.patch(url, json={"name": "x"}, headers=other)).status_code == 404
    assert (await client.delete(url, headers=other)).status_code == 404
    listed = await client.get("/api/v1/assistant/scripts", headers=other)
    assert listed.json() == {"items": [], "next_cursor": None}

    assert (await client.delete(url, headers=me)).status_code == 204
    assert (await client.get(url, headers=me)).status_code == 404


async def test_scripts_api_refuses_unknown_variables(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    me = await api_as(client, db)
    bad = {**SMS, "content": "Hi {first_name} at {street}"}
    refused = await client.post("/api/v1/assistant/scripts", json=bad, headers=me)
    assert refused.status_code == 422
    assert "{first_name}, {street}" in refused.text and "script_content" in refused.text


async def test_scripts_api_pages_by_cursor_and_filters(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    me = await api_as(client, db)
    for i in range(3):
        await client.post(
            "/api/v1/assistant/scripts", json={**SMS, "name": f"Text {i}"}, headers=me
        )
    await client.post(
        "/api/v1/assistant/scripts",
        json={"script_type": "email", "name": "Mail", "content": "Hello", "is_active": False},
        headers=me,
    )
    first = (await client.get("/api/v1/assistant/scripts?type=sms&limit=2", headers=me)).json()
    assert [s["name"] for s in first["items"]] == ["Text 0", "Text 1"]
    second = await client.get(
        f"/api/v1/assistant/scripts?type=sms&limit=2&cursor={first['next_cursor']}", headers=me
    )
    assert [s["name"] for s in second.json()["items"]] == ["Text 2"]
    inactive = await client.get("/api/v1/assistant/scripts?active=false", headers=me)
    assert [s["name"] for s in inactive.json()["items"]] == ["Mail"]
    bad_type = await client.get("/api/v1/assistant/scripts?type=fax", headers=me)
    assert bad_type.status_code == 422


async def test_only_subscribers_reach_scripts(client: httpx.AsyncClient, db: AsyncSession) -> None:
    homeowner = await api_as(client, db, UserType.HOMEOWNER)
    assert (await client.get("/api/v1/assistant/scripts", headers=homeowner)).status_code == 403
    assert (await client.get("/api/v1/assistant/templates")).status_code == 401


async def test_templates_api(client: httpx.AsyncClient, db: AsyncSession) -> None:
    me, other = await api_as(client, db), await api_as(client, db)
    template = {
        "template_type": "voicemail",
        "name": "Voicemail",
        "content": "Hi {{ owner_first_name }}, call me at {{callback_number}}.",
        "variables": ["owner_first_name", "callback_number"],
    }
    made = await client.post("/api/v1/assistant/templates", json=template, headers=me)
    assert made.status_code == 201, made.text
    url = f"/api/v1/assistant/templates/{made.json()['template_id']}"
    assert made.json()["variables"] == ["owner_first_name", "callback_number"]

    undeclared = await client.patch(url, json={"variables": ["owner_first_name"]}, headers=me)
    assert undeclared.status_code == 422 and "{{callback_number}}" in undeclared.text
    unknown = await client.post(
        "/api/v1/assistant/templates",
        json={**template, "content": "{{pet}}", "variables": ["pet"]},
        headers=me,
    )
    assert unknown.status_code == 422 and "{{pet}}" in unknown.text

    assert (await client.get(url, headers=other)).status_code == 404
    listed = await client.get("/api/v1/assistant/templates?type=voicemail", headers=me)
    assert [t["name"] for t in listed.json()["items"]] == ["Voicemail"]
    assert (await client.delete(url, headers=me)).status_code == 204
    assert (await client.get(url, headers=me)).status_code == 404


async def test_script_pages(client: httpx.AsyncClient, db: AsyncSession) -> None:
    csrf = await browser_as(client, db)
    empty = await client.get("/assistant/scripts")
    assert empty.status_code == 200 and "You have no scripts yet" in empty.text

    refused = await client.post(
        "/assistant/scripts",
        data={
            "csrf_token": csrf,
            "script_type": "sms",
            "name": "Intro",
            "content": "Hi {nickname}",
            "is_active": "1",
        },
    )
    assert refused.status_code == 422
    assert 'id="script-content-error"' in refused.text and "{nickname}" in refused.text
    assert "Hi {nickname}" in refused.text  # what was typed is kept

    added = await client.post(
        "/assistant/scripts",
        data={
            "csrf_token": csrf,
            "script_type": "sms",
            "name": "Intro",
            "content": "Hi {owner_first_name}",
            "is_active": "1",
        },
    )
    assert added.status_code == 303
    listing = await client.get("/assistant/scripts")
    assert "Script added." in listing.text and "Hi {owner_first_name}" in listing.text
    script_id = _first_id(listing.text, "/assistant/scripts/")

    form = await client.get(f"/assistant/scripts/{script_id}/edit")
    assert form.status_code == 200 and 'value="Intro"' in form.text
    saved = await client.post(
        f"/assistant/scripts/{script_id}",
        data={
            "csrf_token": csrf,
            "script_type": "sms",
            "name": "Intro 2",
            "content": "Hello {owner_first_name}",
        },
    )
    assert saved.status_code == 303
    inactive = await client.get("/assistant/scripts?active=no")
    assert "Intro 2" in inactive.text and "Inactive" in inactive.text
    assert "No scripts match" in (await client.get("/assistant/scripts?type=chat")).text

    confirm = await client.get(f"/assistant/scripts/{script_id}/delete")
    assert "Delete this script?" in confirm.text
    deleted = await client.post(f"/assistant/scripts/{script_id}/delete", data={"csrf_token": csrf})
    assert deleted.status_code == 303
    assert "You have no scripts yet" in (await client.get("/assistant/scripts")).text


async def test_template_pages(client: httpx.AsyncClient, db: AsyncSession) -> None:
    csrf = await browser_as(client, db)
    assert "You have no call templates yet" in (await client.get("/assistant/templates")).text
    data = {
        "csrf_token": csrf,
        "template_type": "intro",
        "name": "Intro call",
        "content": "Hi {{owner_first_name}}, this is {{ agent_name }}.",
        "variables": "owner_first_name",
    }
    refused = await client.post("/assistant/templates", data=data)
    assert refused.status_code == 422
    assert 'id="template-variables-error"' in refused.text and "{{agent_name}}" in refused.text
    added = await client.post(
        "/assistant/templates", data={**data, "variables": "owner_first_name, agent_name"}
    )
    assert added.status_code == 303
    listing = await client.get("/assistant/templates")
    assert "Call template added." in listing.text and "Intro call" in listing.text
    template_id = _first_id(listing.text, "/assistant/templates/")
    form = await client.get(f"/assistant/templates/{template_id}/edit")
    assert 'value="owner_first_name, agent_name"' in form.text
    confirm = await client.get(f"/assistant/templates/{template_id}/delete")
    assert "Delete this call template?" in confirm.text
    deleted = await client.post(
        f"/assistant/templates/{template_id}/delete", data={"csrf_token": csrf}
    )
    assert deleted.status_code == 303


async def test_another_subscribers_pages_are_not_found(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    me = await api_as(client, db)
    made = await client.post("/api/v1/assistant/scripts", json=SMS, headers=me)
    script_id = made.json()["script_id"]
    await browser_as(client, db)
    assert (await client.get(f"/assistant/scripts/{script_id}/edit")).status_code == 404
    assert (await client.get(f"/assistant/scripts/{script_id}/delete")).status_code == 404
