"""Auth API: sign-up, tokens, roles, throttling, last_login."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import LocalCredential, User, UserType
from tests.factories import DEFAULT_PASSWORD, bearer_for, make_user


async def test_signup_creates_local_account_with_argon2_hash(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    response = await client.post(
        "/api/v1/auth/signup",
        json={"email": "New@Example.com", "password": "long-enough-pw", "user_type": "homeowner"},
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["email"] == "new@example.com"
    user = await db.scalar(select(User).where(User.email == "new@example.com"))
    assert user is not None and user.user_type == UserType.HOMEOWNER
    assert user.firebase_uid == f"local:{user.user_id}"
    credential = await db.get(LocalCredential, user.user_id)
    assert credential is not None and credential.password_hash.startswith("$argon2id$")
    assert "long-enough-pw" not in credential.password_hash


async def test_signup_refuses_admin_and_short_password_and_hides_duplicates(
    client: httpx.AsyncClient,
) -> None:
    admin = await client.post(
        "/api/v1/auth/signup",
        json={"email": "a@example.com", "password": "long-enough-pw", "user_type": "admin"},
    )
    assert admin.status_code == 422
    assert admin.json()["errors"][0]["field"] == "user_type"
    short = await client.post(
        "/api/v1/auth/signup",
        json={"email": "s@example.com", "password": "short", "user_type": "subscriber"},
    )
    assert short.status_code == 422 and short.json()["field"] == "password"
    first = await client.post(
        "/api/v1/auth/signup",
        json={"email": "d@example.com", "password": "long-enough-pw", "user_type": "subscriber"},
    )
    assert first.status_code == 202
    again = await client.post(
        "/api/v1/auth/signup",
        json={"email": "D@example.com", "password": "long-enough-pw", "user_type": "subscriber"},
    )
    # The same answer as a new address: a sign-up never tells who has an account
    # (tests/auth/test_signup_privacy.py).
    assert again.status_code == 202 and again.json() == first.json()


async def test_token_authenticates_me_and_updates_last_login(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    assert user.last_login is None
    headers = await bearer_for(client, user)
    me = await client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["user_id"] == str(user.user_id)
    assert me.json()["subscription_tier"] == "none"
    await db.refresh(user)
    assert user.last_login is not None


async def test_me_requires_authentication(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/me")).status_code == 401
    bad = await client.get("/api/v1/me", headers={"Authorization": "Bearer pit_not-a-real-token"})
    assert bad.status_code == 401
    malformed = await client.get("/api/v1/me", headers={"Authorization": "Basic abc"})
    assert malformed.status_code == 401


async def test_revoked_token_no_longer_works(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await make_user(db)
    headers = await bearer_for(client, user)
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_wrong_password_and_unknown_email_look_the_same(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    wrong = await client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": "nope-nope-nope"}
    )
    unknown = await client.post(
        "/api/v1/auth/token", json={"email": "ghost@example.com", "password": "x" * 12}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_account_is_throttled_after_five_failures_even_with_right_password(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    for _ in range(5):
        response = await client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": "wrong-password"}
        )
        assert response.status_code == 401
    blocked = await client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert blocked.status_code == 429
    assert "Too many failed log-ins for this account" in blocked.json()["detail"]
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60


async def test_four_failures_still_allow_the_right_password(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    for _ in range(4):
        await client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": "wrong-password"}
        )
    assert (
        await client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
    ).status_code == 200


async def test_ip_is_throttled_across_accounts(client: httpx.AsyncClient, db: AsyncSession) -> None:
    for index in range(20):
        await client.post(
            "/api/v1/auth/token",
            json={"email": f"spray{index}@example.com", "password": "guess-guess"},
        )
    user = await make_user(db)
    blocked = await client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert blocked.status_code == 429
    assert "your network address" in blocked.json()["detail"]


async def test_roles_are_exposed_on_me(client: httpx.AsyncClient, db: AsyncSession) -> None:
    admin = await make_user(db, UserType.ADMIN)
    response = await client.get("/api/v1/me", headers=await bearer_for(client, admin))
    assert response.json()["user_type"] == "admin"


async def test_a_nul_in_the_log_in_email_is_refused_not_a_500(client: httpx.AsyncClient) -> None:
    """PostgreSQL text cannot hold NUL: both log-ins refuse it (422) before any query (it was a
    500 on both)."""
    api = await client.post(
        "/api/v1/auth/token", json={"email": "a\x00@example.com", "password": "long-enough-pw"}
    )
    assert api.status_code == 422 and api.json()["field"] == "email"
    await client.get("/login")
    page = await client.post(
        "/login",
        data={
            "email": "a\x00@example.com",
            "password": "long-enough-pw",
            "csrf_token": client.cookies.get("propintel_csrf"),
        },
    )
    assert page.status_code == 422 and "NUL" in page.text
