"""Firebase ID tokens as API Bearer tokens, when a Firebase project is configured."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.firebase import FirebaseVerifier, StaticCertificateSource
from tests.factories import make_user
from tests.integrations.test_firebase import KID, PROJECT, SigningKey, make_signing_key, sign


@pytest.fixture(scope="module")
def firebase_key() -> SigningKey:
    return make_signing_key()


@pytest.fixture
def app_options(firebase_key: SigningKey) -> dict[str, Any]:
    source = StaticCertificateSource({KID: firebase_key.cert_pem})
    return {"firebase_verifier": FirebaseVerifier(PROJECT, source)}


def firebase_token(key: SigningKey, uid: str, **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": f"https://securetoken.google.com/{PROJECT}",
        "aud": PROJECT,
        "sub": uid,
        "iat": now - 10,
        "auth_time": now - 10,
        "exp": now + 3600,
        **overrides,
    }
    return sign(key, claims)


async def test_firebase_token_of_a_linked_user_authenticates(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    user = await make_user(db)
    user.firebase_uid = "firebase-uid-42"
    await db.flush()
    token = firebase_token(firebase_key, "firebase-uid-42")
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["user_id"] == str(user.user_id)


async def test_a_firebase_uid_that_is_our_own_placeholder_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    """A local account's ``local:<id>`` is not a Firebase user: a token claiming it is refused."""
    user = await make_user(db)

    token = firebase_token(firebase_key, user.firebase_uid)
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert user.firebase_uid.startswith("local:") and response.status_code == 401


async def test_firebase_token_without_account_is_refused(
    client: httpx.AsyncClient, firebase_key: SigningKey
) -> None:
    token = firebase_token(firebase_key, "nobody-here")
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "No PropIntel account" in response.json()["detail"]


async def test_expired_firebase_token_is_refused_with_reason(
    client: httpx.AsyncClient, db: AsyncSession, firebase_key: SigningKey
) -> None:
    user = await make_user(db)
    user.firebase_uid = "firebase-uid-43"
    await db.flush()
    token = firebase_token(firebase_key, "firebase-uid-43", exp=int(time.time()) - 120)
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert token not in response.text
