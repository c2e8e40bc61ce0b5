"""Catalog API: create, update and deactivate plans, bundles, pricing and AI costs; validation
422s that name the field; exact audit rows; admins only."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import ROLE_REFUSAL
from propintel.auth.models import UserType
from tests.catalog.helpers import audit_rows
from tests.factories import api_as, bearer_for, make_user

PLAN = {
    "plan_name": "team",
    "monthly_price": "149.00",
    "yearly_price": "1490.00",
    "base_tokens_monthly": 30000,
    "features": {"ai_chat": True, "ai_voice": False},
}

ACTION = {"action_type": "x_y", "tokens_required": 1, "actual_cost_usd": "0"}
SERVICE = {"service_name": "svc", "cost_per_unit": 1}


async def test_plan_create_update_deactivate_are_audited_with_exact_changes(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    admin = await make_user(db, UserType.ADMIN)
    headers = await bearer_for(client, admin)
    created = await client.post("/api/v1/admin/plans", json=PLAN, headers=headers)
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["monthly_price"] == "149.00" and plan["is_active"] is True
    [create_log] = await audit_rows(db, "plan.create")
    assert create_log["admin_user_id"] == admin.user_id
    assert create_log["target_entity"] == "subscription_plans"
    assert str(create_log["target_id"]) == plan["plan_id"]
    assert create_log["changes"] == {
        "before": None,
        "after": {**PLAN, "stripe_price_id": None},
    }

    before = await db.scalar(
        text("SELECT updated_at FROM subscription_plans WHERE plan_id = :p"),
        {"p": plan["plan_id"]},
    )
    await db.execute(  # make the refresh of updated_at visible inside one transaction
        text("UPDATE subscription_plans SET updated_at = '2020-01-01' WHERE plan_id = :p"),
        {"p": plan["plan_id"]},
    )
    patched = await client.patch(
        f"/api/v1/admin/plans/{plan['plan_id']}",
        json={"monthly_price": 159.5, "base_tokens_monthly": 30000, "features": {"ai_chat": True}},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["monthly_price"] == "159.50"
    assert patched.json()["updated_at"] >= before.isoformat()
    [update_log] = await audit_rows(db, "plan.update")
    assert update_log["changes"] == {  # base_tokens_monthly did not change: not listed
        "before": {"monthly_price": "149.00", "features": {"ai_chat": True, "ai_voice": False}},
        "after": {"monthly_price": "159.50", "features": {"ai_chat": True}},
    }

    gone = await client.post(f"/api/v1/admin/plans/{plan['plan_id']}/deactivate", headers=headers)
    assert gone.status_code == 200 and gone.json()["is_active"] is False
    [off_log] = await audit_rows(db, "plan.deactivate")
    assert off_log["changes"] == {"before": {"is_active": True}, "after": {"is_active": False}}
    again = await client.post(f"/api/v1/admin/plans/{plan['plan_id']}/deactivate", headers=headers)
    assert again.status_code == 409
    back = await client.post(f"/api/v1/admin/plans/{plan['plan_id']}/activate", headers=headers)
    assert back.status_code == 200 and back.json()["is_active"] is True
    assert (
        await db.scalar(text("SELECT count(*) FROM subscription_plans WHERE plan_name = 'team'"))
        == 1
    )


async def test_lists_are_keyset_pages_in_the_tables_order(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    url = "/api/v1/admin/bundles"
    first = (await client.get(url, params={"limit": 3}, headers=headers)).json()
    assert [b["token_amount"] for b in first["items"]] == [10000, 25000, 50000]
    rest = await client.get(
        url, params={"limit": 3, "cursor": first["next_cursor"]}, headers=headers
    )
    assert [b["token_amount"] for b in rest.json()["items"]] == [100000]
    assert rest.json()["next_cursor"] is None
    plans_cursor = await client.get(
        "/api/v1/admin/plans", params={"cursor": first["next_cursor"]}, headers=headers
    )
    assert plans_cursor.status_code == 422 and plans_cursor.json()["field"] == "cursor"
    forged = await client.get(url, params={"cursor": "bm90LWEtY3Vyc29y"}, headers=headers)
    assert forged.status_code == 422 and forged.json()["field"] == "cursor"


async def test_update_that_changes_nothing_writes_no_audit_row(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    bundles = (await client.get("/api/v1/admin/bundles", headers=headers)).json()["items"]
    first = bundles[0]
    same = await client.patch(
        f"/api/v1/admin/bundles/{first['bundle_id']}",
        json={"price": first["price"], "token_amount": first["token_amount"]},
        headers=headers,
    )
    assert same.status_code == 200
    assert await audit_rows(db, "bundle.update") == []


async def test_bundle_price_change_is_audited(db: AsyncSession, client: httpx.AsyncClient) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    bundle = next(
        b
        for b in (await client.get("/api/v1/admin/bundles", headers=headers)).json()["items"]
        if b["bundle_name"] == "10000 Credits"
    )
    changed = await client.patch(
        f"/api/v1/admin/bundles/{bundle['bundle_id']}", json={"price": "12.5"}, headers=headers
    )
    assert changed.status_code == 200 and changed.json()["price"] == "12.50"
    [log] = await audit_rows(db, "bundle.update")
    assert log["target_entity"] == "token_bundles"
    assert log["changes"] == {"before": {"price": "10.00"}, "after": {"price": "12.50"}}


async def test_pricing_rows_are_keyed_by_action_and_cannot_be_deleted_or_renamed(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    listed = (await client.get("/api/v1/admin/token-pricing", headers=headers)).json()["items"]
    sms = next(row for row in listed if row["action_type"] == "sms_send")
    assert sms["cost_service"] == "twilio_sms"
    changed = await client.patch(
        "/api/v1/admin/token-pricing/sms_send",
        json={"tokens_required": 12, "actual_cost_usd": "0.0079"},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    [log] = await audit_rows(db, "token_pricing.update")
    assert log["target_id"] is None and log["target_entity"] == "token_pricing"
    assert log["changes"] == {
        "before": {"tokens_required": 10, "actual_cost_usd": "0.007500"},
        "after": {"tokens_required": 12, "actual_cost_usd": "0.007900"},
        "key": "sms_send",
    }
    rename = await client.patch(
        "/api/v1/admin/token-pricing/sms_send", json={"action_type": "sms"}, headers=headers
    )
    assert rename.status_code == 422 and "action_type" in rename.text
    delete = await client.delete("/api/v1/admin/token-pricing/sms_send", headers=headers)
    assert delete.status_code == 405
    missing = await client.patch(
        "/api/v1/admin/token-pricing/nope", json={"tokens_required": 1}, headers=headers
    )
    assert missing.status_code == 404


async def test_ai_cost_create_and_markup_update(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    created = await client.post(
        "/api/v1/admin/ai-costs",
        json={"service_name": "batchdata_skip", "cost_per_unit": "0.01", "markup_percentage": 25},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    config_id = created.json()["config_id"]
    assert created.json()["markup_percentage"] == "25.00"
    patched = await client.patch(
        f"/api/v1/admin/ai-costs/{config_id}", json={"markup_percentage": "999.99"}, headers=headers
    )
    assert patched.status_code == 200
    [log] = await audit_rows(db, "ai_cost.update")
    assert log["changes"] == {
        "before": {"markup_percentage": "25.00"},
        "after": {"markup_percentage": "999.99"},
    }
    duplicate = await client.post(
        "/api/v1/admin/ai-costs",
        json={"service_name": "twilio_sms", "cost_per_unit": "0.01"},
        headers=headers,
    )
    assert duplicate.status_code == 422 and duplicate.json()["field"] == "service_name"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("plans", {**PLAN, "monthly_price": "-1"}, "monthly_price"),
        ("plans", {**PLAN, "monthly_price": "9.999"}, "monthly_price"),
        ("plans", {**PLAN, "plan_name": "Has Spaces"}, "plan_name"),
        ("plans", {**PLAN, "features": ["ai_chat"]}, "features"),
        ("plans", {**PLAN, "features": {"ai_chat": "yes"}}, "features.ai_chat"),
        ("plans", {**PLAN, "base_tokens_monthly": -5}, "base_tokens_monthly"),
        ("plans", {**PLAN, "surprise": 1}, "surprise"),
        ("bundles", {"bundle_name": "x", "token_amount": 0, "price": "1.00"}, "token_amount"),
        ("bundles", {"bundle_name": "x", "token_amount": 10, "price": "abc"}, "price"),
        ("bundles", {"bundle_name": "", "token_amount": 10, "price": "1"}, "bundle_name"),
        (
            "token-pricing",
            {"action_type": "x_y", "tokens_required": 0, "actual_cost_usd": 0},
            "tokens_required",
        ),
        (
            "token-pricing",
            {"action_type": "x_y", "tokens_required": 1, "actual_cost_usd": "0.0000001"},
            "actual_cost_usd",
        ),
        (
            "ai-costs",
            {"service_name": "svc", "cost_per_unit": 1, "markup_percentage": 1000},
            "markup_percentage",
        ),
        (
            "ai-costs",
            {"service_name": "svc", "cost_per_unit": 1, "markup_percentage": -1},
            "markup_percentage",
        ),
    ],
)
async def test_invalid_input_is_422_naming_the_field_and_changes_nothing(
    db: AsyncSession, client: httpx.AsyncClient, path: str, body: dict[str, object], field: str
) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    response = await client.post(f"/api/v1/admin/{path}", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
    assert await db.scalar(text("SELECT count(*) FROM admin_audit_logs")) == 0


async def test_duplicate_plan_name_and_tier_rename_are_refused(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    listed = (await client.get("/api/v1/admin/plans", headers=headers)).json()["items"]
    plans = {p["plan_name"]: p for p in listed}
    duplicate = await client.post(
        "/api/v1/admin/plans", json={**PLAN, "plan_name": "full"}, headers=headers
    )
    assert duplicate.status_code == 422 and duplicate.json()["field"] == "plan_name"
    created = (await client.post("/api/v1/admin/plans", json=PLAN, headers=headers)).json()
    clash = await client.patch(
        f"/api/v1/admin/plans/{created['plan_id']}", json={"plan_name": "investor"}, headers=headers
    )
    assert clash.status_code == 422 and clash.json()["field"] == "plan_name"
    tier = await client.patch(
        f"/api/v1/admin/plans/{plans['full']['plan_id']}",
        json={"plan_name": "everything"},
        headers=headers,
    )
    assert tier.status_code == 422 and "subscription tier" in tier.json()["detail"]
    null = await client.patch(
        f"/api/v1/admin/plans/{created['plan_id']}", json={"monthly_price": None}, headers=headers
    )
    assert null.status_code == 422 and null.json()["errors"][0]["field"] == "monthly_price"
    cleared = await client.patch(
        f"/api/v1/admin/plans/{created['plan_id']}", json={"yearly_price": None}, headers=headers
    )
    assert cleared.status_code == 200 and cleared.json()["yearly_price"] is None


async def test_unknown_or_malformed_keys_are_404(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    for key in (str(uuid.uuid4()), "not-a-uuid"):
        response = await client.patch(
            f"/api/v1/admin/bundles/{key}", json={"price": "1.00"}, headers=headers
        )
        assert response.status_code == 404


CATALOG_CALLS = [
    ("GET", "/api/v1/admin/plans"),
    ("POST", "/api/v1/admin/plans"),
    ("PATCH", f"/api/v1/admin/plans/{uuid.uuid4()}"),
    ("POST", f"/api/v1/admin/plans/{uuid.uuid4()}/deactivate"),
    ("POST", f"/api/v1/admin/plans/{uuid.uuid4()}/activate"),
    ("GET", "/api/v1/admin/bundles"),
    ("POST", "/api/v1/admin/bundles"),
    ("PATCH", f"/api/v1/admin/bundles/{uuid.uuid4()}"),
    ("POST", f"/api/v1/admin/bundles/{uuid.uuid4()}/deactivate"),
    ("POST", f"/api/v1/admin/bundles/{uuid.uuid4()}/activate"),
    ("GET", "/api/v1/admin/token-pricing"),
    ("POST", "/api/v1/admin/token-pricing"),
    ("PATCH", "/api/v1/admin/token-pricing/sms_send"),
    ("GET", "/api/v1/admin/ai-costs"),
    ("POST", "/api/v1/admin/ai-costs"),
    ("PATCH", f"/api/v1/admin/ai-costs/{uuid.uuid4()}"),
]


@pytest.mark.parametrize("user_type", [UserType.SUBSCRIBER, UserType.HOMEOWNER])
async def test_non_admins_get_403_on_every_catalog_endpoint(
    db: AsyncSession, client: httpx.AsyncClient, user_type: UserType
) -> None:
    user = await make_user(db, user_type)
    headers = await bearer_for(client, user)
    for method, path in CATALOG_CALLS:
        response = await client.request(method, path, json={}, headers=headers)
        refused = (response.status_code, response.json()["detail"])
        assert refused == (403, ROLE_REFUSAL), (method, path)
        anonymous = await client.request(method, path, json={})
        assert anonymous.status_code == 401, (method, path)
    assert await db.scalar(text("SELECT count(*) FROM admin_audit_logs")) == 0
