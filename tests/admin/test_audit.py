"""The audit log: filters (admin, action, entity, New York dates), keyset pages, readable
before/after on the page."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import httpx
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from propintel.auth.models import User, UserType
from tests.factories import bearer_for, csrf_of, log_in_browser, make_subscriber, make_user


async def _log(
    db: AsyncSession,
    admin: User,
    action: str,
    entity: str,
    at: str,
    changes: dict[str, object],
    target: uuid.UUID | None = None,
) -> None:
    await db.execute(
        text(
            "INSERT INTO admin_audit_logs (admin_user_id, action, target_entity, target_id, "
            "changes, timestamp) VALUES (:a, :action, :entity, :target, CAST(:changes AS jsonb), "
            ":at)"
        ),
        {
            "a": admin.user_id,
            "action": action,
            "entity": entity,
            "target": target or uuid.uuid4(),
            "changes": json.dumps(changes),
            "at": datetime.fromisoformat(at),
        },
    )


async def test_filters_and_pages(db: AsyncSession, client: httpx.AsyncClient) -> None:
    me = await make_user(db, UserType.ADMIN)
    headers = await bearer_for(client, me)
    other = await make_user(db, UserType.ADMIN)
    price = {"before": {"price": "10.00"}, "after": {"price": "12.00"}}
    await _log(db, me, "bundle.update", "token_bundles", "2026-03-01 23:59:59", price)
    await _log(db, me, "plan.update", "subscription_plans", "2026-03-02 00:00:00", price)
    await _log(db, other, "bundle.update", "token_bundles", "2026-03-03 12:00:00", price)

    async def actions(**params: object) -> list[tuple[str, str]]:
        response = await client.get("/api/v1/admin/audit", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [(e["action"], e["timestamp"][:10]) for e in response.json()["entries"]]

    assert await actions() == [
        ("bundle.update", "2026-03-03"),
        ("plan.update", "2026-03-02"),
        ("bundle.update", "2026-03-01"),
    ]
    assert await actions(admin_user_id=str(me.user_id)) == [
        ("plan.update", "2026-03-02"),
        ("bundle.update", "2026-03-01"),
    ]
    assert await actions(action="bundle.update", entity="token_bundles") == [
        ("bundle.update", "2026-03-03"),
        ("bundle.update", "2026-03-01"),
    ]
    # whole New York days, both ends included: 23:59:59 on the 1st is in, midnight of the 2nd out
    assert await actions(date_from="2026-03-01", date_to="2026-03-01") == [
        ("bundle.update", "2026-03-01")
    ]
    assert await actions(date_from="2026-03-02") == [
        ("bundle.update", "2026-03-03"),
        ("plan.update", "2026-03-02"),
    ]
    backwards = await client.get(
        "/api/v1/admin/audit",
        params={"date_from": "2026-03-02", "date_to": "2026-03-01"},
        headers=headers,
    )
    assert backwards.status_code == 422 and backwards.json()["field"] == "date_to"

    first = (await client.get("/api/v1/admin/audit", params={"limit": 2}, headers=headers)).json()
    assert len(first["entries"]) == 2 and first["next_cursor"]
    rest = await client.get(
        "/api/v1/admin/audit", params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers
    )
    assert [e["timestamp"][:10] for e in rest.json()["entries"]] == ["2026-03-01"]
    assert rest.json()["next_cursor"] is None
    assert rest.json()["entries"][0]["fields"] == [
        {"field": "price", "before": "10.00", "after": "12.00"}
    ]


async def test_page_shows_changes_readably_and_filters(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    admin = await make_user(db, UserType.ADMIN)
    await log_in_browser(client, admin)
    csrf = csrf_of(client)
    await client.post(
        "/admin/plans",
        data={
            "csrf_token": csrf,
            "plan_name": "starter",
            "monthly_price": "19",
            "base_tokens_monthly": "1000",
            "features.ai_chat": "on",
        },
    )
    page = await client.get("/admin/audit", params={"action": "plan.create"})
    assert page.status_code == 200
    assert "<td>monthly_price</td><td>—</td><td>19.00</td>" in page.text
    assert (
        "<td>features</td><td>—</td><td>{&#34;ai_chat&#34;: true, &#34;ai_voice&#34;: false"
        in page.text
    )
    assert admin.email in page.text
    empty = await client.get("/admin/audit", params={"action": "nothing.here"})
    assert "No audit entry matches" in empty.text


async def test_entries_name_the_admin_the_action_and_the_changed_row(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    admin = await make_user(db, UserType.ADMIN)
    headers = await bearer_for(client, admin)
    subscriber = await make_subscriber(db)
    plan_id = await db.scalar(
        text("SELECT plan_id FROM subscription_plans WHERE plan_name = 'investor'")
    )
    writes = [
        ("PATCH", "/api/v1/admin/indicators", {"weights": {"tax_lien": 33}}),
        ("PATCH", f"/api/v1/admin/plans/{plan_id}", {"monthly_price": "59.00"}),
        ("PATCH", "/api/v1/admin/token-pricing/sms_send", {"tokens_required": 12}),
        (
            "POST",
            f"/api/v1/admin/users/{subscriber.user_id}/tokens",
            {"action": "grant", "tokens": 10, "reason": "goodwill"},
        ),
    ]
    for method, path, body in writes:
        done = await client.request(method, path, json=body, headers=headers)
        assert done.status_code < 300, done.text

    api = await client.get("/api/v1/admin/audit", headers=headers)
    named = {
        (e["action_label"], e["entity_label"], e["target_name"]) for e in api.json()["entries"]
    }
    assert named == {  # one transaction, one timestamp: no order to rely on
        ("Granted tokens", "User", subscriber.email),
        ("Changed token price", "Token price", "sms_send"),
        ("Changed plan", "Plan", "investor"),
        ("Changed indicator weight", "Indicator", "tax_lien"),
    }

    await log_in_browser(client, admin)
    page = await client.get("/admin/audit")
    rows = page.text.split('data-testid="audit"')[1]
    assert f'<td class="email" title="{admin.user_id}">{admin.email}</td>' in rows
    assert '<td title="intent_indicator.update">Changed indicator weight</td>' in rows
    assert "Plan:" in rows and f'<span title="{plan_id}">investor</span>' in rows
    assert f'<a href="/admin/users/{subscriber.user_id}" title="{subscriber.user_id}">' in rows
    assert f"<dt>row</dt><dd><code>{plan_id}</code></dd>" in rows  # the ids, for support
    assert '<option value="intent_indicator.update">Changed indicator weight</option>' in page.text
    assert '<option value="subscription_plans">Plan</option>' in page.text


async def test_names_come_from_one_query_however_many_entries(
    db: AsyncSession, client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    admin = await make_user(db, UserType.ADMIN)
    await log_in_browser(client, admin)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    async def statements_for_a_page_of(entries: int) -> int:
        await db.execute(text("DELETE FROM admin_audit_logs"))
        for number in range(entries):
            user = await make_user(db, email=f"person{number}-{uuid.uuid4().hex[:6]}@example.com")
            await _log(db, admin, "tokens.grant", "users", "2026-03-01 12:00:00", {}, user.user_id)
        statements.clear()
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            page = await client.get("/admin/audit")
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
        assert page.text.count("Granted tokens</td>") == entries
        return len(statements)

    await client.get("/admin/audit")  # the session's last-seen stamp is written once, first
    assert await statements_for_a_page_of(1) == await statements_for_a_page_of(12)
