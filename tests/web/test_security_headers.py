"""Security headers: a Content-Security-Policy without inline scripts on every page, HSTS only in
production, Referrer- and Permissions-Policy, and ``Cache-Control: no-store`` on what a logged-in
user (browser session or API key) is sent, never on static files."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from propintel.app import create_app
from propintel.auth.models import Plan
from propintel.config import Settings, get_settings
from propintel.web.headers import content_security_policy
from tests.factories import DEFAULT_PASSWORD, api_as, browser_as, make_user

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "propintel" / "web" / "templates"


def _directives(policy: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


async def test_every_page_carries_the_policy_and_the_other_headers(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/login")
    assert response.status_code == 200
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    permissions = response.headers["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions
    assert "microphone=(self)" in permissions
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Not production: no HSTS (it would pin plain-HTTP development hosts to HTTPS).
    assert "Strict-Transport-Security" not in response.headers
    # An anonymous visitor's page may be cached.
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_the_map_tiles_host_is_the_only_other_image_source() -> None:
    osm = Settings(map_tile_url="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    assert _directives(content_security_policy(osm))["img-src"] == [
        "'self'",
        "data:",
        "https://tile.openstreetmap.org",
    ]
    shards = Settings(map_tile_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    assert "https://*.tiles.example.org" in _directives(content_security_policy(shards))["img-src"]
    local = Settings(map_tile_url="/tiles/{z}/{x}/{y}.png")
    assert _directives(content_security_policy(local))["img-src"] == ["'self'", "data:"]
    none = Settings(map_tile_url="none")
    assert _directives(content_security_policy(none))["img-src"] == ["'self'", "data:"]


def test_firebase_and_stripe_add_only_their_own_hosts() -> None:
    firebase = _directives(
        content_security_policy(Settings(firebase_project_id="acme", firebase_web_api_key="AIza-x"))
    )
    assert "https://identitytoolkit.googleapis.com" in firebase["connect-src"]
    assert firebase["frame-src"] == ["https://acme.firebaseapp.com"]
    assert "'unsafe-inline'" not in firebase["script-src"]
    stripe = _directives(content_security_policy(Settings(stripe_secret_key="sk_test_x")))
    assert stripe["form-action"] == ["'self'", "https://checkout.stripe.com"]


def test_no_template_runs_an_inline_script() -> None:
    """Only JSON data islands may be inline; no on…= handler attributes, no javascript: URLs."""
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (template, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert "javascript:" not in text, template


async def test_hsts_only_in_production(engine: AsyncEngine) -> None:
    settings = get_settings().model_copy(update={"environment": "production"})
    app: FastAPI = create_app(engine=engine, settings=settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://test") as production:
        response = await production.get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("path", ["/dashboard", "/search"])
async def test_a_logged_in_users_pages_are_not_stored(
    client: httpx.AsyncClient, db: AsyncSession, path: str
) -> None:
    await browser_as(client, db, Plan.FULL)
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


async def test_the_api_answers_a_key_holder_with_no_store(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await api_as(client, db)
    response = await client.get("/api/v1/saved-searches", headers=headers)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


async def test_the_log_in_answer_itself_is_not_stored(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    await client.get("/login")
    response = await client.post(
        "/login",
        data={
            "email": user.email,
            "password": DEFAULT_PASSWORD,
            "csrf_token": client.cookies.get("propintel_csrf"),
        },
    )
    assert response.status_code == 303
    assert response.headers["Cache-Control"] == "no-store"


async def test_static_files_stay_cacheable_for_a_logged_in_user(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db)
    response = await client.get("/static/js/site.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


async def test_the_api_docs_keep_their_own_policy(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/docs")
    assert "'unsafe-inline'" in response.headers["Content-Security-Policy"]
