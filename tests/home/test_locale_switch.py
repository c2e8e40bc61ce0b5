"""The footer's language switcher: POST /locale sets the cookie, saves a logged-in user's choice,
redirects only within the site and refuses a language we do not have."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from propintel.web.locale import LOCALE_COOKIE
from tests.factories import csrf_of, log_in_browser, make_user


async def _switch(client: httpx.AsyncClient, locale: str, next_path: str) -> httpx.Response:
    if not csrf_of(client):
        await client.get("/login")
    return await client.post(
        "/locale", data={"locale": locale, "next": next_path, "csrf_token": csrf_of(client)}
    )


async def test_anonymous_switch_sets_a_lasting_cookie_and_goes_back(
    client: httpx.AsyncClient,
) -> None:
    response = await _switch(client, "es", "/login?next=%2Fleads")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fleads"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(f"{LOCALE_COOKIE}=")
    )
    assert cookie.startswith(f"{LOCALE_COOKIE}=es;")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=31536000" in cookie
    page = await client.get("/login")
    assert '<html lang="es">' in page.text
    # Back to English the same way, whatever the browser asks for.
    await _switch(client, "en", "/login")
    page = await client.get("/login", headers={"Accept-Language": "es"})
    assert '<html lang="en">' in page.text


async def test_logged_in_switch_is_saved_on_the_account(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db, UserType.SUBSCRIBER)
    await log_in_browser(client, user)
    response = await _switch(client, "es", "/dashboard")
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    await db.refresh(user)
    assert user.preferred_locale == "es"
    # The account's choice wins over the cookie and the browser, on another device too.
    client.cookies.delete(LOCALE_COOKIE)
    page = await client.get("/dashboard", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in page.text


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
async def test_open_redirect_is_refused(client: httpx.AsyncClient, target: str) -> None:
    response = await _switch(client, "es", target)
    assert response.status_code == 303 and response.headers["location"] == "/"


@pytest.mark.parametrize("locale", ["fr", "es-ES", "", "EN"])
async def test_unsupported_locale_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, locale: str
) -> None:
    user = await make_user(db, UserType.SUBSCRIBER)
    await log_in_browser(client, user)
    response = await _switch(client, locale, "/dashboard")
    assert response.status_code == 422
    assert LOCALE_COOKIE not in response.headers.get("set-cookie", "")
    await db.refresh(user)
    assert user.preferred_locale is None


async def test_switch_without_csrf_token_is_refused(client: httpx.AsyncClient) -> None:
    await client.get("/login")
    response = await client.post("/locale", data={"locale": "es", "next": "/"})
    assert response.status_code == 403


async def test_footer_offers_the_other_language(client: httpx.AsyncClient) -> None:
    page = await client.get("/login?next=/leads", headers={"Accept-Language": "es"})
    assert 'action="/locale"' in page.text
    assert 'name="next" value="/login?next=/leads"' in page.text
    assert 'name="locale" value="en" lang="en">English</button>' in page.text
    assert 'aria-current="true">Español</strong>' in page.text
