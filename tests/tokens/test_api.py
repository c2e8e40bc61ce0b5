"""Token API: admin adjustments with audit rows, suspension, tenant isolation, preferences."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import ROLE_REFUSAL
from propintel.auth.models import UserType
from propintel.tokens import service
from tests.factories import NOON, bearer_for, funded_subscriber, make_user, token_balance


async def test_admin_grant_and_deduct_write_transactions_and_audit_rows(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await funded_subscriber(db, 10)
    admin = await make_user(db, UserType.ADMIN)
    user_id, admin_id = user.user_id, admin.user_id  # a refused request expires ORM objects
    headers = await bearer_for(client, admin)
    url = f"/api/v1/admin/users/{user_id}/tokens"
    granted = await client.post(
        url, json={"action": "grant", "tokens": 50, "reason": "goodwill"}, headers=headers
    )
    assert granted.status_code == 201, granted.text
    assert granted.json()["balance"] == 60
    too_much = await client.post(
        url, json={"action": "deduct", "tokens": 61, "reason": "fix"}, headers=headers
    )
    assert too_much.status_code == 402
    deducted = await client.post(
        url, json={"action": "deduct", "tokens": 60, "reason": "fix"}, headers=headers
    )
    assert deducted.json()["balance"] == 0
    rows = (
        await db.execute(
            text(
                "SELECT transaction_type, tokens_amount, description, admin_user_id "
                "FROM token_transactions WHERE user_id = :u ORDER BY tokens_amount DESC"
            ),
            {"u": user_id},
        )
    ).all()
    assert [tuple(row) for row in rows] == [
        ("admin_grant", 50, "goodwill", admin_id),
        ("admin_deduct", -60, "fix", admin_id),
    ]
    actions = (
        await db.execute(
            text(
                "SELECT action, changes->'after'->>'tokens_amount' FROM admin_audit_logs "
                "WHERE target_id = :u AND admin_user_id = :a ORDER BY timestamp, action DESC"
            ),
            {"u": user_id, "a": admin_id},
        )
    ).all()
    assert sorted(tuple(row) for row in actions) == [
        ("tokens.deduct", "-60"),
        ("tokens.grant", "50"),
    ]


async def test_subscriber_cannot_adjust_tokens(db: AsyncSession, client: httpx.AsyncClient) -> None:
    user = await funded_subscriber(db, 10)
    headers = await bearer_for(client, user)
    response = await client.post(
        f"/api/v1/admin/users/{user.user_id}/tokens",
        json={"action": "grant", "tokens": 5, "reason": "myself"},
        headers=headers,
    )
    assert (response.status_code, response.json()["detail"]) == (403, ROLE_REFUSAL)


async def test_suspended_user_cannot_log_in_use_a_token_or_spend_until_reactivated(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await funded_subscriber(db, 100)
    admin = await make_user(db, UserType.ADMIN)
    user_id, email = user.user_id, user.email  # a refused request expires ORM objects
    admin_headers = await bearer_for(client, admin)
    user_headers = await bearer_for(client, user)
    suspended = await client.post(
        f"/api/v1/admin/users/{user_id}/suspend",
        json={"reason": "chargeback"},
        headers=admin_headers,
    )
    assert suspended.status_code == 200, suspended.text
    login = await client.post(
        "/api/v1/auth/token", json={"email": email, "password": "correct-horse-battery"}
    )
    assert (login.status_code, login.json()["detail"]) == (401, "This account is suspended.")
    assert (await client.get("/api/v1/tokens/balance", headers=user_headers)).status_code == 401
    with pytest.raises(service.AccountSuspended):
        await service.charge(db, user_id, "sms_send", 1, now=NOON)
    reactivated = await client.post(
        f"/api/v1/admin/users/{user_id}/reactivate",
        json={"reason": "resolved"},
        headers=admin_headers,
    )
    assert reactivated.json()["suspended_at"] is None
    assert (await client.get("/api/v1/tokens/balance", headers=user_headers)).status_code == 200
    audited = await db.scalar(
        text("SELECT COUNT(*) FROM admin_audit_logs WHERE target_id = :u AND action LIKE 'user.%'"),
        {"u": user_id},
    )
    assert audited == 2


async def test_history_shows_only_the_callers_rows_with_running_balance(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    alice = await funded_subscriber(db, 100)
    bob = await funded_subscriber(db, 7)
    await service.charge(db, alice.user_id, "sms_send", 1, "a-sms", now=NOON)
    await service.charge(db, alice.user_id, "email_send", 1, "a-mail", now=NOON.replace(hour=13))
    bob_history = (
        await client.get("/api/v1/tokens/history", headers=await bearer_for(client, bob))
    ).json()
    assert [(e["kind"], e["tokens"], e["balance_after"]) for e in bob_history["items"]] == [
        ("purchase", 7, 7)
    ]
    alice_headers = await bearer_for(client, alice)
    first = (await client.get("/api/v1/tokens/history?limit=2", headers=alice_headers)).json()
    assert [(e["kind"], e["balance_after"]) for e in first["items"]] == [
        ("usage", 89),
        ("usage", 90),
    ]
    rest = (
        await client.get(
            "/api/v1/tokens/history",
            params={"limit": 2, "cursor": first["next_cursor"]},
            headers=alice_headers,
        )
    ).json()
    assert [(e["kind"], e["balance_after"]) for e in rest["items"]] == [("purchase", 100)]
    assert rest["next_cursor"] is None
    assert await token_balance(db, alice.user_id) == 89
    forged = await client.get(
        "/api/v1/tokens/history", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=alice_headers
    )
    assert forged.status_code == 422 and forged.json()["field"] == "cursor"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"daily_limit": -1}, "daily_limit"),
        ({"daily_limit": "ten"}, "daily_limit"),
        ({"recharge_threshold": 50, "recharge_amount": 0}, "recharge_amount"),
        ({"auto_recharge": True, "recharge_threshold": 10}, "recharge_amount"),
        ({"auto_recharge": True, "recharge_amount": 100}, "recharge_threshold"),
    ],
)
async def test_invalid_preferences_are_refused_with_the_field(
    db: AsyncSession, client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    user = await funded_subscriber(db, 0)
    headers = await bearer_for(client, user)
    response = await client.put("/api/v1/tokens/preferences", json=body, headers=headers)
    assert response.status_code == 422
    assert field in response.text
    stored = (await client.get("/api/v1/tokens/preferences", headers=headers)).json()
    assert stored["daily_limit"] is None


async def test_preferences_round_trip_and_show_in_the_balance(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await funded_subscriber(db, 30)
    headers = await bearer_for(client, user)
    prefs = {
        "daily_limit": 25,
        "auto_recharge": True,
        "recharge_threshold": 5,
        "recharge_amount": 100,
    }
    saved = await client.put("/api/v1/tokens/preferences", json=prefs, headers=headers)
    assert saved.json() == prefs
    summary = (await client.get("/api/v1/tokens/balance", headers=headers)).json()
    assert (summary["balance"], summary["daily_limit"], summary["remaining_today"]) == (30, 25, 25)
