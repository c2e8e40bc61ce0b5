"""POST /api/v1/auth/token takes JSON or an OAuth2 password-grant form and answers with OAuth2's
fields; API times carry their New York offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.config import get_settings
from propintel.kit.clock import NEW_YORK
from propintel.web.security import CSRF_REFUSAL
from tests.factories import DEFAULT_PASSWORD, browser_as, make_user

TOKEN = "/api/v1/auth/token"


def password_grant(user: User, **fields: str) -> dict[str, str]:
    return {"grant_type": "password", "username": user.email, "password": DEFAULT_PASSWORD} | fields


def aware(value: str) -> datetime:
    """An API timestamp, which must carry its offset."""
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() is not None, f"no time zone in {value!r}"
    return parsed


async def assert_token_works(client: httpx.AsyncClient, response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200, me.text


async def test_json_body_gives_a_token(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await make_user(db)
    response = await client.post(TOKEN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    await assert_token_works(client, response)


async def test_password_grant_form_gives_a_token_without_cookies_or_csrf(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    assert not client.cookies  # no session, no CSRF cookie: an OAuth2 client, not a browser
    response = await client.post(TOKEN, data=password_grant(user, scope="", client_id=""))
    await assert_token_works(client, response)


async def test_password_grant_form_with_a_wrong_password_is_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    response = await client.post(TOKEN, data=password_grant(user, password="wrong-password"))
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("fields", "field", "wording"),
    [
        ({"grant_type": "client_credentials"}, "grant_type", "'password'"),
        ({"grant_type": ""}, "grant_type", "'password'"),
        ({"username": None}, "username", "Field required"),
        ({"password": None}, "password", "Field required"),
    ],
)
async def test_bad_password_grant_forms_name_the_field(
    client: httpx.AsyncClient,
    db: AsyncSession,
    fields: dict[str, str | None],
    field: str,
    wording: str,
) -> None:
    user = await make_user(db)
    form = {k: v for k, v in (password_grant(user) | fields).items() if v is not None}
    response = await client.post(TOKEN, data=form)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert wording in errors[0]["message"]


async def test_bad_json_bodies_name_the_problem(client: httpx.AsyncClient) -> None:
    missing = await client.post(TOKEN, json={"email": "someone@example.com"})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["password"]
    garbled = await client.post(
        TOKEN, content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert garbled.status_code == 422
    assert garbled.json()["errors"] == [{"field": "body", "message": "The body is not valid JSON."}]


async def test_cookie_authenticated_api_forms_still_need_the_csrf_token(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    """Accepting forms at the token endpoint loosens nothing for cookie-authenticated calls."""
    await browser_as(client, db)
    refused = await client.post("/api/v1/auth/logout", data={"anything": "1"})
    assert refused.status_code == 403 and refused.json()["detail"] == CSRF_REFUSAL
    csrf = client.cookies.get("propintel_csrf") or ""
    allowed = await client.post("/api/v1/auth/logout", data={"csrf_token": csrf})
    assert allowed.status_code == 204


async def test_expiry_is_given_with_its_offset_and_in_seconds(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    response = await client.post(TOKEN, data=password_grant(user))
    body = response.json()
    expires_at = aware(body["expires_at"])
    assert expires_at.utcoffset() == expires_at.replace(tzinfo=NEW_YORK).utcoffset()
    lifetime = timedelta(days=get_settings().api_token_max_age_days)
    assert abs(expires_at - datetime.now(UTC) - lifetime) < timedelta(hours=1, minutes=1)
    assert abs((expires_at - datetime.now(UTC)).total_seconds() - body["expires_in"]) < 60


async def test_user_timestamps_carry_the_new_york_offset(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    token = (await client.post(TOKEN, data=password_grant(user))).json()["access_token"]
    me = (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})).json()
    created_at = aware(me["created_at"])
    await db.refresh(user)
    assert user.created_at is not None  # naive New York wall-clock time, as stored
    assert created_at == user.created_at.replace(tzinfo=NEW_YORK)
    assert abs(datetime.now(UTC) - created_at) < timedelta(minutes=5)
