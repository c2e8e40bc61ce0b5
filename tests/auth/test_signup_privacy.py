"""Sign-up does not tell who has an account (issue 18, item 4): an address that already has one
gets the same answer as a new address (page and API), nothing is created, and its owner is
e-mailed a notice instead of a verification link."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth import account as account_module
from propintel.auth.models import LocalCredential, User, UserType
from propintel.auth.service import user_by_email
from propintel.integrations.local.outbox import outbox_page
from propintel.integrations.local.outbox_repository import OutboxEmail
from tests.factories import DEFAULT_PASSWORD, csrf_of, make_user

NOTICE = "Someone tried to create a PropIntel account with your e-mail address"
VERIFY = "Confirm your e-mail address for PropIntel"
OTHER_PASSWORD = "an-attackers-guess-1234"
TOKEN = re.compile(r"token=([A-Za-z0-9_.\-]+)")


async def _count_users(db: AsyncSession, email: str) -> int:
    return await db.scalar(select(func.count()).select_from(User).where(User.email == email)) or 0


async def _mail_to(db: AsyncSession, user: User) -> list[OutboxEmail]:
    emails, _next = await outbox_page(db, user.user_id, 50)
    return emails


async def _api_sign_up(
    client: httpx.AsyncClient, email: str, password: str, user_type: str = "subscriber"
) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/signup",
        json={"email": email, "password": password, "user_type": user_type},
    )


async def _page_sign_up(
    client: httpx.AsyncClient, email: str, password: str, user_type: str = "subscriber"
) -> httpx.Response:
    await client.get("/signup")
    form = {
        "email": email,
        "password": password,
        "user_type": user_type,
        "csrf_token": csrf_of(client),
    }
    return await client.post("/signup", data=form)


async def test_the_api_answers_a_taken_address_as_a_new_one(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    first = await _api_sign_up(client, "twice@example.com", DEFAULT_PASSWORD)
    again = await _api_sign_up(client, "Twice@Example.com", OTHER_PASSWORD, "homeowner")

    assert first.status_code == again.status_code == 202, again.text
    assert first.json() == again.json()  # no id, no token: the whole body is the same
    assert set(first.json()) == {"email", "message"}
    assert "Check your e-mail" in first.json()["message"]
    for response in (first, again):
        assert "propintel_session=" not in " ".join(response.headers.get_list("set-cookie"))

    assert await _count_users(db, "twice@example.com") == 1
    user = await user_by_email(db, "twice@example.com")
    assert user is not None and user.user_type == UserType.SUBSCRIBER  # not made a homeowner
    subjects = [email.subject for email in await _mail_to(db, user)]
    assert sorted(subjects) == sorted([VERIFY, NOTICE])

    # The owner's password is untouched: the second sign-up's password does not log in.
    token = await client.post(
        "/api/v1/auth/token", json={"email": "twice@example.com", "password": OTHER_PASSWORD}
    )
    assert token.status_code == 401
    mine = await client.post(
        "/api/v1/auth/token", json={"email": "twice@example.com", "password": DEFAULT_PASSWORD}
    )
    assert mine.status_code == 200


async def test_the_notice_links_to_log_in_and_reset_and_holds_no_password(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await make_user(db, email="owner@example.com")
    before = (await db.get(LocalCredential, owner.user_id)).password_hash  # type: ignore[union-attr]
    response = await _api_sign_up(client, "owner@example.com", OTHER_PASSWORD)
    assert response.status_code == 202

    [notice] = await _mail_to(db, owner)
    assert notice.subject == NOTICE and notice.to_email == "owner@example.com"
    for body in (notice.text_body, notice.html_body or ""):
        assert "maybe you" in body
        assert "/login" in body and "/forgot-password" in body
        assert OTHER_PASSWORD not in body and DEFAULT_PASSWORD not in body
        assert "token=" not in body  # no link that does anything by itself
    credential = await db.get(LocalCredential, owner.user_id)
    assert credential is not None and credential.password_hash == before


async def test_the_page_answers_a_taken_address_as_a_new_one_and_logs_no_one_in(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    first = await _page_sign_up(client, "page-twice@example.com", DEFAULT_PASSWORD)
    first_page = await client.get(first.headers["location"])
    client.cookies.clear()
    again = await _page_sign_up(client, "page-twice@example.com", OTHER_PASSWORD, "homeowner")
    again_page = await client.get(again.headers["location"])

    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"] == "/login"
    for response in (first, again):
        cookies = " ".join(response.headers.get_list("set-cookie"))
        assert "propintel_session=" not in cookies  # nobody is logged in by a sign-up

    def notice_of(page: httpx.Response) -> str:
        found = re.search(r"Check your e-mail[^<]*", page.text)
        assert found is not None, page.text
        return found.group(0)

    assert notice_of(first_page) == notice_of(again_page)
    assert "page-twice@example.com" in notice_of(first_page)
    assert first_page.status_code == again_page.status_code == 200

    assert await _count_users(db, "page-twice@example.com") == 1
    user = await user_by_email(db, "page-twice@example.com")
    assert user is not None
    assert sorted(e.subject for e in await _mail_to(db, user)) == sorted([VERIFY, NOTICE])


async def test_both_paths_hash_the_password(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hash is most of a sign-up's work: a taken address costs it too, so the answer's
    timing does not tell (counted, not timed)."""
    await make_user(db, email="timed@example.com")
    calls: list[str] = []
    real = account_module.hash_password

    async def counting(password: str, settings: object) -> str:
        calls.append(password)
        return await real(password, settings)  # type: ignore[arg-type]

    monkeypatch.setattr(account_module, "hash_password", counting)
    response = await _api_sign_up(client, "timed@example.com", OTHER_PASSWORD)
    assert response.status_code == 202
    assert calls == [OTHER_PASSWORD]


