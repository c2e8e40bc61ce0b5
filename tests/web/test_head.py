"""HEAD answers like GET, without the body, on every page (web/head.py)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from tests.factories import browser_as


async def test_head_answers_like_get_without_a_body(client: httpx.AsyncClient) -> None:
    for path in ("/", "/login", "/signup", "/healthz", "/static/favicon.svg"):
        get = await client.get(path)
        head = await client.head(path)
        assert (head.status_code, head.content) == (200, b""), path
        assert head.headers["content-type"] == get.headers["content-type"], path
        assert head.headers["content-length"] == get.headers["content-length"], path


async def test_head_of_a_page_that_needs_log_in_redirects_like_get(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    get = await client.get("/dashboard")
    head = await client.head("/dashboard")
    assert get.status_code == head.status_code == 303
    assert head.headers["location"] == get.headers["location"] == "/login?next=/dashboard"
    assert head.content == b""

    await browser_as(client, db, UserType.HOMEOWNER)
    assert (await client.head("/dashboard")).status_code == 200
    assert (await client.head("/")).headers["location"] == "/dashboard"


async def test_head_is_no_way_around_a_methods_refusal(client: httpx.AsyncClient) -> None:
    """A route that only takes POST still refuses HEAD, as it refuses GET."""
    assert (await client.head("/logout")).status_code == 405
