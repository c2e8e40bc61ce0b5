"""A subscriber saves a lead from a property page, moves it on the board (drag and buttons) and
saves a search, in a real browser; the board's screenshot is docs/screenshots/leads-board.png."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, log_in, run_cli

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-enough-password"
STREETS = [("1250 NW 79 ST", 72), ("8420 NE 2 AVE", 55), ("310 NW 82 TER", 41)]


@pytest.fixture(scope="module")
def investor(live_database: str) -> Iterator[tuple[str, list[str]]]:
    """A full-plan subscriber (through the CLI) and three distressed properties (SQL)."""
    email = f"leads-{uuid.uuid4().hex[:8]}@example.com"
    run_cli(live_database, "users", "create", "--email", email, "--password", PASSWORD,
            "--type", "subscriber", "--plan", "full")  # fmt: skip
    ids = []
    with psycopg.connect(live_database) as connection:
        for street, score in STREETS:
            folio = f"30{uuid.uuid4().int % 10**11:011d}"
            row = connection.execute(
                "INSERT INTO properties (full_address, street_address, city, zip_code, "
                "folio_number, property_type, bedrooms, bathrooms, square_feet, year_built, "
                "owner_name, market_value, distressed_score, intent_breakdown, has_tax_lien, "
                "location) VALUES (%s, %s, 'MIAMI', '33150', %s, 'single_family', 3, 2, 1450, "
                "1958, 'ESTATE OF J DOE', 385000, %s, %s, true, "
                "ST_GeogFromText('POINT(-80.19 25.85)')) RETURNING property_id",
                (f"{street}, MIAMI, FL 33150", street, folio, score,
                 '{"tax_lien": 30, "probate": 25}'),
            ).fetchone()  # fmt: skip
            assert row is not None
            ids.append(str(row[0]))
    yield email, ids


def _save_lead(page: Page, property_id: str) -> None:
    page.goto(f"/properties/{property_id}")
    page.get_by_label("Save as").select_option("distressed")
    page.get_by_test_id("save-lead").click()
    expect(page.get_by_role("status")).to_contain_text("Lead saved")


def test_save_a_lead_and_move_it_on_the_board(page: Page, investor: tuple[str, list[str]]) -> None:
    email, ids = investor
    log_in(page, email, PASSWORD)
    for property_id in ids:
        _save_lead(page, property_id)
    expect(page.get_by_test_id("lead-status")).to_have_text("new")

    page.get_by_role("link", name="Leads", exact=True).click()
    expect(page).to_have_url("/leads")
    new_column = page.get_by_test_id("column-new")
    contacted = page.get_by_test_id("column-contacted")
    expect(new_column.get_by_test_id("lead-card")).to_have_count(3)

    first_card = new_column.get_by_test_id("lead-card").filter(has_text=STREETS[0][0])
    first_card.drag_to(contacted)
    expect(page.get_by_role("status")).to_contain_text("Lead moved to Contacted")
    moved = contacted.get_by_test_id("lead-card").filter(has_text=STREETS[0][0])
    expect(moved).to_be_visible()

    moved.get_by_role("button", name="Qualified →").click()
    expect(page.get_by_test_id("column-qualified").get_by_test_id("lead-card")).to_have_count(1)
    second = new_column.get_by_test_id("lead-card").filter(has_text=STREETS[1][0])
    second.get_by_role("button", name="Contacted →").click()
    expect(contacted.get_by_test_id("lead-card")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "leads-board.png"), full_page=True)

    page.get_by_role("link", name=STREETS[0][0], exact=False).click()
    expect(page.get_by_test_id("lead-status")).to_have_text("qualified")
    expect(page.get_by_test_id("history")).to_contain_text("Moved from contacted to qualified")


def test_save_a_search(page: Page, investor: tuple[str, list[str]]) -> None:
    email, _ = investor
    log_in(page, email, PASSWORD)
    page.goto("/search?intent=distressed&zip=33150")
    page.get_by_test_id("save-search").click()
    expect(page.get_by_test_id("criteria")).to_have_text("intent: distressed · zip: 33150")
    page.get_by_label("Name").fill("Little River distress")
    page.get_by_label("Email me new matches").select_option("daily")
    page.get_by_role("button", name="Save search").click()

    expect(page).to_have_url("/saved-searches")
    table = page.get_by_test_id("saved-searches")
    expect(table).to_contain_text("Little River distress")
    expect(table.get_by_label("Alerts for Little River distress")).to_have_value("daily")
    table.get_by_role("link", name="Re-run").click()
    expect(page.get_by_test_id("result")).to_have_count(3)
