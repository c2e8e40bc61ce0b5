"""The security page and its API: password change, sessions, API keys, e-mail change."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.account import SessionRow
from propintel.auth.models import UserType
from tests.auth.test_account_links import _link_in_outbox, _verify
from tests.factories import DEFAULT_PASSWORD, NOON, bearer_for, csrf_of, log_in_browser, make_user

NEW_PASSWORD = "another-long-password"


def _second_browser(client: httpx.AsyncClient, user_agent: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=client._transport, base_url=client.base_url, headers={"User-Agent": user_agent}
    )


async def test_changing_the_password_needs_the_current_one_and_logs_out_the_others(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    email = user.email
    api = await bearer_for(client, user)
    phone = _second_browser(client, "Phone browser")
    await log_in_browser(phone, user)
    await log_in_browser(client, user)

    wrong = await client.post(
        "/account/security/password",
        data={
            "current_password": "not-my-password",
            "new_password": NEW_PASSWORD,
            "csrf_token": csrf_of(client),
        },
    )
    assert wrong.status_code == 422 and "current password is not correct" in wrong.text
    assert (await phone.get("/account/security")).status_code == 200

    changed = await client.post(
        "/account/security/password",
        data={
            "current_password": DEFAULT_PASSWORD,
            "new_password": NEW_PASSWORD,
            "csrf_token": csrf_of(client),
        },
    )

    assert changed.status_code == 303
    assert (await client.get("/account/security")).status_code == 200  # this browser stays
    assert (await phone.get("/account/security")).status_code in (303, 401)
    assert (await client.get("/api/v1/me", headers=api)).status_code == 401
    async with _second_browser(client, "A program") as program:
        token = await program.post(
            "/api/v1/auth/token", json={"email": email, "password": NEW_PASSWORD}
        )
    assert token.status_code == 200
    await phone.aclose()


async def test_sessions_are_listed_and_one_or_all_others_can_be_logged_out(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    phone = _second_browser(client, "Phone browser")
    tablet = _second_browser(client, "Tablet browser")
    for browser in (phone, tablet, client):
        await log_in_browser(browser, user)

    listed = (await client.get("/api/v1/account/sessions")).json()
    assert len(listed["sessions"]) == 3
    assert [row["current"] for row in listed["sessions"]].count(True) == 1
    page = (await client.get("/account/security")).text
    assert "Phone browser" in page and "Tablet browser" in page and "this browser" in page
    phone_id = next(
        r["session_id"] for r in listed["sessions"] if r["user_agent"] == "Phone browser"
    )

    one = await client.post(
        f"/account/security/sessions/{phone_id}/revoke", data={"csrf_token": csrf_of(client)}
    )
    assert one.status_code == 303
    assert (await phone.get("/account/security")).status_code in (303, 401)
    assert (await tablet.get("/account/security")).status_code == 200

    others = await client.post(
        "/account/security/sessions/revoke-others", data={"csrf_token": csrf_of(client)}
    )
    assert others.status_code == 303
    assert (await tablet.get("/account/security")).status_code in (303, 401)
    assert (await client.get("/account/security")).status_code == 200
    await phone.aclose()
    await tablet.aclose()


async def test_an_api_key_is_shown_once_works_and_can_be_revoked(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db, UserType.HOMEOWNER)
    await log_in_browser(client, user)

    created = await client.post(
        "/account/security/api-keys", data={"name": "CRM sync", "csrf_token": csrf_of(client)}
    )

    assert created.status_code == 201
    secret = re.search(r'id="new-key-secret"[^>]*value="(pit_[^"]+)"', created.text)
    assert secret is not None
    page = (await client.get("/account/security")).text
    assert "CRM sync" in page and secret.group(1) not in page  # shown only once
    headers = {"Authorization": f"Bearer {secret.group(1)}"}
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    keys = await client.get("/api/v1/account/sessions")
    key_id = next(k["session_id"] for k in keys.json()["api_keys"] if k["name"] == "CRM sync")
    assert next(k for k in keys.json()["api_keys"] if k["name"] == "CRM sync")["last_seen_at"]

    revoked = await client.post(
        f"/account/security/api-keys/{key_id}/revoke", data={"csrf_token": csrf_of(client)}
    )

    assert revoked.status_code == 303
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_nobody_revokes_another_accounts_key(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await make_user(db)
    owner_api = await bearer_for(client, owner)
    created = await client.post(
        "/api/v1/account/api-keys", json={"name": "mine"}, headers=owner_api
    )
    assert created.status_code == 201
    key_id = created.json()["session_id"]
    intruder = await bearer_for(client, await make_user(db))

    refused = await client.delete(f"/api/v1/account/api-keys/{key_id}", headers=intruder)

    assert refused.status_code == 404
    key = {"Authorization": f"Bearer {created.json()['api_key']}"}
    assert (await client.get("/api/v1/me", headers=key)).status_code == 200


async def test_an_api_key_needs_a_name(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await bearer_for(client, await make_user(db))

    response = await client.post("/api/v1/account/api-keys", json={"name": "   "}, headers=headers)

    assert response.status_code == 422 and response.json()["field"] == "name"


async def test_a_new_address_replaces_the_old_one_only_once_its_link_is_followed(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db, email="old-address@example.com")
    await log_in_browser(client, user)

    asked = await client.post(
        "/account/security/email",
        data={
            "email": "New-Address@Example.com",
            "current_password": DEFAULT_PASSWORD,
            "csrf_token": csrf_of(client),
        },
    )

    assert asked.status_code == 303
    await db.refresh(user)
    assert user.email == "old-address@example.com"
    token = await _link_in_outbox(db, user, "/verify-email")
    assert (await _verify(client, token)).status_code == 303
    await db.refresh(user)
    assert (user.email, user.email_verified) == ("new-address@example.com", True)
    async with _second_browser(client, "A program") as program:
        logged = await program.post(
            "/api/v1/auth/token",
            json={"email": "new-address@example.com", "password": DEFAULT_PASSWORD},
        )
    assert logged.status_code == 200


async def test_an_address_change_needs_the_password(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    headers = await bearer_for(client, user)

    refused = await client.post(
        "/api/v1/account/email",
        json={"email": "elsewhere@example.com", "current_password": "wrong-password"},
        headers=headers,
    )

    assert refused.status_code == 422 and refused.json()["field"] == "current_password"


async def test_the_account_language_applies_to_pages_and_can_follow_the_browser_again(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    await log_in_browser(client, user)

    chosen = await client.post(
        "/account/security/language", data={"locale": "es", "csrf_token": csrf_of(client)}
    )
    assert chosen.status_code == 303
    await db.refresh(user)
    assert user.preferred_locale == "es"
    client.cookies.delete("propintel_locale")  # another browser: the account's choice still holds
    page = await client.get("/account/security", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in page.text and "Sesiones" in page.text

    cleared = await client.post(
        "/account/security/language", data={"locale": "", "csrf_token": csrf_of(client)}
    )
    assert cleared.status_code == 303
    await db.refresh(user)
    assert user.preferred_locale is None
    page = await client.get("/account/security", headers={"Accept-Language": "en"})
    assert '<html lang="en">' in page.text

    refused = await client.post(
        "/account/security/language", data={"locale": "fr", "csrf_token": csrf_of(client)}
    )
    assert refused.status_code == 303
    await db.refresh(user)
    assert user.preferred_locale is None


@pytest.mark.parametrize(
    ("agent", "shown"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0 Safari/537.36 Edg/131.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Linux",
        ),
        ("curl/8.5.0", "curl"),
        (None, "Unknown browser"),
    ],
)
def test_a_session_names_its_browser_and_system(agent: str | None, shown: str) -> None:
    row = SessionRow(uuid.uuid4(), "web", None, NOON, None, NOON, None, agent, False)

    assert row.browser == shown


async def test_logging_in_greets_in_the_accounts_language(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    user.preferred_locale = "es"
    user.last_login = NOON  # not its first log-in (that one greets with the next step)
    await db.flush()

    await log_in_browser(client, user)  # an English browser: no cookie, no Accept-Language
    page = await client.get("/dashboard")

    assert '<html lang="es">' in page.text and "Bienvenido de nuevo." in page.text
