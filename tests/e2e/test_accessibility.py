"""Every main page, as each kind of user sees it, checked with axe-core (from the npm registry,
installed by `make vendor`) against WCAG 2.1 A and AA in a real browser: no violations at all."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in, run_cli

pytestmark = pytest.mark.e2e
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "a-long-enough-password"

PUBLIC_PAGES = ["/login", "/signup", "/no-such-page"]
SUBSCRIBER_PAGES = [
    "/dashboard",
    "/search",
    "/properties/{property_id}",
    "/leads",
    "/leads/table",
    "/leads/{lead_id}",
    "/saved-searches",
    "/saved-searches/new",
    "/tokens",
    "/billing",
    "/billing/credits",
    "/outbox",
]
ADMIN_PAGES = [
    "/dashboard",
    "/admin/users",
    "/admin/users/{subscriber_id}",
    "/admin/audit",
    "/admin/plans",
    "/admin/bundles",
    "/admin/pricing",
    "/admin/economics",
    "/admin/imports",
    "/admin/indicators",
    "/admin/maintenance",
    "/admin/maintenance/database",
]


@pytest.fixture(scope="module")
def accounts(live_database: str) -> Iterator[dict[str, str]]:
    """A full-plan subscriber with one saved lead on a distressed property, an admin and a
    homeowner. The property's ZIP (33147) is one no other browser test searches: they share the
    live database."""
    suffix = uuid.uuid4().hex[:8]
    made = {
        "subscriber": f"a11y-sub-{suffix}@example.com",
        "admin": f"a11y-adm-{suffix}@example.com",
        "homeowner": f"a11y-home-{suffix}@example.com",
    }
    run_cli(live_database, "users", "create", "--email", made["subscriber"],
            "--password", PASSWORD, "--type", "subscriber", "--plan", "full")  # fmt: skip
    run_cli(live_database, "users", "create", "--email", made["admin"],
            "--password", PASSWORD, "--type", "admin")  # fmt: skip
    run_cli(live_database, "users", "create", "--email", made["homeowner"],
            "--password", PASSWORD, "--type", "homeowner")  # fmt: skip
    with psycopg.connect(live_database) as connection:
        row = connection.execute(
            "INSERT INTO properties (full_address, street_address, city, zip_code, folio_number, "
            "property_type, bedrooms, bathrooms, owner_name, market_value, distressed_score, "
            "intent_breakdown, has_tax_lien, location) VALUES ('77 NW 80 ST, MIAMI, FL 33147', "
            "'77 NW 80 ST', 'MIAMI', '33147', %s, 'single_family', 3, 2, 'DOE JANE', 300000, 40, "
            """'{"tax_lien": 40}', true, ST_GeogFromText('POINT(-80.2 25.85)')) """
            "RETURNING property_id",
            (f"31{uuid.uuid4().int % 10**11:011d}",),
        ).fetchone()
        assert row is not None
        made["property_id"] = str(row[0])
        lead = connection.execute(
            "INSERT INTO saved_leads (user_id, property_id, lead_source, lead_score, notes) "
            "SELECT user_id, %s, 'distressed', 40, 'Called, no answer' FROM users "
            "WHERE email = %s RETURNING lead_id, user_id",
            (made["property_id"], made["subscriber"]),
        ).fetchone()
        assert lead is not None
        made["lead_id"], made["subscriber_id"] = str(lead[0]), str(lead[1])
    yield made


def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations of the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))",
        WCAG_TAGS,
    )
    return found


def _check(page: Page, path: str) -> None:
    response = page.goto(path)
    expected = 404 if path == "/no-such-page" else 200
    assert response is not None and response.status == expected, path
    page.wait_for_load_state("networkidle")
    assert violations(page) == [], path


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_wcag_violations(page: Page, path: str) -> None:
    _check(page, path)


@pytest.mark.parametrize("path", SUBSCRIBER_PAGES)
def test_subscriber_pages_have_no_wcag_violations(
    page: Page, accounts: dict[str, str], path: str
) -> None:
    log_in(page, accounts["subscriber"], PASSWORD)
    _check(page, path.format(**accounts))


def test_search_results_and_their_map_have_no_wcag_violations(
    page: Page, accounts: dict[str, str]
) -> None:
    log_in(page, accounts["subscriber"], PASSWORD)
    page.goto("/search?intent=distressed&zip=33147")
    expect(page.get_by_test_id("result")).to_have_count(1)
    expect(page.locator(".score-marker")).to_have_count(1)  # the map has drawn its marker
    assert violations(page) == []


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_have_no_wcag_violations(
    page: Page, accounts: dict[str, str], path: str
) -> None:
    log_in(page, accounts["admin"], PASSWORD)
    _check(page, path.format(**accounts))


def test_the_check_catches_a_violation(page: Page) -> None:
    """An image without alternative text is found: the check is able to fail."""
    page.set_content("<html lang='en'><title>t</title><main><img src='x.png'></main></html>")
    assert [v["id"] for v in violations(page)] == ["image-alt"]


def test_homeowner_dashboard_has_no_wcag_violations(page: Page, accounts: dict[str, str]) -> None:
    log_in(page, accounts["homeowner"], PASSWORD)
    _check(page, "/dashboard")
