"""Every main page, as each kind of user sees it, checked with axe-core (from the npm registry,
installed by `make vendor`) against WCAG 2.1 A and AA in a real browser: no violations at all."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ACCOUNT_PASSWORD, log_in, violations

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = ["/", "/login", "/signup", "/no-such-page"]
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
    "/admin/system",
    "/admin/imports",
    "/admin/indicators",
    "/admin/maintenance",
    "/admin/maintenance/database",
]


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
    log_in(page, accounts["subscriber"], ACCOUNT_PASSWORD)
    _check(page, path.format(**accounts))


def test_search_results_and_their_map_have_no_wcag_violations(
    page: Page, accounts: dict[str, str]
) -> None:
    log_in(page, accounts["subscriber"], ACCOUNT_PASSWORD)
    page.goto("/search?intent=distressed&zip=33147")
    expect(page.get_by_test_id("result")).to_have_count(1)
    expect(page.locator(".score-marker")).to_have_count(1)  # the map has drawn its marker
    assert violations(page) == []


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_have_no_wcag_violations(
    page: Page, accounts: dict[str, str], path: str
) -> None:
    log_in(page, accounts["admin"], ACCOUNT_PASSWORD)
    _check(page, path.format(**accounts))


def test_the_check_catches_a_violation(page: Page) -> None:
    """An image without alternative text is found: the check is able to fail."""
    page.set_content("<html lang='en'><title>t</title><main><img src='x.png'></main></html>")
    assert [v["id"] for v in violations(page)] == ["image-alt"]


def test_homeowner_dashboard_has_no_wcag_violations(page: Page, accounts: dict[str, str]) -> None:
    log_in(page, accounts["homeowner"], ACCOUNT_PASSWORD)
    _check(page, "/dashboard")
