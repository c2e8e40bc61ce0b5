"""Map tiles in a real browser, never from the internet: the live server's tile URL is a local port
nobody listens on (conftest), so maps run as they do offline unless a test answers the tiles."""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import ACCOUNT_PASSWORD, log_in

pytestmark = pytest.mark.e2e
SEARCH = "/search?intent=distressed&zip=33147"  # the accounts fixture's property
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def test_offline_the_map_says_so_and_markers_drawing_and_search_this_area_work(
    page: Page, accounts: dict[str, str]
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, accounts["subscriber"], ACCOUNT_PASSWORD)
    page.goto(SEARCH)
    notice = page.get_by_test_id("map-tiles-unavailable")
    expect(notice).to_have_text(
        "The background map could not load. Markers, drawing and “Search this area” still work."
    )
    expect(notice).to_have_count(1)  # said once, however many tiles fail
    expect(page.locator("#map.no-tiles")).to_be_attached()
    expect(page.locator(".score-marker")).to_have_count(1)

    page.get_by_role("button", name="Search this area").click()
    expect(page).to_have_url(re.compile(r"polygon="))
    expect(page.get_by_test_id("result")).to_have_count(1)

    page.goto(SEARCH)
    page.locator(".leaflet-draw-draw-rectangle").click()
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 80, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 40, box["y"] + box["height"] - 40, steps=5)
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"polygon="))
    expect(page.get_by_test_id("polygon-set")).to_be_visible()
    expect(page.get_by_test_id("result")).to_have_count(1)
    assert errors == []


def test_offline_the_property_map_says_so_and_shows_its_marker(
    page: Page, accounts: dict[str, str]
) -> None:
    log_in(page, accounts["subscriber"], ACCOUNT_PASSWORD)
    page.goto(f"/properties/{accounts['property_id']}")
    expect(page.get_by_test_id("map-tiles-unavailable")).to_contain_text(
        "The marker still shows where the property is."
    )
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)


def test_tiles_that_load_draw_the_background_without_a_notice(
    page: Page, accounts: dict[str, str], map_tile_url: str
) -> None:
    served: list[str] = []

    def serve_tile(route: Route) -> None:
        served.append(route.request.url)
        route.fulfill(body=PNG, content_type="image/png")

    page.route(map_tile_url.split("{z}")[0] + "**", serve_tile)
    log_in(page, accounts["subscriber"], ACCOUNT_PASSWORD)
    page.goto(SEARCH)
    expect(page.locator(".score-marker")).to_have_count(1)
    expect(page.locator("img.leaflet-tile-loaded").first).to_be_attached()
    page.wait_for_load_state("networkidle")
    assert served and all(re.search(r"/tiles/\d+/\d+/\d+\.png$", url) for url in served)
    tile = page.locator("img.leaflet-tile").first
    expect(tile).to_have_attribute("referrerpolicy", "strict-origin-when-cross-origin")
    expect(page.get_by_test_id("map-tiles-unavailable")).to_have_count(0)
    expect(page.locator("#map.no-tiles")).to_have_count(0)
