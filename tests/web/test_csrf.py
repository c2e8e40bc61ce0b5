"""CSRF is enforced app-wide: a router added without a thought for CSRF is protected, a route opts
out only by saying so, and requests a browser cannot forge (Bearer, cookie-less API) need no
token."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from propintel.web.security import (
    CSRF_COOKIE,
    CSRF_HEADER,
    CSRF_REFUSAL,
    SESSION_COOKIE,
    csrf_exempt,
)


def _add_unprotected_router(app: FastAPI) -> None:
    """Routes as a newcomer would write them: no CSRF dependency anywhere."""
    router = APIRouter()

    @router.post("/new-page-form")
    async def new_page_form() -> dict[str, bool]:
        return {"done": True}

    @router.post("/api/v1/new-thing")
    async def new_api_write() -> dict[str, bool]:
        return {"done": True}

    @router.post("/webhooks/new-vendor")
    @csrf_exempt
    async def new_webhook() -> dict[str, bool]:
        return {"done": True}

    app.include_router(router)


@pytest.fixture
def app(client: httpx.AsyncClient) -> FastAPI:
    app: FastAPI = client._transport.app  # type: ignore[attr-defined]
    _add_unprotected_router(app)
    return app


async def test_a_new_form_route_refuses_a_post_without_the_token(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    client.cookies.set(CSRF_COOKIE, "cookie-token")

    refused = await client.post("/new-page-form", data={"x": "1"})
    accepted = await client.post("/new-page-form", data={"csrf_token": "cookie-token"})

    assert refused.status_code == 403 and CSRF_REFUSAL in refused.text
    assert accepted.status_code == 200


async def test_a_cookie_authenticated_api_write_needs_the_header(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    client.cookies.set(CSRF_COOKIE, "cookie-token")
    client.cookies.set(SESSION_COOKIE, "any-session")

    refused = await client.post("/api/v1/new-thing")
    accepted = await client.post("/api/v1/new-thing", headers={CSRF_HEADER: "cookie-token"})

    assert refused.status_code == 403 and refused.json()["detail"] == CSRF_REFUSAL
    assert accepted.status_code == 200


async def test_writes_a_browser_cannot_forge_need_no_token(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    bearer = await client.post("/api/v1/new-thing", headers={"Authorization": "Bearer pit_x"})
    cookieless_api = await client.post("/api/v1/new-thing")

    assert bearer.status_code == 200
    assert cookieless_api.status_code == 200


async def test_an_exempt_route_is_the_only_opt_out(app: FastAPI, client: httpx.AsyncClient) -> None:
    client.cookies.set(SESSION_COOKIE, "any-session")

    assert (await client.post("/webhooks/new-vendor")).status_code == 200
    refused = await client.post("/new-page-form")
    assert refused.status_code == 403 and CSRF_REFUSAL in refused.text
