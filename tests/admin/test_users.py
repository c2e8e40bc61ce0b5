"""Admin users: search with filters and pages, a user's facts and ledger (only theirs), the
grant/deduct form and suspension with its confirmation step."""

from __future__ import annotations

import uuid
from html import unescape

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.admin import user_pages
from propintel.auth.models import Plan, UserType
from propintel.tokens import service
from tests.catalog.helpers import audit_rows
from tests.factories import (
    NOON,
    api_as,
    funded_subscriber,
    log_in_browser,
    make_user,
    token_balance,
)


async def test_search_filters_by_email_type_tier_and_status(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    tag = uuid.uuid4().hex[:8]
    pools = await make_user(db, plan=Plan.CONTRACTOR, email=f"pools-{tag}@example.com")
    await make_user(db, plan=Plan.INVESTOR, email=f"flips-{tag}@example.com")
    await make_user(db, UserType.HOMEOWNER, email=f"home-{tag}@example.com")
    odd = await make_user(db, plan=Plan.FULL, email=f"odd_{tag}%x@example.com")
    await db.execute(
        text("UPDATE users SET suspended_at = '2026-03-01' WHERE user_id = :u"), {"u": odd.user_id}
    )

    async def emails(**params: object) -> list[str]:
        response = await client.get("/api/v1/admin/users", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [row["email"] for row in response.json()["items"]]

    assert await emails(q=tag) == sorted(
        [
            f"flips-{tag}@example.com",
            f"home-{tag}@example.com",
            f"odd_{tag}%x@example.com",
            f"pools-{tag}@example.com",
        ]
    )
    assert await emails(q=tag, tier="contractor") == [pools.email]
    assert await emails(q=tag, user_type="homeowner") == [f"home-{tag}@example.com"]
    assert await emails(q=tag, status="suspended") == [odd.email]
    assert await emails(q=f"_{tag}%") == [odd.email]  # LIKE wildcards are taken literally
    bad = await client.get("/api/v1/admin/users", params={"tier": "gold"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "tier"


async def test_users_are_paged_by_email(db: AsyncSession, client: httpx.AsyncClient) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    tag = uuid.uuid4().hex[:8]
    made = sorted([(await make_user(db, email=f"p{i}-{tag}@example.com")).email for i in range(5)])
    seen: list[str] = []
    cursor = None
    while True:
        params = {"q": tag, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/admin/users", params=params, headers=headers)).json()
        seen += [row["email"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made


async def test_a_users_cursor_continues_only_its_own_search(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    tag = uuid.uuid4().hex[:8]
    for i in range(3):
        await make_user(db, email=f"c{i}-{tag}@example.com")
    first = await client.get("/api/v1/admin/users", params={"q": tag, "limit": 1}, headers=headers)
    cursor = first.json()["next_cursor"]

    other = {"q": tag, "user_type": "admin", "limit": 1, "cursor": cursor}
    for params in (other, {"q": tag, "cursor": "forged"}):
        refused = await client.get("/api/v1/admin/users", params=params, headers=headers)
        assert refused.status_code == 422 and refused.json()["field"] == "cursor"


async def test_users_page_links_the_next_and_first_pages(
    db: AsyncSession, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(user_pages, "PAGE_SIZE", 2)
    admin = await make_user(db, UserType.ADMIN)
    tag = uuid.uuid4().hex[:8]
    for i in range(3):
        await make_user(db, email=f"u{i}-{tag}@example.com")
    await log_in_browser(client, admin)

    first = await client.get("/admin/users", params={"q": tag, "tier": ""})
    assert first.status_code == 200 and "First page" not in first.text
    assert f"u1-{tag}" in first.text and f"u2-{tag}" not in first.text
    next_href = unescape(first.text.split('">Next page</a>')[0].rsplit('href="', 1)[1])
    assert next_href.startswith("/admin/users?") and "cursor=" in next_href

    second = await client.get(next_href)
    assert f"u2-{tag}" in second.text and f"u0-{tag}" not in second.text
    assert "Next page" not in second.text
    assert f'href="/admin/users?q={tag}">First page</a>' in second.text


async def test_a_users_ledger_shows_only_their_rows(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    alice = await funded_subscriber(db, 100)
    bob = await funded_subscriber(db, 500)
    await service.charge(db, alice.user_id, "sms_send", 1, "alice-sms", now=NOON)
    await service.charge(db, bob.user_id, "email_send", 3, "bob-email", now=NOON)
    ledger = await client.get(f"/api/v1/admin/users/{alice.user_id}/ledger", headers=headers)
    assert ledger.status_code == 200
    entries = ledger.json()["items"]
    assert [(e["kind"], e["tokens"], e["balance_after"]) for e in entries] == [
        ("usage", -10, 90),
        ("purchase", 100, 100),
    ]
    assert "bob-email" not in ledger.text
    detail = await client.get(f"/api/v1/admin/users/{alice.user_id}", headers=headers)
    assert detail.status_code == 200 and detail.json()["token_balance"] == 90
    missing = await client.get(f"/api/v1/admin/users/{uuid.uuid4()}/ledger", headers=headers)
    assert missing.status_code == 404


async def test_user_page_grants_and_refuses_an_overdraft_with_a_message(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    admin = await make_user(db, UserType.ADMIN)
    user = await funded_subscriber(db, 100)
    await log_in_browser(client, admin)
    csrf = client.cookies.get("propintel_csrf")
    page = await client.get(f"/admin/users/{user.user_id}")
    assert page.status_code == 200 and user.email in page.text
    assert 'data-testid="history"' in page.text and "<td>100</td>" in page.text
    form = {"csrf_token": csrf, "action": "grant", "tokens": "50", "reason": "goodwill credit"}
    granted = await client.post(f"/admin/users/{user.user_id}/tokens", data=form)
    assert granted.status_code == 303
    assert await token_balance(db, user.user_id) == 150
    [log] = await audit_rows(db, "tokens.grant")
    assert log["changes"]["after"]["reason"] == "goodwill credit"
    over = await client.post(
        f"/admin/users/{user.user_id}/tokens", data={**form, "action": "deduct", "tokens": "151"}
    )
    assert over.status_code == 422 and 'data-testid="adjust-error"' in over.text
    short = await client.post(f"/admin/users/{user.user_id}/tokens", data={**form, "reason": "x"})
    assert short.status_code == 422 and "reason" in short.text
    assert await token_balance(db, user.user_id) == 150


async def test_suspension_goes_through_a_confirmation_page(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    admin = await make_user(db, UserType.ADMIN)
    user = await funded_subscriber(db, 10)
    await log_in_browser(client, admin)
    csrf = client.cookies.get("propintel_csrf")
    confirm = await client.get(f"/admin/users/{user.user_id}/suspend")
    assert confirm.status_code == 200 and "cannot log in" in confirm.text
    assert await audit_rows(db, "user.suspend") == []
    done = await client.post(
        f"/admin/users/{user.user_id}/suspend", data={"csrf_token": csrf, "reason": "chargeback"}
    )
    assert done.status_code == 303
    [log] = await audit_rows(db, "user.suspend")
    assert log["target_id"] == user.user_id and log["changes"]["after"]["reason"] == "chargeback"
    page = await client.get(f"/admin/users/{user.user_id}")
    assert "suspended" in page.text and f"/admin/users/{user.user_id}/reactivate" in page.text
    twice = await client.post(
        f"/admin/users/{user.user_id}/suspend", data={"csrf_token": csrf, "reason": "again"}
    )
    assert twice.status_code == 422 and "already suspended" in twice.text
    listing = await client.get("/admin/users", params={"status": "suspended", "q": user.email})
    assert user.email in listing.text


async def test_admins_see_whether_an_address_is_verified(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    headers = await api_as(client, db, UserType.ADMIN)
    unverified = await make_user(db, verified=False)
    verified = await make_user(db)

    answers = {
        user.user_id: (await client.get(f"/api/v1/admin/users/{user.user_id}", headers=headers))
        for user in (unverified, verified)
    }

    assert answers[unverified.user_id].json()["email_verified_at"] is None
    assert answers[verified.user_id].json()["email_verified_at"] is not None
    assert answers[verified.user_id].json()["erased_at"] is None
