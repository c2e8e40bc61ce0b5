"""Firebase sign-in on the web: the page's ID token exchanged for our session, and the linking
rules (a Firebase user joins an existing account only through a verified e-mail address).

Tokens are signed by a key made for the run and verified by the app's real ``FirebaseVerifier``
with that key's certificate injected, as in the API's Bearer tests."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import AuthSession, LocalCredential, User, UserType
from propintel.auth.service import authenticate, user_by_email, user_by_firebase_uid
from propintel.config import Settings, get_settings
from propintel.integrations.firebase import FirebaseVerifier, StaticCertificateSource
from propintel.integrations.local.outbox import outbox_page
from propintel.kit.clock import now_new_york
from propintel.kit.errors import LoginFailed
from propintel.web.security import SESSION_COOKIE
from tests.auth.test_firebase_bearer import firebase_token
from tests.factories import DEFAULT_PASSWORD, csrf_of, make_user
from tests.integrations.test_firebase import KID, PROJECT, SigningKey, make_signing_key

WEB_API_KEY = "AIza-test-web-api-key"
ENDPOINT = "/auth/firebase/session"


def firebase_settings(**overrides: Any) -> Settings:
    values = {"firebase_project_id": PROJECT, "firebase_web_api_key": WEB_API_KEY, **overrides}
    return get_settings().model_copy(update=values)


@pytest.fixture(scope="module")
def firebase_key() -> SigningKey:
    return make_signing_key()


@pytest.fixture(scope="module")
def stranger_key() -> SigningKey:
    return make_signing_key()


@pytest.fixture
def app_options(firebase_key: SigningKey) -> dict[str, Any]:
    source = StaticCertificateSource({KID: firebase_key.cert_pem})
    return {
        "settings": firebase_settings(),
        "firebase_verifier": FirebaseVerifier(PROJECT, source),
    }


def new_uid() -> str:
    return uuid.uuid4().hex[:28]


def new_email() -> str:
    return f"fb-{uuid.uuid4().hex[:10]}@example.com"


async def exchange(
    client: httpx.AsyncClient, token: str, *, csrf: bool = True, **body: Any
) -> httpx.Response:
    """What firebase-signin.js sends: JSON with the page's CSRF token in the header."""
    await client.get("/login")
    headers = {"Accept": "application/json"}
    if csrf:
        headers["X-CSRF-Token"] = csrf_of(client)
    return await client.post(ENDPOINT, json={"id_token": token, **body}, headers=headers)


def sets_session(response: httpx.Response) -> bool:
    cookies = response.headers.get_list("set-cookie")
    return any(cookie.startswith(f"{SESSION_COOKIE}=") for cookie in cookies)


async def session_count(db: AsyncSession, user: User) -> int:
    query = select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user.user_id)
    return int(await db.scalar(query) or 0)


# ---- linking an existing account ----------------------------------------------------------------


