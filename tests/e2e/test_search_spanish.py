"""The search page in Spanish, in a real browser: the texts its scripts write (the fetched count,
the selection count, leaflet-draw's toolbar) come from the page, in Spanish, with Spanish number
formats; nothing of them is left in English."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from playwright.sync_api import Page, expect

from propintel.web.locale import LOCALE_COOKIE
from tests.e2e.conftest import ARTIFACTS, log_in

pytestmark = pytest.mark.e2e
PASSWORD = "spanish-search-e2e-password"
ZIP = "33161"  # a ZIP no other browser test searches (they share the live database)
INSERT = """INSERT INTO properties (folio_number, full_address, street_address, city, zip_code,
  location, property_type, square_feet, owner_name, owner_type, market_value, distressed_score,
  intent_breakdown)
VALUES (%(folio)s, %(address)s, %(street)s, 'NORTH MIAMI', %(zip)s,
  ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography, 'single_family', 2150,
  %(owner)s, 'person', 1250000, 40, %(breakdown)s)"""


@pytest.fixture(scope="module")
def subscriber(live_database: str) -> Iterator[str]:
    """A full-plan subscriber and three distressed properties in ``ZIP``; yields the email."""
    email = f"es-search-{uuid.uuid4().hex[:8]}@example.com"
    env = {**os.environ, "PROPINTEL_DATABASE_URL": live_database}
    command = [sys.executable, "-m", "propintel", "users", "create", "--email", email,
               "--password", PASSWORD, "--type", "subscriber", "--plan", "full"]  # fmt: skip
    subprocess.run(command, env=env, check=True, capture_output=True)
    with psycopg.connect(live_database) as conn:
        for n in range(3):
            conn.execute(INSERT, {
                "folio": f"31{uuid.uuid4().int % 10**11:011d}",
                "address": f"{10 + n} CALLE OCHO, NORTH MIAMI, FL {ZIP}",
                "street": f"{10 + n} CALLE OCHO", "zip": ZIP,
                "lat": 25.89 + 0.003 * n, "lon": -80.18, "owner": f"DUEÑO {n}",
                "breakdown": json.dumps({"tax_lien": 40}),
            })  # fmt: skip
    yield email


def test_search_page_scripts_write_spanish(page: Page, subscriber: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, subscriber, PASSWORD)
    page.context.add_cookies([{"name": LOCALE_COOKIE, "value": "es", "url": page.url}])

    page.goto(f"/search?intent=distressed&zip={ZIP}")

    expect(page.get_by_role("heading", name="Búsqueda de prospectos")).to_be_visible()
    # Fetched by result-count.js after the results: its words come from the page.
    expect(page.get_by_test_id("result-count")).to_contain_text("3 propiedades coinciden")
    expect(page.get_by_test_id("result")).to_have_count(3)
    page.get_by_label("Seleccionar todo en esta página").check()
    expect(page.locator("#selected-count")).to_have_text("3 seleccionados")
    page.get_by_label("Seleccionar 10 CALLE OCHO, NORTH MIAMI, FL 33161").uncheck()
    expect(page.locator("#selected-count")).to_have_text("2 seleccionados")
    expect(page.locator("#map[data-ready='3']")).to_be_attached()
    expect(page.locator("a.leaflet-draw-draw-polygon")).to_have_attribute(
        "title", "Dibujar un polígono"
    )
    expect(page.get_by_test_id("result").first).to_contain_text("1.250.000")  # the value
    page.screenshot(path=str(ARTIFACTS / "search-es.png"), full_page=True)
    assert errors == []
