"""The API docs work offline (Swagger UI and ReDoc from static/vendor) and show how to log in."""

from __future__ import annotations

import re

import httpx
import pytest

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
PUBLIC_OPERATIONS = {
    ("post", f"/api/v1/auth/{path}")
    for path in ("signup", "token", "verify-email", "password/forgot", "password/reset")
}


@pytest.mark.parametrize("page", ["/api/docs", "/api/redoc"])
async def test_docs_pages_load_everything_from_this_site(
    client: httpx.AsyncClient, page: str
) -> None:
    response = await client.get(page)
    assert response.status_code == 200
    assets = ASSET.findall(response.text)
    assert any(url.endswith(".js") for url in assets), assets
    assert not re.search(r"(?:https?:)?//", response.text), "the page names another site"
    for url in assets:
        assert url.startswith("/static/vendor/"), url
        served = await client.get(url)
        assert served.status_code == 200 and served.content, url
    assert "/api/openapi.json" in response.text
    # The browser enforces it too: ReDoc's bundle would fetch its maker's logo from a CDN.
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "img-src 'self' data:" in policy


async def test_openapi_declares_the_token_schemes_on_authenticated_operations(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["password"]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    operations = {
        (method, path): operation
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    }
    assert operations["get", "/api/v1/properties"]["security"] == [{"password": []}, {"bearer": []}]
    assert {key for key, op in operations.items() if "security" not in op} == PUBLIC_OPERATIONS
    token_body = operations["post", "/api/v1/auth/token"]["requestBody"]["content"]
    assert set(token_body) == {"application/json", "application/x-www-form-urlencoded"}
