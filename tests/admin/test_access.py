"""Every admin page and API endpoint of users, audit and economics refuses non-admins."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import ROLE_REFUSAL
from propintel.auth.models import UserType
from tests.factories import api_as, browser_as

SOMEONE = uuid.UUID("5e1f0000-0000-4000-8000-00000000a11c")  # fixed: test ids are stable
API = [
    "/api/v1/admin/users",
    f"/api/v1/admin/users/{SOMEONE}",
    f"/api/v1/admin/users/{SOMEONE}/ledger",
    "/api/v1/admin/audit",
    "/api/v1/admin/economics",
]
PAGES = [
    ("GET", "/admin/users"),
    ("GET", f"/admin/users/{SOMEONE}"),
    ("POST", f"/admin/users/{SOMEONE}/tokens"),
    ("GET", f"/admin/users/{SOMEONE}/suspend"),
    ("POST", f"/admin/users/{SOMEONE}/suspend"),
    ("POST", f"/admin/users/{SOMEONE}/reactivate"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/economics"),
]


@pytest.mark.parametrize("user_type", [UserType.SUBSCRIBER, UserType.HOMEOWNER])
async def test_api_refuses_non_admins(
    db: AsyncSession, client: httpx.AsyncClient, user_type: UserType
) -> None:
    headers = await api_as(client, db, user_type)
    for path in API:
        refused = await client.get(path, headers=headers)
        assert (refused.status_code, refused.json()["detail"]) == (403, ROLE_REFUSAL), path
        assert (await client.get(path)).status_code == 401, path


@pytest.mark.parametrize(("method", "path"), PAGES)
async def test_pages_refuse_non_admins(
    db: AsyncSession, client: httpx.AsyncClient, method: str, path: str
) -> None:
    csrf = await browser_as(client, db, UserType.SUBSCRIBER)
    data = {"csrf_token": csrf, "reason": "abc", "action": "grant", "tokens": "1"}
    response = await client.request(method, path, data=data if method == "POST" else None)
    assert response.status_code == 403 and ROLE_REFUSAL in response.text


async def test_pages_send_anonymous_visitors_to_log_in(client: httpx.AsyncClient) -> None:
    for method, path in PAGES:
        if method == "GET":
            response = await client.get(path)
            assert response.status_code == 303 and response.headers["location"].startswith("/login")
