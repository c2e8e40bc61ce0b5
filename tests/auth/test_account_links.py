"""E-mail verification and password reset links: single use, expiry, tampering, the same answer
for unknown addresses, rate limits, and every session and API key revoked on a reset."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import AccountLink, User, UserType
from propintel.integrations.local.outbox import outbox_page
from propintel.kit.clock import now_new_york
from tests.factories import DEFAULT_PASSWORD, bearer_for, csrf_of, log_in_browser, make_user

TOKEN = re.compile(r"token=([A-Za-z0-9_.\-]+)")
NEW_PASSWORD = "a-brand-new-password"


async def _link_in_outbox(db: AsyncSession, user: User, path: str) -> str:
    """The token of the newest e-mail to ``user`` whose link goes to ``path``."""
    emails, _next = await outbox_page(db, user.user_id, 20)
    for email in emails:
        if f"{path}?token=" in email.text_body:
            found = TOKEN.search(email.text_body)
            assert found is not None
            return found.group(1)
    raise AssertionError(f"no e-mail with a {path} link in {[e.subject for e in emails]}")


async def _sign_up(client: httpx.AsyncClient, email: str) -> None:
    await client.get("/signup")
    response = await client.post(
        "/signup",
        data={
            "email": email,
            "password": DEFAULT_PASSWORD,
            "user_type": "subscriber",
            "csrf_token": csrf_of(client),
        },
    )
    assert response.status_code == 303, response.text
    # Sign-up opens no session (it answers a taken address the same way): log in, as a newcomer
    # does next.
    login = await client.post(
        "/login",
        data={"email": email, "password": DEFAULT_PASSWORD, "csrf_token": csrf_of(client)},
    )
    assert login.status_code == 303, login.text


async def _verify(client: httpx.AsyncClient, token: str) -> httpx.Response:
    await client.get(f"/verify-email?token={token}")
    return await client.post("/verify-email", data={"token": token, "csrf_token": csrf_of(client)})


async def test_sign_up_sends_a_link_that_verifies_once(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await _sign_up(client, "new-owner@example.com")
    user = await _user(db, "new-owner@example.com")
    assert not user.email_verified
    assert 'data-testid="verify-notice"' in (await client.get("/dashboard")).text

    token = await _link_in_outbox(db, user, "/verify-email")
    opened = await client.get(f"/verify-email?token={token}")
    assert opened.status_code == 200 and "Confirm my e-mail address" in opened.text
    await db.refresh(user)
    assert not user.email_verified  # opening the link (a mail scanner) spends nothing

    confirmed = await _verify(client, token)
    assert confirmed.status_code == 303
    await db.refresh(user)
    assert user.email_verified
    assert 'data-testid="verify-notice"' not in (await client.get("/dashboard")).text

    again = await _verify(client, token)
    assert again.status_code == 422 and "already used" in again.text


async def _user(db: AsyncSession, email: str) -> User:
    from propintel.auth.service import user_by_email

    user = await user_by_email(db, email)
    assert user is not None
    return user


@pytest.mark.parametrize("damage", ["flip a character", "drop the signature", "another purpose"])
async def test_a_tampered_link_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, db: AsyncSession, damage: str
) -> None:
    await _sign_up(client, "tamper@example.com")
    user = await _user(db, "tamper@example.com")
    token = await _link_in_outbox(db, user, "/verify-email")
    if damage == "flip a character":
        middle = len(token) // 2
        bad = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    elif damage == "drop the signature":
        bad = token.rsplit(".", 1)[0]
    else:  # a verification token offered as a reset token: salts differ, so the signature fails
        bad = token
        response = await client.post(
            "/api/v1/auth/password/reset",
            json={"token": bad, "new_password": NEW_PASSWORD},
            headers={"X-CSRF-Token": csrf_of(client)},
        )
        assert response.status_code == 422
        await db.refresh(user)
        assert not user.email_verified
        return

    response = await _verify(client, bad)

    assert response.status_code == 422 and "invalid, expired or already used" in response.text
    await db.refresh(user)
    assert not user.email_verified


async def test_an_expired_link_is_refused(client: httpx.AsyncClient, db: AsyncSession) -> None:
    await _sign_up(client, "late@example.com")
    user = await _user(db, "late@example.com")
    token = await _link_in_outbox(db, user, "/verify-email")
    await db.execute(
        update(AccountLink)
        .where(AccountLink.user_id == user.user_id)
        .values(expires_at=now_new_york() - timedelta(seconds=1))
    )

    assert (await _verify(client, token)).status_code == 422
    await db.refresh(user)
    assert not user.email_verified


async def test_a_link_past_its_signed_age_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even with its row still open, the token's own signed timestamp limits it (48 hours)."""
    await _sign_up(client, "old@example.com")
    user = await _user(db, "old@example.com")
    token = await _link_in_outbox(db, user, "/verify-email")
    later = time.time() + 48 * 3600 + 60
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)

    assert (await _verify(client, token)).status_code == 422


