"""A visitor's first hour: the landing page, sign-up, the first log-in's welcome, the favicon."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import browser_as


async def test_landing_page_shows_the_plans_of_the_plans_table(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await db.execute(
        text("UPDATE subscription_plans SET monthly_price = 123.45 WHERE plan_name = 'full'")
    )
    await db.execute(
        text("UPDATE subscription_plans SET is_active = false WHERE plan_name = 'investor'")
    )
    response = await client.get("/")
    assert response.status_code == 200
    page = response.text
    assert "Miami-Dade public records" in page
    assert "Contractors" in page and "Investors" in page and "Homeowners" in page
    assert page.count('data-testid="plan"') == 2  # contractor and full: investor is inactive
    assert "$123.45" in page and "$49.00" in page and "Investor</h3>" not in page
    assert "New-homeowner leads" in page and "10,000 tokens every month" in page
    assert 'href="/signup"' in page and 'href="/login"' in page


async def test_logged_in_users_go_from_home_to_their_dashboard(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db)
    response = await client.get("/")
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"


async def _sign_up(client: httpx.AsyncClient, user_type: str, email: str) -> httpx.Response:
    """Sign up, then log in (sign-up opens no session: it answers a taken address the same)."""
    await client.get("/signup")
    form = {
        "email": email,
        "password": "a-long-enough-password",
        "user_type": user_type,
        "csrf_token": client.cookies.get("propintel_csrf"),
    }
    signed_up = await client.post("/signup", data=form)
    assert signed_up.status_code == 303 and signed_up.headers["location"] == "/login"
    login = await client.get("/login")
    assert "Check your e-mail" in login.text and email in login.text
    return await _log_in(client, email)


async def _log_in(client: httpx.AsyncClient, email: str) -> httpx.Response:
    await client.get("/login")
    return await client.post(
        "/login",
        data={
            "email": email,
            "password": "a-long-enough-password",
            "csrf_token": client.cookies.get("propintel_csrf"),
        },
    )


def _cookie_attributes(response: httpx.Response, name: str) -> set[str]:
    header = next(c for c in response.headers.get_list("set-cookie") if c.startswith(f"{name}="))
    return {part.strip() for part in header.split(";")[1:]}


async def test_the_first_log_in_after_sign_up_greets_with_the_next_step(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    response = await _sign_up(client, "subscriber", "first-hour@example.com")
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    first_cookie = _cookie_attributes(response, "propintel_session")
    dashboard = await client.get("/dashboard")
    assert dashboard.status_code == 200
    assert "Welcome to PropIntel" in dashboard.text and "Welcome back" not in dashboard.text
    assert '<a href="/billing">choose a plan</a>' in dashboard.text

    # The next log-in is welcomed back, with the same session cookie.
    client.cookies.clear()
    login = await _log_in(client, "first-hour@example.com")
    assert _cookie_attributes(login, "propintel_session") == first_cookie
    again = await client.get("/dashboard")
    assert "Welcome back." in again.text and "Welcome to PropIntel" not in again.text


async def test_a_new_homeowner_is_greeted_on_their_dashboard(client: httpx.AsyncClient) -> None:
    response = await _sign_up(client, "homeowner", "new-homeowner@example.com")
    assert response.headers["location"] == "/dashboard"
    dashboard = await client.get("/dashboard")
    assert "Welcome to PropIntel" in dashboard.text
    assert "the jobs you post and the bids contractors send you appear here" in dashboard.text
    assert "choose a plan" not in dashboard.text


async def test_favicon_is_an_svg_linked_from_every_page(client: httpx.AsyncClient) -> None:
    ico = await client.get("/favicon.ico")
    assert ico.status_code == 301 and ico.headers["location"] == "/static/favicon.svg"
    svg = await client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    for path in ("/", "/login", "/signup"):
        page = await client.get(path)
        assert re.search(r'<link rel="icon" href="[^"]*/static/favicon\.svg"', page.text), path
