"""The knowledge base's pages and API: CRUD, filters, keyset pages, starters, search, tenancy."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from tests.factories import bearer_for, csrf_of, log_in_browser, make_subscriber, make_user

ENTRY = {"title": "Pool pricing", "content": "Weekly service from $120.", "content_type": "pricing"}


async def test_api_crud_and_tenancy(client: httpx.AsyncClient, db: AsyncSession) -> None:
    owner = await bearer_for(client, await make_subscriber(db))
    other = await bearer_for(client, await make_subscriber(db))
    created = await client.post(
        "/api/v1/assistant/knowledge", json={**ENTRY, "tags": ["Pool", "pool"]}, headers=owner
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["tags"] == ["Pool"]
    url = f"/api/v1/assistant/knowledge/{body['kb_id']}"

    for method in ("GET", "DELETE"):
        assert (await client.request(method, url, headers=other)).status_code == 404
    assert (await client.patch(url, json={"title": "x"}, headers=other)).status_code == 404
    assert (await client.get("/api/v1/assistant/knowledge", headers=other)).json()["items"] == []

    patched = await client.patch(url, json={"content": "From $99."}, headers=owner)
    assert patched.status_code == 200 and patched.json()["content"] == "From $99."
    assert patched.json()["title"] == "Pool pricing"
    assert (await client.get(url, headers=owner)).json()["content"] == "From $99."
    assert (await client.delete(url, headers=owner)).status_code == 204
    assert (await client.get(url, headers=owner)).status_code == 404


async def test_api_refuses_invalid_entries_naming_the_field(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await bearer_for(client, await make_subscriber(db))
    refused = await client.post(
        "/api/v1/assistant/knowledge", json={**ENTRY, "content_type": "poem"}, headers=headers
    )
    assert refused.status_code == 422
    assert "content_type" in refused.text


async def test_api_pages_and_search(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await bearer_for(client, await make_subscriber(db))
    for number in range(3):
        entry = {**ENTRY, "title": f"Techo {number}", "content": "Reparamos su techo."}
        assert (
            await client.post("/api/v1/assistant/knowledge", json=entry, headers=headers)
        ).status_code == 201
    first = (await client.get("/api/v1/assistant/knowledge?limit=2", headers=headers)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = await client.get(
        "/api/v1/assistant/knowledge",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=headers,
    )
    assert len(second.json()["items"]) == 1 and second.json()["next_cursor"] is None
    found = await client.get("/api/v1/assistant/search", params={"q": "techos"}, headers=headers)
    assert found.status_code == 200
    items = found.json()["items"]
    assert len(items) == 3 and {item["kind"] for item in items} == {"knowledge"}
    empty = await client.get("/api/v1/assistant/search", params={"q": ""}, headers=headers)
    assert empty.json()["items"] == []


async def test_only_subscribers(client: httpx.AsyncClient, db: AsyncSession) -> None:
    homeowner = await bearer_for(client, await make_user(db, UserType.HOMEOWNER))
    assert (await client.get("/api/v1/assistant/knowledge", headers=homeowner)).status_code == 403
    assert (await client.get("/api/v1/assistant/search?q=x", headers=homeowner)).status_code == 403


async def test_pages_add_edit_filter_delete(client: httpx.AsyncClient, db: AsyncSession) -> None:
    # An unverified subscriber may manage the knowledge base: it is free.
    await log_in_browser(client, await make_user(db, UserType.SUBSCRIBER, verified=False))
    csrf = csrf_of(client)
    empty = await client.get("/assistant/knowledge")
    assert empty.status_code == 200 and 'data-testid="kb-empty"' in empty.text

    refused = await client.post(
        "/assistant/knowledge",
        data={"csrf_token": csrf, "title": "", "content": "x", "content_type": "faq"},
    )
    assert refused.status_code == 422 and "Give the entry a title." in refused.text

    added = await client.post(
        "/assistant/knowledge",
        data={**ENTRY, "csrf_token": csrf, "tags": "pool, <b>vip</b>"},
    )
    assert added.status_code == 303
    listing = await client.get("/assistant/knowledge")
    assert "Pool pricing" in listing.text
    assert "&lt;b&gt;vip&lt;/b&gt;" in listing.text and "<b>vip</b>" not in listing.text
    kb_id = re.search(r"/assistant/knowledge/([0-9a-f-]{36})/edit", listing.text)
    assert kb_id is not None
    edit_url = f"/assistant/knowledge/{kb_id.group(1)}"

    assert (await client.get(edit_url + "/edit")).status_code == 200
    saved = await client.post(
        edit_url, data={**ENTRY, "csrf_token": csrf, "title": "Pool prices", "tags": "pool"}
    )
    assert saved.status_code == 303
    assert "Pool prices" in (await client.get("/assistant/knowledge?type=pricing")).text
    assert "Pool prices" not in (await client.get("/assistant/knowledge?type=faq")).text
    assert "Pool prices" in (await client.get("/assistant/knowledge?tag=POOL")).text

    confirm = await client.get(edit_url + "/delete")
    assert confirm.status_code == 200 and "Delete this entry?" in confirm.text
    assert (await client.post(edit_url + "/delete", data={"csrf_token": csrf})).status_code == 303
    assert (await client.get(edit_url + "/edit")).status_code == 404


async def test_another_subscribers_entry_pages_are_404(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await bearer_for(client, await make_subscriber(db))
    created = await client.post("/api/v1/assistant/knowledge", json=ENTRY, headers=owner)
    kb_id = created.json()["kb_id"]
    await log_in_browser(client, await make_subscriber(db))
    csrf = csrf_of(client)
    url = f"/assistant/knowledge/{kb_id}"
    assert (await client.get(url + "/edit")).status_code == 404
    assert (await client.get(url + "/delete")).status_code == 404
    assert (await client.post(url, data={**ENTRY, "csrf_token": csrf})).status_code == 404
    assert (await client.post(url + "/delete", data={"csrf_token": csrf})).status_code == 404


async def test_starters_and_search_box(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await log_in_browser(client, await make_subscriber(db))
    csrf = csrf_of(client)
    index = await client.get("/assistant")
    assert index.status_code == 200
    assert "Add the starter entries for Pool service (Español)" in index.text
    assert 'href="/assistant/scripts"' in index.text and 'href="/assistant/templates"' in index.text
    copied = await client.post(
        "/assistant/knowledge/starters",
        data={"csrf_token": csrf, "trade": "pool", "language": "es"},
    )
    assert copied.status_code == 303
    found = await client.get("/assistant", params={"q": "piscinas"})
    assert 'data-testid="passages"' in found.text and "Servicio semanal de piscina" in found.text
    nothing = await client.get("/assistant", params={"q": "helicóptero"})
    assert 'data-testid="no-passages"' in nothing.text
    bad = await client.post(
        "/assistant/knowledge/starters", data={"csrf_token": csrf, "trade": "x", "language": "es"}
    )
    assert bad.status_code == 303