async def _forgot(client: httpx.AsyncClient, email: str) -> httpx.Response:
    await client.get("/forgot-password")
    return await client.post(
        "/forgot-password", data={"email": email, "csrf_token": csrf_of(client)}
    )


def _answer(page: str) -> str:
    """The page as a reader sees it, without the per-browser CSRF token."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


async def test_forgot_password_answers_the_same_for_unknown_addresses(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db, email="known@example.com")

    known = await _forgot(client, "known@example.com")
    unknown = await _forgot(client, "nobody@example.com")

    assert known.status_code == unknown.status_code == 200
    assert _answer(known.text).replace("known@", "X@") == _answer(unknown.text).replace(
        "nobody@", "X@"
    )
    assert await _link_in_outbox(db, user, "/reset-password")
    api_known = await client.post("/api/v1/auth/password/forgot", json={"email": user.email})
    api_unknown = await client.post("/api/v1/auth/password/forgot", json={"email": "no@x.com"})
    assert (api_known.status_code, api_known.json()) == (
        api_unknown.status_code,
        api_unknown.json(),
    )


async def test_a_reset_revokes_every_session_and_api_key_and_works_once(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db, email="reset-me@example.com")
    email = user.email  # a failed request below expires the ORM object
    api = await bearer_for(client, user)
    other_browser = httpx.AsyncClient(transport=client._transport, base_url=client.base_url)
    await log_in_browser(other_browser, user)
    assert (await client.get("/api/v1/me", headers=api)).status_code == 200
    assert (await other_browser.get("/dashboard")).status_code == 200

    await _forgot(client, email)
    token = await _link_in_outbox(db, user, "/reset-password")
    response = await client.post(
        "/reset-password",
        data={"token": token, "password": NEW_PASSWORD, "csrf_token": csrf_of(client)},
    )

    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert (await client.get("/api/v1/me", headers=api)).status_code == 401
    assert (await other_browser.get("/dashboard")).status_code in (303, 401)
    assert (
        await client.post("/api/v1/auth/token", json={"email": email, "password": DEFAULT_PASSWORD})
    ).status_code == 401
    assert (
        await client.post("/api/v1/auth/token", json={"email": email, "password": NEW_PASSWORD})
    ).status_code == 200
    reused = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": "yet-another-one"}
    )
    assert reused.status_code == 422
    await other_browser.aclose()


async def test_a_too_short_new_password_keeps_the_link_usable(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db, email="short@example.com")
    await _forgot(client, user.email)
    token = await _link_in_outbox(db, user, "/reset-password")

    short = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": "short"}
    )
    good = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "new_password": NEW_PASSWORD}
    )

    assert (short.status_code, good.status_code) == (422, 204)


async def test_reset_requests_are_limited_per_network_address(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    answers = [
        (await client.post("/api/v1/auth/password/forgot", json={"email": f"n{i}@x.com"}))
        for i in range(11)
    ]

    assert [a.status_code for a in answers] == [202] * 10 + [429]
    assert "Retry-After" in answers[-1].headers


async def test_resending_the_verification_link_is_rate_limited(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db, UserType.SUBSCRIBER, verified=False)
    headers = await bearer_for(client, user)

    codes = [
        (await client.post("/api/v1/auth/verification/resend", headers=headers)).status_code
        for _ in range(4)
    ]

    assert codes == [200, 200, 200, 429]


async def test_a_verified_account_is_told_so_instead_of_a_new_link(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await bearer_for(client, await make_user(db))

    response = await client.post("/api/v1/auth/verification/resend", headers=headers)

    assert response.status_code == 409 and "already verified" in response.json()["detail"]


async def test_only_the_newest_link_works(client: httpx.AsyncClient, db: AsyncSession) -> None:
    """A link sent for an address the account has since replaced cannot bring it back."""
    user = await make_user(db, UserType.SUBSCRIBER, verified=False, email="first@example.com")
    headers = await bearer_for(client, user)
    assert (
        await client.post("/api/v1/auth/verification/resend", headers=headers)
    ).status_code == 200
    older = await _link_in_outbox(db, user, "/verify-email")
    assert (
        await client.post("/api/v1/auth/verification/resend", headers=headers)
    ).status_code == 200
    newer = await _link_in_outbox(db, user, "/verify-email")
    assert older != newer

    stale = await client.post("/api/v1/auth/verify-email", json={"token": older})
    fresh = await client.post("/api/v1/auth/verify-email", json={"token": newer})

    assert (stale.status_code, fresh.status_code) == (422, 200)
