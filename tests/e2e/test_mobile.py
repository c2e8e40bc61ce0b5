"""A phone (390 x 844): no page scrolls sideways, the navigation is collapsed behind a Menu button,
search results come before the filters, and every main page passes axe-core (WCAG 2.1 A/AA)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ACCOUNT_PASSWORD, log_in, violations

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
SEARCH_WITH_RESULTS = "/search?intent=distressed&zip=33147"  # the accounts fixture's property

PUBLIC_PAGES = ["/", "/login", "/signup"]
SUBSCRIBER_PAGES = [
    "/dashboard",
    SEARCH_WITH_RESULTS,
    "/properties/{property_id}",
    "/leads",
    "/leads/table",
    "/saved-searches",
    "/tokens",
    "/billing",
]
ADMIN_PAGES = [
    "/dashboard",
    "/admin/users",
    "/admin/audit",
    "/admin/plans",
    "/admin/imports",
    "/admin/economics",
    "/admin/system",
    "/admin/maintenance",
]
HOMEOWNER_PAGES = ["/dashboard"]


def _phone(browser: Browser, live_server: str, *, javascript: bool) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, java_script_enabled=javascript
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser: Browser, live_server: str) -> Iterator[Page]:
    yield from _phone(browser, live_server, javascript=True)


@pytest.fixture
def phone_without_js(browser: Browser, live_server: str) -> Iterator[Page]:
    yield from _phone(browser, live_server, javascript=False)


def problems_of(page: Page, paths: list[str]) -> dict[str, list[object]]:
    """For each page that has any: a wrong status, a sideways scroll, axe-core violations."""
    found: dict[str, list[object]] = {}
    for path in paths:
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        problems: list[object] = []
        landed = urlsplit(page.url)
        if response is None or response.status != 200 or landed.path != urlsplit(path).path:
            problems.append(f"answered {response and response.status} at {page.url}")
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            problems.append(f"scrolls sideways: {scroll} px of content in {inner} px")
        problems.extend(violations(page))
        if problems:
            found[path] = problems
    return found


def test_public_pages_fit_a_phone(phone: Page) -> None:
    assert problems_of(phone, PUBLIC_PAGES) == {}


@pytest.mark.parametrize(
    ("role", "paths"),
    [("subscriber", SUBSCRIBER_PAGES), ("admin", ADMIN_PAGES), ("homeowner", HOMEOWNER_PAGES)],
)
def test_each_roles_pages_fit_a_phone(
    phone: Page, accounts: dict[str, str], role: str, paths: list[str]
) -> None:
    log_in(phone, accounts[role], ACCOUNT_PASSWORD)
    assert problems_of(phone, [path.format(**accounts) for path in paths]) == {}


def test_the_overflow_check_catches_a_wide_page(phone: Page) -> None:
    """A page wider than the phone is reported: the check is able to fail."""
    phone.route("**/wide", lambda route: route.fulfill(
        content_type="text/html",
        body="<html lang='en'><title>wide</title><main><div style='width:900px'>x</div></main>",
    ))  # fmt: skip
    assert list(problems_of(phone, ["/wide"])) == ["/wide"]


def test_navigation_is_collapsed_behind_a_menu_button(
    phone: Page, accounts: dict[str, str]
) -> None:
    log_in(phone, accounts["admin"], ACCOUNT_PASSWORD)
    menu = phone.get_by_role("button", name="Menu")
    users = phone.get_by_role("navigation", name="Main").get_by_role("link", name="Users")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(users).to_be_hidden()
    header = phone.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] < 80, header

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(users).to_be_visible()
    assert phone.locator(f"#{menu.get_attribute('aria-controls')}").is_visible()
    phone.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(users).to_be_hidden()
    expect(menu).to_be_focused()

    menu.click()
    users.click()
    expect(phone).to_have_url("/admin/users")
    expect(phone.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")


def test_without_javascript_the_navigation_is_a_visible_list(
    phone_without_js: Page, accounts: dict[str, str]
) -> None:
    log_in(phone_without_js, accounts["subscriber"], ACCOUNT_PASSWORD)
    nav = phone_without_js.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Leads")).to_be_visible()
    expect(phone_without_js.get_by_role("button", name="Menu")).to_be_hidden()


def test_on_a_wide_screen_the_navigation_shows_without_a_menu_button(
    page: Page, accounts: dict[str, str]
) -> None:
    log_in(page, accounts["subscriber"], ACCOUNT_PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Leads")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()


def test_search_results_come_before_the_collapsed_filters(
    phone: Page, accounts: dict[str, str]
) -> None:
    log_in(phone, accounts["subscriber"], ACCOUNT_PASSWORD)
    phone.goto(SEARCH_WITH_RESULTS)
    expect(phone.get_by_test_id("result")).to_have_count(1)
    results = phone.get_by_test_id("results").bounding_box()
    filters = phone.locator("#search-form").bounding_box()
    assert results is not None and filters is not None
    assert results["y"] < filters["y"], (results, filters)
    assert results["y"] < PHONE["height"], results  # on the first screen

    zip_field = phone.get_by_label("ZIP codes")
    expect(zip_field).to_be_hidden()  # the filters are collapsed
    phone.locator(".filters-panel > summary").click()
    expect(zip_field).to_be_visible()
    expect(zip_field).to_have_value("33147")
    zip_field.fill("33999")
    phone.get_by_role("button", name="Search", exact=True).click()
    expect(phone).to_have_url("/search?intent=distressed&zip=33999&sort=score")
    expect(phone.get_by_test_id("no-results")).to_be_visible()


def test_on_a_wide_screen_the_filters_are_open_beside_the_results(
    page: Page, accounts: dict[str, str]
) -> None:
    log_in(page, accounts["subscriber"], ACCOUNT_PASSWORD)
    page.goto(SEARCH_WITH_RESULTS)
    expect(page.get_by_label("ZIP codes")).to_be_visible()
    results = page.get_by_test_id("results").bounding_box()
    filters = page.locator("#search-form").bounding_box()
    assert results is not None and filters is not None
    assert filters["x"] + filters["width"] <= results["x"], (filters, results)
