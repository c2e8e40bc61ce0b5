"""Catalog pages: list, add, edit (CSRF forms) with field errors, deactivation after confirmation,
and admins only."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from tests.catalog.helpers import audit_rows
from tests.factories import log_in_browser, make_user


async def _admin_browser(db: AsyncSession, client: httpx.AsyncClient) -> str:
    admin = await make_user(db, UserType.ADMIN)
    await log_in_browser(client, admin)
    return str(client.cookies.get("propintel_csrf"))


async def _bundle_id(db: AsyncSession, name: str) -> str:
    found = await db.scalar(
        text("SELECT bundle_id FROM token_bundles WHERE bundle_name = :n"), {"n": name}
    )
    return str(found)


async def test_admin_edits_a_bundle_price_through_the_form(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    csrf = await _admin_browser(db, client)
    listing = await client.get("/admin/bundles")
    assert (
        listing.status_code == 200 and "25000 Credits" in listing.text and "$20.00" in listing.text
    )
    bundle_id = await _bundle_id(db, "25000 Credits")
    edit = await client.get(f"/admin/bundles/{bundle_id}")
    assert edit.status_code == 200 and 'value="20.00"' in edit.text
    form = {"csrf_token": csrf, "bundle_name": "25000 Credits", "token_amount": "25000"}
    bad = await client.post(f"/admin/bundles/{bundle_id}", data={**form, "price": "19.999"})
    assert bad.status_code == 422 and 'data-testid="error-price"' in bad.text
    assert 'value="19.999"' in bad.text  # what was typed is kept
    saved = await client.post(f"/admin/bundles/{bundle_id}", data={**form, "price": "18.00"})
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/bundles"
    [log] = await audit_rows(db, "bundle.update")
    assert log["changes"] == {"before": {"price": "20.00"}, "after": {"price": "18.00"}}
    no_csrf = await client.post(f"/admin/bundles/{bundle_id}", data={"price": "1.00"})
    assert no_csrf.status_code in (400, 403)


async def test_deactivation_needs_the_confirmation_page(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    csrf = await _admin_browser(db, client)
    bundle_id = await _bundle_id(db, "10000 Credits")
    confirm = await client.get(f"/admin/bundles/{bundle_id}/deactivate")
    assert confirm.status_code == 200 and "Deactivate bundle 10000 Credits?" in confirm.text
    assert await audit_rows(db, "bundle.deactivate") == []  # looking changes nothing
    done = await client.post(f"/admin/bundles/{bundle_id}/deactivate", data={"csrf_token": csrf})
    assert done.status_code == 303
    active = await db.scalar(
        text("SELECT is_active FROM token_bundles WHERE bundle_id = :b"), {"b": bundle_id}
    )
    assert active is False
    listing = await client.get("/admin/bundles")
    assert "inactive" in listing.text and f"/admin/bundles/{bundle_id}/activate" in listing.text


async def test_add_plan_form_shows_field_errors_and_creates(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    csrf = await _admin_browser(db, client)
    form = {
        "csrf_token": csrf,
        "plan_name": "agency",
        "monthly_price": "199",
        "yearly_price": "",
        "base_tokens_monthly": "40000",
        "stripe_price_id": "",
    }
    bad = await client.post("/admin/plans", data={**form, "features": "{not json"})
    assert bad.status_code == 422 and 'data-testid="error-features"' in bad.text
    assert "<details open>" in bad.text
    ok = await client.post("/admin/plans", data={**form, "features": '{"ai_chat": true}'})
    assert ok.status_code == 303, ok.text
    [log] = await audit_rows(db, "plan.create")
    assert log["changes"]["after"]["yearly_price"] is None
    assert log["changes"]["after"]["monthly_price"] == "199.00"


async def test_pricing_page_lists_actions_costs_and_their_mapping(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    csrf = await _admin_browser(db, client)
    page = await client.get("/admin/pricing")
    assert page.status_code == 200
    assert "ai_voice_call_3min" in page.text and "gemini_tts_call" in page.text
    edit = await client.get("/admin/pricing/actions/email_send")
    assert edit.status_code == 200 and "fixed once created" in edit.text
    form = {
        "csrf_token": csrf,
        "tokens_required": "2",
        "actual_cost_usd": "0.0001",
        "description": "",
    }
    saved = await client.post("/admin/pricing/actions/email_send", data=form)
    assert saved.status_code == 303
    [log] = await audit_rows(db, "token_pricing.update")
    assert log["changes"] == {
        "before": {"tokens_required": 1, "description": "SendGrid email"},
        "after": {"tokens_required": 2, "description": None},
        "key": "email_send",
    }


PAGES = [
    ("GET", "/admin/plans"),
    ("POST", "/admin/plans"),
    ("GET", "/admin/bundles"),
    ("GET", "/admin/bundles/00000000-0000-0000-0000-000000000001/deactivate"),
    ("POST", "/admin/bundles/00000000-0000-0000-0000-000000000001/activate"),
    ("GET", "/admin/pricing"),
    ("POST", "/admin/pricing/ai-costs"),
    ("GET", "/admin/pricing/actions/sms_send"),
    ("POST", "/admin/pricing/actions/sms_send"),
]


@pytest.mark.parametrize(("method", "path"), PAGES)
async def test_catalog_pages_are_for_admins_only(
    db: AsyncSession, client: httpx.AsyncClient, method: str, path: str
) -> None:
    subscriber = await make_user(db, UserType.SUBSCRIBER)
    await log_in_browser(client, subscriber)
    csrf = client.cookies.get("propintel_csrf")
    response = await client.request(
        method, path, data={"csrf_token": csrf} if method == "POST" else None
    )
    assert response.status_code == 403
