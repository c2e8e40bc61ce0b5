"""Catalog pages: list, add, edit (CSRF forms) with field errors, deactivation after confirmation,
and admins only."""

from __future__ import annotations

import re

import httpx
import pytest
from markupsafe import escape
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import ROLE_REFUSAL
from propintel.auth.models import UserType
from propintel.catalog.features import PLAN_FEATURES
from propintel.web.security import CSRF_REFUSAL
from tests.catalog.helpers import audit_rows
from tests.factories import browser_as


async def _bundle_id(db: AsyncSession, name: str) -> str:
    found = await db.scalar(
        text("SELECT bundle_id FROM token_bundles WHERE bundle_name = :n"), {"n": name}
    )
    return str(found)


async def test_admin_edits_a_bundle_price_through_the_form(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)
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
    assert no_csrf.status_code == 403 and CSRF_REFUSAL in no_csrf.text


async def test_deactivation_needs_the_confirmation_page(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)
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
    csrf = await browser_as(client, db, UserType.ADMIN)
    form = {
        "csrf_token": csrf,
        "plan_name": "agency",
        "monthly_price": "199",
        "yearly_price": "",
        "base_tokens_monthly": "40000",
        "stripe_price_id": "",
    }
    bad = await client.post(
        "/admin/plans", data={**form, "monthly_price": "19.999", "features.ai_chat": "on"}
    )
    assert bad.status_code == 422 and 'data-testid="error-monthly_price"' in bad.text
    assert "<details open>" in bad.text
    assert 'name="features.ai_chat" value="on" aria-describedby' in bad.text  # still ticked
    assert _ticked(bad.text) == ["ai_chat"]
    ok = await client.post("/admin/plans", data={**form, "features.ai_chat": "on"})
    assert ok.status_code == 303, ok.text
    [log] = await audit_rows(db, "plan.create")
    assert log["changes"]["after"]["yearly_price"] is None
    assert log["changes"]["after"]["monthly_price"] == "199.00"
    assert log["changes"]["after"]["features"] == {
        "new_homeowner_leads": False,
        "distressed_leads": False,
        "fsbo_leads": False,
        "ai_chat": True,
        "ai_voice": False,
        "contact_unlock": False,
        "sms": False,
        "email_sequences": False,
        "crm_sync": False,
    }


def _ticked(html: str) -> list[str]:
    """The feature checkboxes ticked in a page's forms."""
    return re.findall(r'name="features\.(\w+)" value="on" aria-describedby="[^"]*" checked', html)


async def test_plan_features_are_labelled_checkboxes_and_unknown_keys_are_kept(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)
    plan_id = await db.scalar(
        text(
            "UPDATE subscription_plans SET features = features || '{\"beta_reports\": true}' "
            "WHERE plan_name = 'contractor' RETURNING plan_id"
        )
    )
    edit = await client.get(f"/admin/plans/{plan_id}")
    assert edit.status_code == 200 and 'name="features"' not in edit.text
    for feature in PLAN_FEATURES:
        assert f'name="features.{feature.key}"' in edit.text
        label = f'<label class="choice" for="edit-features-{feature.key}">{feature.label}</label>'
        assert label in edit.text and str(escape(feature.description)) in edit.text
    # the outreach features are the contractor plan's by default (catalog.features)
    defaults = ["contact_unlock", "sms", "email_sequences"]
    assert _ticked(edit.text) == ["new_homeowner_leads", "ai_chat", *defaults]
    assert "<code>beta_reports: true</code>" in edit.text

    form = {
        "csrf_token": csrf,
        "plan_name": "contractor",
        "monthly_price": "49.00",
        "yearly_price": "490.00",
        "base_tokens_monthly": "10000",
        "stripe_price_id": "",
        "features.new_homeowner_leads": "on",
        "features.ai_chat": "on",
        **{f"features.{key}": "on" for key in defaults},
    }
    unchanged = await client.post(f"/admin/plans/{plan_id}", data=form)
    assert unchanged.status_code == 303 and await audit_rows(db, "plan.update") == []

    saved = await client.post(f"/admin/plans/{plan_id}", data={**form, "features.ai_voice": "on"})
    assert saved.status_code == 303
    [log] = await audit_rows(db, "plan.update")
    before = {
        "new_homeowner_leads": True,
        "distressed_leads": False,
        "ai_chat": True,
        "ai_voice": False,
        "beta_reports": True,  # unknown to the form, kept; fsbo_leads stays absent
        "contact_unlock": True,
        "sms": True,
        "email_sequences": True,
        "crm_sync": False,
    }
    assert log["changes"] == {
        "before": {"features": before},
        "after": {"features": {**before, "ai_voice": True}},
    }
    listing = await client.get("/admin/plans")
    assert (
        "New-homeowner leads, AI chat, AI voice calls, Owner contact unlock, SMS to owners, "
        "E-mail sequences, beta_reports" in listing.text
    )


async def test_pricing_page_lists_actions_costs_and_their_mapping(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    csrf = await browser_as(client, db, UserType.ADMIN)
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


async def test_each_section_of_a_page_is_paged_by_its_own_cursor(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    await browser_as(client, db, UserType.ADMIN)
    await db.execute(
        text(
            "INSERT INTO token_pricing (action_type, tokens_required) "
            "SELECT 'zz_action_' || lpad(n::text, 2, '0'), 1 FROM generate_series(1, 50) n"
        )
    )
    first = await client.get("/admin/pricing")
    # The five seeded actions sort first: 45 of the new ones fill the page of 50.
    assert "zz_action_45" in first.text and "zz_action_46" not in first.text
    assert "First page" not in first.text
    pattern = r'href="(/admin/pricing\?list=token-pricing&amp;cursor=[^"]+)">Next page'
    [next_url] = re.findall(pattern, first.text)
    second = await client.get(next_url.replace("&amp;", "&"))
    assert second.status_code == 200
    assert "zz_action_46" in second.text and "zz_action_45" not in second.text
    assert "Next page" not in second.text
    assert '<a href="/admin/pricing">First page</a>' in second.text
    assert "gemini_tts_call" in second.text  # the other section starts at its first page
    forged = await client.get("/admin/pricing?list=token-pricing&cursor=bm90LWEtY3Vyc29y")
    assert forged.status_code == 422


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
    csrf = await browser_as(client, db, UserType.SUBSCRIBER)
    response = await client.request(
        method, path, data={"csrf_token": csrf} if method == "POST" else None
    )
    assert response.status_code == 403 and ROLE_REFUSAL in response.text
