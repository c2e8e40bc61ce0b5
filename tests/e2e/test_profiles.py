"""Profile pages in a real browser: a subscriber edits the business profile with a service area
(checked by the server, shown again on error), a homeowner's page, axe-core clean (WCAG 2.1 A/AA)
on a desktop and on a 390 px phone that never scrolls sideways."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ACCOUNT_PASSWORD, log_in, run_cli, violations

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def profile_accounts(live_database: str) -> dict[str, str]:
    """A subscriber and a homeowner of this module's own (their profiles are edited here)."""
    suffix = uuid.uuid4().hex[:8]
    made = {
        "subscriber": f"profile-sub-{suffix}@example.com",
        "homeowner": f"profile-home-{suffix}@example.com",
    }
    run_cli(live_database, "users", "create", "--email", made["subscriber"], "--password",
            ACCOUNT_PASSWORD, "--type", "subscriber", "--plan", "contractor")  # fmt: skip
    run_cli(live_database, "users", "create", "--email", made["homeowner"],
            "--password", ACCOUNT_PASSWORD, "--type", "homeowner")  # fmt: skip
    return made


@pytest.fixture
def phone(browser: Browser, live_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    yield context.new_page()
    context.close()


def _fits(page: Page) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"scrolls sideways: {scroll} px in {inner} px"


def test_a_subscriber_edits_the_profile_with_a_service_area(
    page: Page, profile_accounts: dict[str, str]
) -> None:
    log_in(page, profile_accounts["subscriber"], ACCOUNT_PASSWORD)
    page.get_by_role("link", name="Profile").click()
    expect(page).to_have_url("/profile")
    expect(page.get_by_role("heading", name="Business profile", level=1)).to_be_visible()
    assert violations(page) == []

    page.get_by_label("Business name").fill("Coral Roofing")
    page.get_by_label("Business phone").fill("(305) 555-0101")
    page.get_by_label("Roofing").check()
    page.get_by_label("Solar").check()
    page.get_by_label("ZIP codes", exact=True).fill("33139 33140")
    page.get_by_label("Centre latitude").fill("25.77")
    page.get_by_label("Centre longitude").fill("-80.19")
    page.get_by_label("Radius in miles").fill("250")  # beyond the limit: refused by the server
    page.get_by_role("button", name="Save the profile").click()

    radius = page.get_by_label("Radius in miles")
    expect(radius).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#radius_miles-error")).to_contain_text("between 0.5 and 100 miles")
    expect(page.get_by_label("Business name")).to_have_value("Coral Roofing")  # kept
    assert violations(page) == []  # the page with its errors is accessible too

    radius.fill("12")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_role("status").filter(has_text="Your profile is saved.")).to_be_visible()
    expect(page.get_by_label("Radius in miles")).to_have_value("12")
    expect(page.get_by_label("Business phone")).to_have_value("+13055550101")
    expect(page.get_by_label("Roofing")).to_be_checked()
    expect(page.get_by_label("ZIP codes", exact=True)).to_have_value("33139, 33140")


def test_the_homeowner_page_is_accessible(page: Page, profile_accounts: dict[str, str]) -> None:
    log_in(page, profile_accounts["homeowner"], ACCOUNT_PASSWORD)
    page.goto("/profile")
    expect(page.get_by_role("heading", name="Your profile", level=1)).to_be_visible()
    page.get_by_label("Street address").fill("1 Nowhere Street")
    page.get_by_label("ZIP code").fill("33139")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_test_id("unmatched-property")).to_be_visible()
    assert violations(page) == []


@pytest.mark.parametrize("role", ["subscriber", "homeowner"])
def test_profile_pages_fit_a_phone(
    phone: Page, profile_accounts: dict[str, str], role: str
) -> None:
    log_in(phone, profile_accounts[role], ACCOUNT_PASSWORD)
    phone.goto("/profile")
    phone.wait_for_load_state("networkidle")
    _fits(phone)
    assert violations(phone) == []


def test_a_click_on_the_map_places_the_centre(page: Page, profile_accounts: dict[str, str]) -> None:
    log_in(page, profile_accounts["subscriber"], ACCOUNT_PASSWORD)
    page.goto("/profile")
    area_map = page.get_by_role("region", name="Map of the service area: click to place the centre")
    expect(area_map).to_be_visible()
    page.get_by_label("Radius in miles").fill("3")
    area_map.click(position={"x": 40, "y": 40})
    latitude = page.get_by_label("Centre latitude")
    expect(latitude).not_to_have_value("")
    assert 24.3 < float(latitude.input_value()) < 26.6
    assert -81.9 < float(page.get_by_label("Centre longitude").input_value()) < -79.8
    expect(page.locator("#area-map path.leaflet-interactive")).to_have_count(2)  # centre, circle
    assert violations(page) == []


def test_without_javascript_the_map_stays_hidden(
    browser: Browser, live_server: str, profile_accounts: dict[str, str]
) -> None:
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, profile_accounts["subscriber"], ACCOUNT_PASSWORD)
        page.goto("/profile")
        expect(page.locator("#area-map")).to_be_hidden()
        expect(page.get_by_label("Centre latitude")).to_be_visible()
    finally:
        context.close()
