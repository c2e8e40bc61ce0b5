"""Templates' ``url_for`` (web/templating.py): each route's path is looked up once per app (FastAPI
walks every route for it), and URLs stay absolute for the host each request came to. Templates are
checked on disk for edits only in development."""

from __future__ import annotations

from typing import Any

import httpx
import pytest


async def test_static_urls_are_looked_up_once_and_follow_the_host(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    app: Any = client._transport.app  # type: ignore[attr-defined]
    lookups: list[str] = []
    original = app.router.url_path_for

    def counted(name: str, /, **params: Any) -> Any:
        lookups.append(name)
        return original(name, **params)

    monkeypatch.setattr(app.router, "url_path_for", counted)
    first = (await client.get("/login")).text
    assert 'href="http://testserver/static/css/app.css"' in first
    looked_up = len(lookups)
    assert looked_up >= 1

    other = (await client.get("/login", headers={"host": "example.test"})).text
    assert 'href="http://example.test/static/css/app.css"' in other
    assert 'href="http://testserver/static' not in other
    assert len(lookups) == looked_up  # the second page found every path in the app's cache


@pytest.mark.parametrize(("environment", "reloads"), [("development", True), ("production", False)])
def test_templates_are_checked_on_disk_only_in_development(
    engine: Any, environment: str, reloads: bool
) -> None:
    from propintel.app import create_app
    from propintel.config import get_settings
    from propintel.web.templating import templates

    settings = get_settings().model_copy(update={"environment": environment})
    try:
        create_app(settings, engine=engine)
        assert templates.env.auto_reload is reloads
    finally:
        templates.env.auto_reload = get_settings().environment == "development"
