"""The business profile's postal address (shown in every e-mail to an owner, CAN-SPAM): API round
trip, the page's form, lines kept and trimmed, too long refused at its field; the demo
subscribers have one."""

from __future__ import annotations

import httpx
import psycopg
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.demo.accounts import DEMO_PROFILES, _ensure_accounts
from tests.factories import api_as, browser_as


async def test_api_keeps_the_lines_trimmed(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await api_as(client, db)
    body = {
        "business_name": "Sunny Pools",
        "postal_address": "  12 Main St ,  Suite 4 \r\n\r\n Miami, FL 33101 ",
    }
    saved = await client.put("/api/v1/profile", json=body, headers=headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["postal_address"] == "12 Main St , Suite 4\nMiami, FL 33101"
    assert (await client.get("/api/v1/profile", headers=headers)).json()["postal_address"] == (
        "12 Main St , Suite 4\nMiami, FL 33101"
    )
    cleared = await client.put("/api/v1/profile", json={"business_name": "x"}, headers=headers)
    assert cleared.json()["postal_address"] is None  # a PUT replaces every field


async def test_too_long_is_refused_at_its_field(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await api_as(client, db)
    refused = await client.put(
        "/api/v1/profile", json={"postal_address": "x" * 501}, headers=headers
    )
    assert refused.status_code == 422
    assert "postal_address" in refused.text


async def test_the_page_edits_it(client: httpx.AsyncClient, db: AsyncSession) -> None:
    csrf = await browser_as(client, db)
    page = await client.get("/profile")
    assert 'id="postal_address"' in page.text and "CAN-SPAM" in page.text
    saved = await client.post(
        "/profile",
        data={
            "csrf_token": csrf,
            "business_name": "Sunny",
            "postal_address": "PO Box 1\nMiami, FL 33101",
        },
    )
    assert saved.status_code == 303, saved.text
    again = await client.get("/profile")
    assert "PO Box 1\nMiami, FL 33101</textarea>" in again.text
    too_long = await client.post("/profile", data={"csrf_token": csrf, "postal_address": "y" * 600})
    assert too_long.status_code == 422
    assert 'id="postal_address-error"' in too_long.text


async def test_demo_subscribers_have_a_postal_address(import_url: str) -> None:
    await _ensure_accounts(get_settings(), import_url)
    with psycopg.connect(import_url) as conn:
        rows = dict(
            conn.execute(
                "SELECT u.email, p.postal_address FROM subscriber_profiles p "
                "JOIN users u USING (user_id)"
            ).fetchall()
        )
    for email in DEMO_PROFILES:
        assert rows[email] and "FL 33" in rows[email]