async def test_verified_email_links_the_account_and_stores_the_real_uid(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    user = await make_user(db, verified=False)
    local_uid = user.firebase_uid
    uid = new_uid()
    token = firebase_token(firebase_key, uid, email=user.email.upper(), email_verified=True)

    response = await exchange(client, token, next="/leads")

    assert response.status_code == 200, response.text
    assert response.json() == {"redirect": "/leads"}
    assert sets_session(response)
    await db.refresh(user)
    assert local_uid.startswith("local:") and user.firebase_uid == uid
    assert user.email_verified_at is not None and user.last_login is not None
    # The web session works, and so does the account's password.
    assert (await client.get("/dashboard")).status_code == 200
    logged = await authenticate(db, get_settings(), user.email, DEFAULT_PASSWORD, "198.51.100.7")
    assert logged.user_id == user.user_id
    # The linked Firebase user is the account everywhere, the API's Bearer tokens included.
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["user_id"] == str(user.user_id)


async def test_unverified_email_is_refused_and_nothing_changes(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    user = await make_user(db, verified=False)
    before = (user.firebase_uid, user.email_verified_at, user.last_login)
    token = firebase_token(firebase_key, new_uid(), email=user.email, email_verified=False)

    response = await exchange(client, token)

    assert response.status_code == 403
    assert "Verify your e-mail address" in response.json()["detail"]
    assert not sets_session(response)
    await db.refresh(user)
    assert (user.firebase_uid, user.email_verified_at, user.last_login) == before
    assert await session_count(db, user) == 0
    assert (await client.get("/dashboard", follow_redirects=False)).status_code == 303


async def test_a_token_without_the_email_verified_claim_does_not_link(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    user = await make_user(db)
    token = firebase_token(firebase_key, new_uid(), email=user.email)  # no email_verified at all
    assert (await exchange(client, token)).status_code == 403
    await db.refresh(user)
    assert user.firebase_uid.startswith("local:")


async def test_an_account_linked_to_another_firebase_user_is_not_relinked(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    user = await make_user(db)
    user.firebase_uid = "first-firebase-user"
    await db.flush()
    token = firebase_token(firebase_key, new_uid(), email=user.email, email_verified=True)

    response = await exchange(client, token)

    assert response.status_code == 409
    assert "already linked" in response.json()["detail"]
    await db.refresh(user)
    assert user.firebase_uid == "first-firebase-user"


# ---- signing in with a linked uid ---------------------------------------------------------------


async def test_an_existing_uid_logs_in_and_follows_only_safe_next_paths(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    user = await make_user(db)
    user.firebase_uid = uid = new_uid()
    await db.flush()
    # The token's e-mail does not matter once the uid is linked.
    token = firebase_token(firebase_key, uid, email="someone-else@example.com")

    response = await exchange(client, token, next="https://evil.example/phish")

    assert response.status_code == 200 and response.json() == {"redirect": "/dashboard"}
    assert await session_count(db, user) == 1
    page = await client.get("/dashboard")
    assert page.status_code == 200 and user.email in page.text


async def test_signing_in_with_a_verified_address_proves_the_accounts_address(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    user = await make_user(db, verified=False)
    user.firebase_uid = uid = new_uid()
    await db.flush()
    unverified = firebase_token(firebase_key, uid, email=user.email, email_verified=False)
    assert (await exchange(client, unverified)).status_code == 200
    await db.refresh(user)
    assert user.email_verified_at is None
    verified = firebase_token(firebase_key, uid, email=user.email, email_verified=True)
    assert (await exchange(client, verified)).status_code == 200
    await db.refresh(user)
    assert user.email_verified_at is not None


@pytest.mark.parametrize("closed", ["suspended_at", "erased_at"])
async def test_suspended_and_erased_accounts_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey, closed: str
) -> None:
    linked = await make_user(db)
    linked.firebase_uid = uid = new_uid()
    unlinked = await make_user(db)
    for user in (linked, unlinked):
        setattr(user, closed, now_new_york())
    await db.flush()
    email = unlinked.email  # read now: a refused request rolls back and expires the objects

    by_uid = await exchange(client, firebase_token(firebase_key, uid))
    by_email = await exchange(
        client, firebase_token(firebase_key, new_uid(), email=email, email_verified=True)
    )

    for response in (by_uid, by_email):
        assert response.status_code == 401 and not sets_session(response)
    await db.refresh(unlinked)
    assert unlinked.firebase_uid.startswith("local:")


# ---- new accounts --------------------------------------------------------------------------------


async def test_a_new_firebase_user_gets_a_subscriber_account_without_a_password(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    uid, email = new_uid(), new_email()
    token = firebase_token(firebase_key, uid, email=email.upper(), email_verified=True)

    response = await exchange(client, token, next="/leads")

    assert response.status_code == 200 and response.json() == {"redirect": "/dashboard"}
    user = await user_by_firebase_uid(db, uid)
    assert user is not None
    assert (user.email, user.user_type) == (email, UserType.SUBSCRIBER)
    assert user.email_verified_at is not None
    assert (await outbox_page(db, user.user_id, 5))[0] == []  # proven already: no link sent
    assert await db.get(LocalCredential, user.user_id) is None
    with pytest.raises(LoginFailed):
        await authenticate(db, get_settings(), email, "", "198.51.100.8")
    page = await client.get("/dashboard")
    assert page.status_code == 200 and email in page.text


async def test_a_new_homeowner_with_an_unverified_address(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    uid, email = new_uid(), new_email()
    token = firebase_token(firebase_key, uid, email=email, email_verified=False)

    response = await exchange(client, token, user_type="homeowner")

    assert response.status_code == 200
    user = await user_by_email(db, email)
    assert user is not None and user.firebase_uid == uid
    assert user.user_type == UserType.HOMEOWNER and user.email_verified_at is None
    sent, _next = await outbox_page(db, user.user_id, 5)  # our own link proves the address
    assert [email.to_email for email in sent if "/verify-email?token=" in email.text_body] == [
        user.email
    ]


async def test_a_new_account_cannot_be_an_admin(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    email = new_email()
    token = firebase_token(firebase_key, new_uid(), email=email, email_verified=True)
    response = await exchange(client, token, user_type="admin")
    assert response.status_code == 422
    assert await user_by_email(db, email) is None


async def test_a_firebase_user_without_an_email_gets_no_account(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    uid = new_uid()
    response = await exchange(client, firebase_token(firebase_key, uid))  # e.g. a phone sign-in
    assert response.status_code == 422 and "e-mail" in response.json()["detail"]
    assert await user_by_firebase_uid(db, uid) is None


# ---- tokens refused ------------------------------------------------------------------------------


async def test_bad_and_expired_tokens_are_refused(
    client: httpx.AsyncClient,
    db: AsyncSession,
    firebase_key: SigningKey,
    stranger_key: SigningKey,
) -> None:
    user = await make_user(db)
    user.firebase_uid = uid = new_uid()
    await db.flush()
    tokens = {
        "expired": firebase_token(firebase_key, uid, exp=int(time.time()) - 60),
        "bad signature": firebase_token(stranger_key, uid),
        "wrong audience": firebase_token(firebase_key, uid, aud="another-project"),
        "malformed token": "not-a-jwt",
    }
    for reason, token in tokens.items():
        response = await exchange(client, token)
        assert response.status_code == 401, reason
        assert reason in response.json()["detail"] and token not in response.text
        assert not sets_session(response)
    assert await session_count(db, user) == 0


async def test_a_uid_shaped_like_a_local_account_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    user = await make_user(db)
    response = await exchange(client, firebase_token(firebase_key, user.firebase_uid))
    assert response.status_code == 401 and await session_count(db, user) == 0


async def test_the_exchange_needs_the_pages_csrf_token(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    email = new_email()
    token = firebase_token(firebase_key, new_uid(), email=email, email_verified=True)
    response = await exchange(client, token, csrf=False)
    assert response.status_code == 403 and not sets_session(response)
    assert await user_by_email(db, email) is None


# ---- the pages -----------------------------------------------------------------------------------

SCRIPT_SRC = re.compile(r'<script[^>]*\ssrc="([^"]+)"')
MESSAGES = re.compile(r'<script type="application/json" id="firebase-messages">(.*?)</script>')
OWN_ORIGIN = "http://testserver"  # url_for's absolute URLs in tests


async def test_the_login_and_signup_pages_offer_firebase_from_our_own_files(
    client: httpx.AsyncClient,
) -> None:
    for path, mode in (("/login?next=/leads", "login"), ("/signup", "signup")):
        page = (await client.get(path)).text
        assert 'id="firebase-signin"' in page and f'data-mode="{mode}"' in page
        assert f'data-api-key="{WEB_API_KEY}"' in page
        assert f'data-auth-domain="{PROJECT}.firebaseapp.com"' in page
        assert "Sign in with Google" in page or "Sign up with Google" in page
        sources = [src.removeprefix(OWN_ORIGIN) for src in SCRIPT_SRC.findall(page)]
        assert all(src.startswith("/static/") for src in sources)  # nothing from another site
        assert [src for src in sources if "firebase" in src] == [
            "/static/vendor/firebase/firebase-app-compat.js",
            "/static/vendor/firebase/firebase-auth-compat.js",
            "/static/js/firebase-signin.js",
        ]
        assert "gstatic" not in page and "googleapis" not in page
    login = (await client.get("/login?next=/leads")).text
    assert 'data-next="/leads"' in login


async def test_the_firebase_block_speaks_spanish(client: httpx.AsyncClient) -> None:
    page = (await client.get("/login", headers={"Accept-Language": "es"})).text
    assert "Iniciar sesión con Google" in page
    found = MESSAGES.search(page)
    assert found is not None
    messages = json.loads(found.group(1))  # the script's messages, translated
    assert messages["cancelled"] == "Inicio de sesión cancelado."
    assert all(messages.values())


class TestDisabled:
    """Without the web API key (or the project id) the pages offer the local log-in only."""

    @pytest.fixture(params=["no web api key", "no project id"])
    def app_options(self, request: pytest.FixtureRequest) -> dict[str, Any]:
        if request.param == "no web api key":
            return {"settings": firebase_settings(firebase_web_api_key=None)}
        return {"settings": firebase_settings(firebase_project_id=None)}

    async def test_no_firebase_block_and_no_exchange(
        self, client: httpx.AsyncClient, firebase_key: SigningKey
    ) -> None:
        for path in ("/login", "/signup"):
            page = (await client.get(path)).text
            assert "firebase" not in page.lower()
            assert 'name="password"' in page  # the local log-in is there
        token = firebase_token(firebase_key, new_uid(), email=new_email(), email_verified=True)
        response = await exchange(client, token)
        assert response.status_code == 404
        assert "not enabled" in response.json()["detail"]
