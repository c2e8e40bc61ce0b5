"""A subscriber searches with filters, sees the results on the map, narrows to the map's area and
opens a property, in a real browser."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, log_in

pytestmark = pytest.mark.e2e
PASSWORD = "search-e2e-password"
INSERT = """INSERT INTO properties (folio_number, full_address, street_address, city, zip_code,
  location, property_type, bedrooms, bathrooms, square_feet, year_built, pool, owner_name,
  owner_type, market_value, distressed_score, intent_breakdown, is_new_homeowner,
  new_homeowner_score, sale_date, last_sale_date)
VALUES (%(folio)s, %(address)s, %(street)s, 'MIAMI BEACH', %(zip)s,
  ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography, 'single_family', 3, 2, 1800, 1995,
  %(pool)s, %(owner)s, 'person', 650000, %(distressed)s, %(breakdown)s, %(new)s, %(new_score)s,
  %(sold)s, %(sold)s)"""


@pytest.fixture(scope="module")
def subscriber(live_database: str) -> Iterator[str]:
    """A full-plan subscriber and twelve scored properties around Miami Beach; yields the email."""
    email = f"search-{uuid.uuid4().hex[:8]}@example.com"
    env = {**os.environ, "PROPINTEL_DATABASE_URL": live_database}
    command = [sys.executable, "-m", "propintel", "users", "create", "--email", email,
               "--password", PASSWORD, "--type", "subscriber", "--plan", "full"]  # fmt: skip
    subprocess.run(command, env=env, check=True, capture_output=True)
    with psycopg.connect(live_database) as conn:
        for n in range(12):
            distressed = 0 if n % 3 == 0 else 10 * n
            conn.execute(INSERT, {
                "folio": f"30{uuid.uuid4().int % 10**11:011d}",
                "address": f"{100 + n} OCEAN DR, MIAMI BEACH, FL 33139",
                "street": f"{100 + n} OCEAN DR", "zip": "33139" if n < 10 else "33140",
                "lat": 25.77 + 0.004 * n, "lon": -80.13 - 0.002 * (n % 4),
                "pool": n % 2 == 0, "owner": f"OWNER {n}",
                "distressed": distressed,
                "breakdown": json.dumps(_breakdown(distressed)),
                "new": n % 3 == 0, "new_score": 100 if n % 3 == 0 else None,
                "sold": "2026-10-01" if n % 3 == 0 else None,
            })  # fmt: skip
    yield email


def _breakdown(distressed: int) -> dict[str, int]:
    if distressed > 30:
        return {"tax_lien": 30, "vacant": distressed - 30}
    return {"code_violation": distressed} if distressed else {}


def test_search_with_filters_shows_markers_and_opens_a_property(
    page: Page, subscriber: str
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, subscriber, PASSWORD)
    page.get_by_role("link", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="Lead search")).to_be_visible()

    page.get_by_label("Leads", exact=True).select_option("distressed")
    page.get_by_label("ZIP codes").fill("33139")
    page.get_by_label("Minimum lead score (0–100)").fill("20")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page).to_have_url("/search?intent=distressed&zip=33139&min_score=20&sort=score")
    results = page.get_by_test_id("result")
    expect(results).to_have_count(5)  # n = 2, 4, 5, 7, 8 (n = 1 scores 10; 3, 6, 9 score 0)
    expect(results.first).to_contain_text("108 OCEAN DR")  # the best score first
    expect(page.get_by_test_id("result-count")).to_contain_text("5 properties match")  # fetched
    expect(page.locator("#map[data-ready='5']")).to_be_attached()
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

    page.get_by_role("button", name="Search this area").click()
    expect(page).to_have_url(re.compile(r"polygon="))
    expect(page.get_by_test_id("polygon-set")).to_be_visible()
    expect(results).to_have_count(5)
    page.go_back()
    expect(page).to_have_url("/search?intent=distressed&zip=33139&min_score=20&sort=score")

    results.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="108 OCEAN DR, MIAMI BEACH, FL 33139")).to_be_visible()
    expect(page.get_by_test_id("score-panel")).to_be_visible()
    expect(page.get_by_test_id("save-lead")).to_be_visible()
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "property.png"), full_page=True)
    assert errors == []
