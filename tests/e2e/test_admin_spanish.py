"""The admin pages in Spanish on a phone (390 x 844): longer Spanish labels still fit without a
sideways scroll, and every page passes axe-core (WCAG 2.1 A/AA) with ``lang="es"``. Screenshots of
three of them go to test-artifacts/ (admin-es-*.png)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from propintel.web.locale import LOCALE_COOKIE
from tests.e2e.conftest import ACCOUNT_PASSWORD, ARTIFACTS, log_in, violations

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
ADMIN_PAGES = [
    "/admin/users",
    "/admin/users/{subscriber_id}",
    "/admin/audit",
    "/admin/plans",
    "/admin/bundles",
    "/admin/pricing",
    "/admin/economics",
    "/admin/system",
    "/admin/imports",
    "/admin/maintenance",
    "/admin/maintenance/database",
]
SCREENSHOTS = {
    "/admin/maintenance": "admin-es-maintenance.png",
    "/admin/plans": "admin-es-plans.png",
    "/admin/users/{subscriber_id}": "admin-es-user.png",
}


@pytest.fixture
def spanish_phone(browser: Browser, live_server: str, accounts: dict[str, str]) -> Iterator[Page]:
    """A phone logged in as the admin (through the English form), then switched to Spanish."""
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    log_in(page, accounts["admin"], ACCOUNT_PASSWORD)
    context.add_cookies([{"name": LOCALE_COOKIE, "value": "es", "url": live_server}])
    yield page
    context.close()


def test_admin_pages_in_spanish_fit_a_phone(spanish_phone: Page, accounts: dict[str, str]) -> None:
    page = spanish_phone
    found: dict[str, list[object]] = {}
    for template in ADMIN_PAGES:
        path = template.format(**accounts)
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        problems: list[object] = []
        if response is None or response.status != 200 or urlsplit(page.url).path != path:
            problems.append(f"answered {response and response.status} at {page.url}")
        if page.locator("html").get_attribute("lang") != "es":
            problems.append("not in Spanish")
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            problems.append(f"scrolls sideways: {scroll} px of content in {inner} px")
        problems.extend(violations(page))
        if problems:
            found[path] = problems
        if template in SCREENSHOTS:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / SCREENSHOTS[template]), full_page=True)
    assert found == {}


def test_maintenance_runs_a_job_from_the_spanish_page(spanish_phone: Page) -> None:
    page = spanish_phone
    page.goto("/admin/maintenance")
    expect(page.get_by_role("heading", name="Mantenimiento", exact=True)).to_be_visible()
    page.get_by_role("button", name="Ejecutar ahora: maintenance.heartbeat").click()
    expect(page.get_by_role("status")).to_contain_text("maintenance.heartbeat está en cola")
