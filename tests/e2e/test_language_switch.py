"""The footer's language switcher in a real browser: without JavaScript on a phone, a visitor
switches to Spanish and back; a logged-in user's choice follows the account to another browser."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ACCOUNT_PASSWORD, log_in, run_cli, violations

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_without_js(browser: Browser, live_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_a_visitor_switches_language_without_javascript(phone_without_js: Page) -> None:
    page = phone_without_js
    page.goto("/signup")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("button", name="Español").click()
    expect(page).to_have_url("/signup")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="Saltar al contenido")).to_be_attached()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("registros públicos de Miami-Dade")
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner
    page.get_by_role("contentinfo").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Miami-Dade public records")


def test_a_users_choice_follows_the_account(
    browser: Browser, page: Page, live_server: str, live_database: str
) -> None:
    email = f"e2e-lang-{uuid.uuid4().hex[:8]}@example.com"
    run_cli(live_database, "users", "create", "--email", email,
            "--password", ACCOUNT_PASSWORD, "--type", "subscriber", "--plan", "full")  # fmt: skip
    log_in(page, email, ACCOUNT_PASSWORD)
    page.get_by_role("contentinfo").get_by_role("button", name="Español").click()
    expect(page).to_have_url("/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Su panel")
    assert violations(page) == []  # the switcher and the Spanish layout, by axe-core

    elsewhere = browser.new_context(base_url=live_server, locale="en-US")
    try:
        other = elsewhere.new_page()
        log_in(other, email, ACCOUNT_PASSWORD)  # the log-in page is English: no cookie yet
        expect(other.locator("html")).to_have_attribute("lang", "es")
        expect(other.get_by_role("heading", level=1)).to_have_text("Su panel")
    finally:
        elsewhere.close()
