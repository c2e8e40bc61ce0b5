"""Every page renders in Spanish: each HTML page without a path parameter, as a visitor and as
each kind of user, asked for in Spanish, answers without a server error, says ``lang="es"`` and
shows none of the layout's English words. And the switcher's English cookie beats the browser's
Spanish."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, UserType
from propintel.web.locale import LOCALE_COOKIE
from tests.factories import browser_as

SPANISH = {"Accept-Language": "es-US,es;q=0.9,en;q=0.5"}
# Words of the layout (navigation, account menu, skip link, footer, error pages) that a Spanish
# page must not show.
ENGLISH_SENTINELS = (
    "Dashboard",
    "Log out",
    "Search",
    "Skip to content",
    "Log in",
    "Sign up",
    "Menu",
    "Saved searches",
    "Billing",
    "Language:",
    "Not allowed",
    "Page not found",
    "Go to the start page",
)


def page_paths(app: FastAPI) -> list[str]:
    """GET routes of the site that need no path parameter (the API and static files left out)."""
    paths = {
        route.path
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
        and "GET" in (route.methods or ())
        and "{" not in route.path
        and not route.path.startswith(("/api/", "/static/", "/webhooks/"))
    }
    return sorted(paths)


def _visible_text(html: str) -> str:
    """The page without its scripts and styles (their code may say "search"); tags kept, so an
    English ``aria-label`` or ``title`` counts too."""
    return re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S | re.I)


async def _problems(client: httpx.AsyncClient, paths: list[str]) -> list[str]:
    problems = []
    for path in paths:
        response = await client.get(path, headers=SPANISH, follow_redirects=True)
        where = f"{path} → {response.url.path} {response.status_code}"
        if response.status_code >= 500:
            problems.append(f"{where}: server error")
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue  # health checks, the favicon, downloads
        if '<html lang="es">' not in response.text:
            problems.append(f'{where}: no <html lang="es">')
        text = _visible_text(response.text)
        english = [word for word in ENGLISH_SENTINELS if re.search(rf"\b{word}\b", text)]
        if english:
            problems.append(f"{where}: English {english}")
    return problems


@pytest.fixture
def paths(client: httpx.AsyncClient) -> list[str]:
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    app = transport.app
    assert isinstance(app, FastAPI)
    found = page_paths(app)
    assert {"/", "/login", "/dashboard", "/tokens", "/billing"} <= set(found)
    return found


async def test_pages_in_spanish_for_a_visitor(client: httpx.AsyncClient, paths: list[str]) -> None:
    problems = await _problems(client, paths)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("who", [Plan.FULL, UserType.HOMEOWNER, UserType.ADMIN], ids=str)
async def test_pages_in_spanish_for_each_role(
    client: httpx.AsyncClient, db: AsyncSession, paths: list[str], who: UserType | Plan
) -> None:
    await browser_as(client, db, who)
    problems = await _problems(client, paths)
    assert not problems, "\n".join(problems)


async def test_the_english_cookie_beats_a_spanish_browser(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, Plan.FULL)
    client.cookies.set(LOCALE_COOKIE, "en")
    page = await client.get("/dashboard", headers=SPANISH)
    assert '<html lang="en">' in page.text
    for word in ("Skip to content", "Dashboard", "Search", "Log out"):
        assert word in page.text
    client.cookies.delete(LOCALE_COOKIE)
    page = await client.get("/dashboard", headers=SPANISH)
    assert '<html lang="es">' in page.text and "Saltar al contenido" in page.text
    assert "Log out" not in page.text


async def test_the_check_finds_english_pages(client: httpx.AsyncClient) -> None:
    """The same walk over English pages reports them (the check above can fail)."""
    client.cookies.set(LOCALE_COOKIE, "en")
    problems = await _problems(client, ["/", "/login"])
    assert len(problems) == 4
    assert sum("English ['Skip to content', 'Log in', 'Sign up']" in p for p in problems) == 2
    assert sum('no <html lang="es">' in p for p in problems) == 2
