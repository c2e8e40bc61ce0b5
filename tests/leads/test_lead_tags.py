"""Tags on leads through the API and the pages: replace them, add and remove one, filter by one,
chips on the board, the table and the lead page; another subscriber's lead is a 404."""

from __future__ import annotations

from datetime import datetime

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.web.security import CSRF_REFUSAL
from tests.factories import (
    bearer_for,
    csrf_of,
    log_in_browser,
    make_subscriber,
    saved_lead,
)
from tests.leads.helpers import api_lead

NOW = datetime(2026, 6, 2, 10, 0)


async def test_put_replaces_the_tags_without_touching_history_or_updated_at(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers, lead = await api_lead(client, db)
    url = f"/api/v1/leads/{lead['lead_id']}"

    put = await client.put(
        f"{url}/tags", json={"tags": ["Hot", " hot ", "May  mailer"]}, headers=headers
    )
    cleared = await client.put(f"{url}/tags", json={"tags": []}, headers=headers)
    again = await client.put(f"{url}/tags", json={"tags": ["HOT"]}, headers=headers)
    detail = (await client.get(url, headers=headers)).json()

    assert put.status_code == 200, put.text
    assert put.json()["tags"] == ["Hot", "May mailer"]
    assert cleared.json()["tags"] == []
    assert again.json()["tags"] == ["HOT"]  # no other lead spells it any more: as given
    assert detail["lead"]["tags"] == ["HOT"]
    assert detail["events"] == []
    assert detail["lead"]["updated_at"] == lead["updated_at"]


async def test_put_refuses_bad_tags_naming_them(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers, lead = await api_lead(client, db)
    url = f"/api/v1/leads/{lead['lead_id']}/tags"

    control = await client.put(url, json={"tags": ["ok", "tab\there"]}, headers=headers)
    too_long = await client.put(url, json={"tags": ["x" * 41]}, headers=headers)
    too_many = await client.put(url, json={"tags": [f"t{n}" for n in range(21)]}, headers=headers)
    exactly = await client.put(url, json={"tags": [f"t{n}" for n in range(20)]}, headers=headers)

    assert (control.status_code, control.json()["field"]) == (422, "tags.1")
    assert "control characters" in control.json()["detail"]
    assert (too_long.status_code, too_long.json()["field"]) == (422, "tags.0")
    assert (too_many.status_code, too_many.json()["field"]) == (422, "tags")
    assert exactly.status_code == 200 and len(exactly.json()["tags"]) == 20


async def test_list_filters_by_tag_in_any_case(db: AsyncSession, client: httpx.AsyncClient) -> None:
    user = await make_subscriber(db)
    other = await make_subscriber(db)
    headers = await bearer_for(client, user)
    mailer = await saved_lead(db, user, "1 MAIL ST", tags=["May mailer", "Hot"], now=NOW)
    await saved_lead(db, user, "2 COLD ST", tags=["Cold"], now=NOW)
    await saved_lead(db, other, "3 OTHER ST", tags=["May mailer"], now=NOW)  # someone else's list

    tagged = (await client.get("/api/v1/leads?tag=may%20MAILER", headers=headers)).json()
    none = (await client.get("/api/v1/leads?tag=Pool", headers=headers)).json()

    assert [item["lead_id"] for item in tagged["items"]] == [str(mailer)]
    assert tagged["items"][0]["tags"] == ["May mailer", "Hot"]
    assert none["total"] == 0


async def test_another_subscribers_lead_tags_are_a_404(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    alice = await make_subscriber(db)
    bob = await make_subscriber(db)
    bob_headers = await bearer_for(client, bob)
    await log_in_browser(client, bob)
    lead = await saved_lead(db, alice, "4 ALICE ST", tags=["Hot"], now=NOW)
    await db.commit()  # (inside the test's transaction) a refused request rolls back to here
    csrf = csrf_of(client)

    api = await client.put(f"/api/v1/leads/{lead}/tags", json={"tags": []}, headers=bob_headers)
    add = await client.post(f"/leads/{lead}/tags", data={"tag": "Mine", "csrf_token": csrf})
    remove = await client.post(
        f"/leads/{lead}/tags/remove", data={"tag": "Hot", "csrf_token": csrf}
    )

    assert (api.status_code, add.status_code, remove.status_code) == (404, 404, 404)
    tags = await db.scalar(text("SELECT tags FROM saved_leads WHERE lead_id = :l"), {"l": lead})
    assert tags == ["Hot"]


async def test_lead_page_adds_and_removes_tags_and_links_chips_to_the_table(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    await saved_lead(db, user, "5 OLD ST", tags=["Pool Owners 33156"], now=NOW)
    lead = await saved_lead(db, user, "6 PAGE ST", now=NOW)
    await db.commit()  # (inside the test's transaction) the refused form rolls back to here
    csrf = csrf_of(client)
    page_url = f"/leads/{lead}"

    added = await client.post(
        f"{page_url}/tags", data={"tag": "pool owners 33156", "csrf_token": csrf}
    )
    await client.post(f"{page_url}/tags", data={"tag": "Hot", "csrf_token": csrf})
    removed = await client.post(f"{page_url}/tags/remove", data={"tag": "hot", "csrf_token": csrf})
    page = await client.get(page_url)
    blank = await client.post(f"{page_url}/tags", data={"tag": "  ", "csrf_token": csrf})
    no_csrf = await client.post(f"{page_url}/tags", data={"tag": "Sneaky"})

    assert (added.status_code, removed.status_code) == (303, 303)
    assert 'href="/leads/table?tag=Pool%20Owners%2033156"' in page.text
    assert "Remove tag Pool Owners 33156" in page.text
    assert "Remove tag Hot" not in page.text
    assert blank.status_code == 422 and 'data-testid="error-tag"' in blank.text
    assert no_csrf.status_code == 403 and CSRF_REFUSAL in no_csrf.text


async def test_table_filters_by_tag_and_board_and_table_show_chips(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    await saved_lead(db, user, "7 MAILER ST", tags=["May mailer"], now=NOW)
    await saved_lead(db, user, "8 HOT ST", tags=["Hot"], now=NOW)

    filtered = await client.get("/leads/table?tag=may+mailer")
    everything = await client.get("/leads/table")
    board = await client.get("/leads")

    assert "7 MAILER ST" in filtered.text and "8 HOT ST" not in filtered.text
    assert "1 lead tagged “May mailer”" in filtered.text
    assert '<option value="May mailer" selected>' in filtered.text
    assert 'href="/leads/table?tag=Hot"' in everything.text
    assert 'href="/leads/table?tag=May%20mailer"' in board.text
    assert 'href="/leads/table?tag=Hot"' in board.text
