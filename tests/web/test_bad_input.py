"""Bad input answers 4xx with a clear message, never 500 (issue 18, item 5).

Each case is one of the 500s a fuzzing run found: integers beyond PostgreSQL's int4/int8, NUL
characters in text that reaches SQL (PostgreSQL refuses them in text), a malformed page number or
keyset cursor, a polygon PostGIS cannot turn into a geography. Each is sent as the user the route
is for; the answer must be a 4xx that says what is wrong.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan, UserType
from tests.factories import api_as, browser_as, csrf_of

BIG_INT4 = "2147483648"  # int4's maximum + 1
BIG_INT8 = "9223372036854775808"  # int8's maximum + 1
NUL = "\x00"


def _cursor(payload: Any) -> str:
    raw = json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


WHOLE_WORLD = {
    "type": "Polygon",
    "coordinates": [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]],
}
WIDE = {  # spans more than half the globe east-west: "Antipodal edge detected" in geography
    "type": "Polygon",
    "coordinates": [[[-170, 20], [170, 20], [170, 30], [-170, 30], [-170, 20]]],
}

# (name, method, path, query params, JSON body, expected status, words the message must hold)
API_CASES: list[tuple[str, str, str, dict[str, str], Any, int, str]] = [
    ("leads min_score int4", "GET", "/api/v1/leads", {"min_score": BIG_INT4}, None, 422, ""),
    ("leads min_score int8", "GET", "/api/v1/leads", {"min_score": BIG_INT8}, None, 422, ""),
    ("leads limit int8", "GET", "/api/v1/leads", {"limit": BIG_INT8}, None, 422, ""),
    ("leads address NUL", "GET", "/api/v1/leads", {"address": NUL}, None, 422, "NUL"),
    ("leads tag NUL", "GET", "/api/v1/leads", {"tag": "a" + NUL}, None, 422, "NUL"),
    ("leads cursor number", "GET", "/api/v1/leads", {"cursor": _cursor(5)}, None, 422, "cursor"),
    ("leads cursor junk", "GET", "/api/v1/leads", {"cursor": "%%%"}, None, 422, "cursor"),
    ("tasks limit int8", "GET", "/api/v1/tasks", {"limit": BIG_INT8}, None, 422, ""),
    (
        "saved searches cursor id a number",
        "GET",
        "/api/v1/saved-searches",
        {"cursor": _cursor(["saved_searches", "", ["2026-01-01T00:00:00", 12]])},
        None,
        422,
        "cursor",
    ),
    (
        "saved searches limit int8",
        "GET",
        "/api/v1/saved-searches",
        {"limit": BIG_INT8},
        None,
        422,
        "",
    ),
    (
        "saved search name NUL",
        "POST",
        "/api/v1/saved-searches",
        {},
        {"search_name": "mine" + NUL, "search_criteria": {}},
        422,
        "NUL",
    ),
    (
        "saved search criteria city NUL",
        "POST",
        "/api/v1/saved-searches",
        {},
        {"search_name": "mine", "search_criteria": {"city": "Miami" + NUL}},
        422,
        "NUL",
    ),
    ("search min_score int8", "GET", "/api/v1/properties", {"min_score": BIG_INT8}, None, 422, ""),
    ("search min_value int8", "GET", "/api/v1/properties", {"min_value": BIG_INT8}, None, 422, ""),
    ("search max_value int8", "GET", "/api/v1/properties", {"max_value": BIG_INT8}, None, 422, ""),
    ("search radius int8", "GET", "/api/v1/properties", {"radius_m": BIG_INT8}, None, 422, ""),
    ("search city NUL", "GET", "/api/v1/properties", {"city": "Mia" + NUL}, None, 422, "NUL"),
    ("search zip NUL", "GET", "/api/v1/properties", {"zip": "331" + NUL}, None, 422, ""),
    ("search owner NUL", "GET", "/api/v1/properties", {"owner_type": NUL}, None, 422, ""),
    (
        "search cursor junk",
        "GET",
        "/api/v1/properties",
        {"cursor": _cursor(7)},
        None,
        422,
        "cursor",
    ),
    (
        "search whole-world polygon",
        "POST",
        "/api/v1/properties/search",
        {},
        {"polygon": WHOLE_WORLD},
        422,
        "polygon",
    ),
    (
        "search polygon wider than half the globe",
        "POST",
        "/api/v1/properties/count",
        {},
        {"polygon": WIDE},
        422,
        "polygon",
    ),
    (
        "search polygon in the query",
        "GET",
        "/api/v1/properties",
        {"polygon": json.dumps(WHOLE_WORLD)},
        None,
        422,
        "polygon",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "params", "body", "status", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in API_CASES],
)
async def test_api_bad_input_is_refused(
    client: httpx.AsyncClient,
    db: AsyncSession,
    method: str,
    path: str,
    params: dict[str, str],
    body: Any,
    status: int,
    words: str,
) -> None:
    headers = await api_as(client, db, Plan.FULL)
    response = await client.request(method, path, params=params, json=body, headers=headers)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert words.lower() in json.dumps(detail).lower(), detail


ADMIN_CASES: list[tuple[str, str, dict[str, str], int, str]] = [
    ("admin users q NUL (API)", "/api/v1/admin/users", {"q": "a" + NUL}, 422, "NUL"),
    ("admin users page q NUL", "/admin/users", {"q": "a" + NUL}, 422, "NUL"),
    ("admin users cursor junk", "/api/v1/admin/users", {"cursor": _cursor([1])}, 422, "cursor"),
]


@pytest.mark.parametrize(
    ("path", "params", "status", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in ADMIN_CASES],
)
async def test_admin_bad_input_is_refused(
    client: httpx.AsyncClient,
    db: AsyncSession,
    path: str,
    params: dict[str, str],
    status: int,
    words: str,
) -> None:
    if path.startswith("/api/"):
        headers = await api_as(client, db, UserType.ADMIN)
    else:
        await browser_as(client, db, UserType.ADMIN)
        headers = {}
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == status, response.text
    assert words.lower() in response.text.lower()


PAGE_CASES: list[tuple[str, str, dict[str, str], int, str]] = [
    ("leads table min_score int4", "/leads/table", {"min_score": BIG_INT4}, 422, "score"),
    ("leads table min_score int8", "/leads/table", {"min_score": BIG_INT8}, 422, "score"),
    ("leads table address NUL", "/leads/table", {"address": NUL}, 422, "NUL"),
    ("leads table cursor number", "/leads/table", {"cursor": _cursor(3)}, 422, "cursor"),
    ("saved searches cursor number", "/saved-searches", {"cursor": _cursor(3)}, 422, "cursor"),
    ("search page city NUL", "/search", {"city": NUL}, 422, "NUL"),
    ("search page min_score int8", "/search", {"min_score": BIG_INT8}, 422, ""),
    ("outbox page huge", "/outbox", {"page": "99999999999999999999"}, 200, ""),
    ("outbox cursor junk", "/outbox", {"cursor": "%%%"}, 422, "cursor"),
]


@pytest.mark.parametrize(
    ("path", "params", "status", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in PAGE_CASES],
)
async def test_page_bad_input_is_refused(
    client: httpx.AsyncClient,
    db: AsyncSession,
    path: str,
    params: dict[str, str],
    status: int,
    words: str,
) -> None:
    await browser_as(client, db, Plan.FULL)
    response = await client.get(path, params=params)
    assert response.status_code == status, response.text
    assert words.lower() in response.text.lower()


@pytest.mark.parametrize("email", ["a" + NUL + "@example.com", NUL])
async def test_signup_with_a_nul_email_is_refused(client: httpx.AsyncClient, email: str) -> None:
    await client.get("/signup")
    response = await client.post(
        "/signup",
        data={
            "email": email,
            "password": "correct horse battery staple",
            "user_type": "subscriber",
            "csrf_token": csrf_of(client),
        },
    )
    assert response.status_code == 422, response.text
    assert "NUL" in response.text


async def test_saved_search_form_with_a_nul_name_is_refused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    csrf = await browser_as(client, db, Plan.FULL)
    response = await client.post(
        "/saved-searches", data={"search_name": "x" + NUL, "csrf_token": csrf}
    )
    assert response.status_code == 422, response.text
    assert "NUL" in response.text
