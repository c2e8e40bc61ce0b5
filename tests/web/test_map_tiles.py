"""Map tiles: OpenStreetMap's by default with its attribution, any other template, or none."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from markupsafe import escape
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from propintel.config import OSM_ATTRIBUTION, OSM_TILE_URL, Settings
from tests.factories import browser_as

MAP_VARIABLES = ("PROPINTEL_MAP_TILE_URL", "PROPINTEL_MAP_TILE_ATTRIBUTION")


def _settings(monkeypatch: pytest.MonkeyPatch, **values: Any) -> Settings:
    """Settings from ``values`` and the defaults, whatever the environment or .env say."""
    for name in MAP_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def app_options(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    return {"settings": _settings(monkeypatch)}


def test_openstreetmap_tiles_and_their_attribution_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = _settings(monkeypatch)
    assert settings.map_tile_url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert settings.map_tile_attribution == (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    )


def test_other_tiles_carry_their_own_attribution(monkeypatch: pytest.MonkeyPatch) -> None:
    other = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert _settings(monkeypatch, map_tile_url=other).map_tile_attribution == ""
    chosen = _settings(monkeypatch, map_tile_url=other, map_tile_attribution="© Example")
    assert (chosen.map_tile_url, chosen.map_tile_attribution) == (other, "© Example")


@pytest.mark.parametrize("off", ["none", "NONE", " none ", ""])
def test_none_turns_tiles_off(monkeypatch: pytest.MonkeyPatch, off: str) -> None:
    settings = _settings(monkeypatch, map_tile_url=off)
    assert (settings.map_tile_url, settings.map_tile_attribution) == (None, "")


@pytest.mark.parametrize(
    "bad",
    ["tile.openstreetmap.org", "https://tiles.example.org/{z}/{x}.png", "ftp://t/{z}/{x}/{y}"],
)
def test_a_tile_url_that_is_not_a_template_is_refused(
    monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    with pytest.raises(ValidationError, match="tile URL template"):
        _settings(monkeypatch, map_tile_url=bad)


async def test_search_page_map_gets_the_tiles_and_attribution(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await browser_as(client, db, Plan.FULL)
    page = (await client.get("/search")).text
    assert f'data-tile-url="{OSM_TILE_URL}"' in page
    assert f'data-attribution="{escape(OSM_ATTRIBUTION)}"' in page
