"""The web shell: log-in/sign-up forms with CSRF, session cookies, role dashboards, error pages."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import ROLE_REFUSAL
from propintel.auth.models import Plan, UserType
from propintel.home.service import RECENT_JOBS_SHOWN, homeowner_summary
from propintel.scoring.refresh import refresh_scores
from propintel.web.security import CSRF_REFUSAL
from tests.factories import (
    DEFAULT_PASSWORD,
    api_as,
    browser_as,
    log_in_browser,
    make_user,
)


async def test_login_form_without_csrf_token_is_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    await client.get("/login")
    response = await client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 403 and CSRF_REFUSAL in response.text
    assert "SESSION" not in str(response.headers.get("set-cookie", "")).upper()


async def test_login_form_with_wrong_csrf_token_is_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    await client.get("/login")
    response = await client.post(
        "/login", data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403 and CSRF_REFUSAL in response.text


async def test_session_cookie_is_signed_httponly_and_opens_dashboard(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db, UserType.SUBSCRIBER, plan=Plan.INVESTOR)
    await client.get("/login")
    csrf = client.cookies.get("propintel_csrf")
    response = await client.post(
        "/login", data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": csrf}
    )
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    set_cookie = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in set_cookie if c.startswith("propintel_session="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie
    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert "Investor" in page.text and "Token balance" in page.text


async def test_tampered_session_cookie_is_ignored(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    await log_in_browser(client, user)
    cookie = client.cookies.get("propintel_session")
    assert cookie is not None
    client.cookies.set(
        "propintel_session", cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    )
    response = await client.get("/dashboard")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_logout_revokes_the_session(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await make_user(db)
    await log_in_browser(client, user)
    stolen = client.cookies.get("propintel_session")
    csrf = client.cookies.get("propintel_csrf")
    assert (await client.post("/logout", data={"csrf_token": csrf})).status_code == 303
    client.cookies.set("propintel_session", stolen or "")
    assert (await client.get("/dashboard")).status_code == 303


async def test_each_role_gets_its_dashboard(client: httpx.AsyncClient, db: AsyncSession) -> None:
    expectations = {
        UserType.ADMIN: "Admin dashboard",
        UserType.HOMEOWNER: "No jobs yet",
        UserType.SUBSCRIBER: "Your dashboard",
    }
    for user_type, marker in expectations.items():
        client.cookies.clear()
        await browser_as(client, db, user_type)
        page = await client.get("/dashboard")
        assert marker in page.text, user_type


async def test_homeowner_dashboard_lists_own_jobs_newest_first(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await make_user(db, UserType.HOMEOWNER)
    other = await make_user(db, UserType.HOMEOWNER)
    insert_job = text(
        "INSERT INTO homeowner_jobs (homeowner_id, job_title, job_description, service_category, "
        "status, created_at) VALUES (:owner, :title, 'details', :category, 'open', :created_at)"
    )
    jobs = [
        (owner, "Pool cleaning", "pool", datetime(2026, 3, 1, 9)),
        (owner, "Roof repair", None, datetime(2026, 5, 1, 9)),
        (owner, "Lawn mowing", "lawn", datetime(2026, 4, 1, 9)),
        (other, "Someone else's fence", "fence", datetime(2026, 6, 1, 9)),
    ]
    for user, title, category, created_at in jobs:
        params = {"owner": user.user_id, "title": title, "category": category}
        await db.execute(insert_job, {**params, "created_at": created_at})
    await log_in_browser(client, owner)
    page = (await client.get("/dashboard")).text
    assert "No jobs yet" not in page and "Someone else" not in page
    positions = [page.index(title) for title in ("Roof repair", "Lawn mowing", "Pool cleaning")]
    assert positions == sorted(positions)
    assert "May 1, 2026" in page  # the locale's medium date
    summary = await homeowner_summary(db, owner)
    assert [job["job_title"] for job in summary["jobs"]] == [
        "Roof repair",
        "Lawn mowing",
        "Pool cleaning",
    ]
    for day in range(RECENT_JOBS_SHOWN):
        params = {"owner": owner.user_id, "title": f"Job {day}", "category": None}
        await db.execute(insert_job, {**params, "created_at": datetime(2026, 7, 1 + day)})
    newest = (await homeowner_summary(db, owner))["jobs"]
    assert [job["job_title"] for job in newest] == [
        f"Job {day}" for day in reversed(range(RECENT_JOBS_SHOWN))
    ]


async def test_admin_api_is_refused_to_other_roles(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    for user_type in (UserType.SUBSCRIBER, UserType.HOMEOWNER):
        headers = await api_as(client, db, user_type)
        refused = await client.get("/api/v1/admin/summary", headers=headers)
        assert (refused.status_code, refused.json()["detail"]) == (403, ROLE_REFUSAL)
    admin_headers = await api_as(client, db, UserType.ADMIN)
    summary = await client.get("/api/v1/admin/summary", headers=admin_headers)
    assert summary.status_code == 200
    assert summary.json()["user_counts"]["admin"] >= 1
    assert summary.json()["pool"]["total_tokens"] == 0
    names = [job["name"] for job in summary.json()["scheduled_jobs"]]
    assert "maintenance.heartbeat" in names


async def test_cookie_authenticated_api_write_needs_csrf_header(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user = await make_user(db)
    await log_in_browser(client, user)
    assert (await client.get("/api/v1/me")).status_code == 200
    refused = await client.post("/api/v1/auth/logout")
    assert refused.status_code == 403 and refused.json()["detail"] == CSRF_REFUSAL
    csrf = client.cookies.get("propintel_csrf") or ""
    allowed = await client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert allowed.status_code == 204


async def test_signup_form_shows_field_error_and_keeps_input(client: httpx.AsyncClient) -> None:
    await client.get("/signup")
    csrf = client.cookies.get("propintel_csrf")
    response = await client.post(
        "/signup",
        data={
            "email": "keep@example.com",
            "password": "short",
            "user_type": "homeowner",
            "csrf_token": csrf,
        },
    )
    assert response.status_code == 422
    assert "at least 10 characters" in response.text
    assert 'value="keep@example.com"' in response.text


@pytest.mark.parametrize(
    "target", ["//evil.example", "/\\evil.example", "https://evil.example/", "/\tevil"]
)
async def test_open_redirect_after_login_is_neutralised(
    client: httpx.AsyncClient, db: AsyncSession, target: str
) -> None:
    user = await make_user(db)
    await client.get("/login")
    csrf = client.cookies.get("propintel_csrf")
    response = await client.post(
        "/login",
        data={
            "email": user.email,
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf,
            "next": target,
        },
    )
    assert response.headers["location"] == "/dashboard"


async def test_error_pages_leak_nothing(client: httpx.AsyncClient) -> None:
    missing = await client.get("/no-such-page", headers={"accept": "text/html"})
    assert missing.status_code == 404
    assert "Page not found" in missing.text and "Traceback" not in missing.text
    api_missing = await client.get("/api/v1/no-such-thing")
    assert api_missing.status_code == 404 and api_missing.json() == {
        "detail": "There is nothing at this address."
    }


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["migrations"] == "current"


async def test_every_response_has_a_request_id_and_security_headers(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "abc123"})
    assert response.headers["X-Request-ID"] == "abc123"
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_subscriber_dashboard_offers_the_plan_s_presets_and_says_how_fresh_scores_are(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, Plan.CONTRACTOR)
    before = (await client.get("/dashboard")).text
    await refresh_scores(db)
    after = (await client.get("/dashboard")).text

    assert "Scores have not been computed yet" in before
    assert 'data-testid="scores-refreshed">Scores refreshed ' in after
    assert "Pool service: new owners with pools" in after  # a contractor preset
    assert "Pre-foreclosure within 5 km" not in after  # an investor's