async def test_bad_input_is_refused_alike_for_new_and_taken_addresses(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await make_user(db, email="taken@example.com")
    taken = await _api_sign_up(client, "taken@example.com", "short")
    new = await _api_sign_up(client, f"new-{uuid.uuid4().hex[:6]}@example.com", "short")
    assert taken.status_code == new.status_code == 422
    assert taken.json() == new.json()


async def test_the_notice_speaks_the_accounts_language_and_is_limited(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await make_user(db, email="dueno@example.com")
    owner.preferred_locale = "es"
    await db.flush()
    for _ in range(5):
        response = await _api_sign_up(client, "dueno@example.com", OTHER_PASSWORD)
        assert response.status_code == 202  # the limit is silent: the answer never changes
    notices = await _mail_to(db, owner)
    assert len(notices) == account_module.SIGNUP_NOTICE.count
    assert notices[0].subject.startswith("Alguien intentó crear una cuenta de PropIntel")
    assert "quizás usted" in notices[0].text_body


async def test_a_suspended_account_gets_no_notice_but_the_same_answer(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    from propintel.kit.clock import now_new_york

    owner = await make_user(db, email="suspended@example.com")
    owner.suspended_at = now_new_york()
    await db.flush()
    response = await _api_sign_up(client, "suspended@example.com", OTHER_PASSWORD)
    assert response.status_code == 202
    assert await _mail_to(db, owner) == []


async def test_a_new_address_still_signs_up_verifies_and_is_welcomed(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    response = await _page_sign_up(client, "fresh@example.com", DEFAULT_PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    user = await user_by_email(db, "fresh@example.com")
    assert user is not None and not user.email_verified
    [mail] = await _mail_to(db, user)
    assert mail.subject == VERIFY
    found = TOKEN.search(mail.text_body)
    assert found is not None
    token = found.group(1)

    await client.get(f"/verify-email?token={token}")
    confirmed = await client.post(
        "/verify-email", data={"token": token, "csrf_token": csrf_of(client)}
    )
    assert confirmed.status_code == 303 and confirmed.headers["location"] == "/login"
    await db.refresh(user)
    assert user.email_verified

    login = await client.post(
        "/login",
        data={
            "email": "fresh@example.com",
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf_of(client),
        },
    )
    assert login.status_code == 303 and login.headers["location"] == "/dashboard"
    dashboard = await client.get("/dashboard")
    assert "Welcome to PropIntel" in dashboard.text  # the first log-in greets with the next step
