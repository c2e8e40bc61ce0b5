"""The calendar page in a real browser: a subscriber turns on the PropIntel calendar, sees its
feed URL, asks to disconnect and confirms; each page passes axe-core and fits a 390 px phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import log_in, violations
from tests.e2e.outreach_setup import PASSWORD, funded_subscriber
from tests.e2e.test_mobile import PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def subscriber_email(live_database: str) -> str:
    return funded_subscriber(live_database, "calendar", 0).email


def test_turn_on_the_local_calendar_then_disconnect(
    page: Page,
    subscriber_email: str,
) -> None:
    log_in(page, subscriber_email, PASSWORD)
    page.goto("/voice/calendar")
    expect(page.get_by_role("heading", name="Calendar for appointments")).to_be_visible()
    expect(page.get_by_test_id("calendar-none")).to_be_visible()
    expect(page.get_by_test_id("calendar-no-appointments")).to_be_visible()
    assert violations(page) == []

    page.get_by_test_id("calendar-connect-local").click()
    expect(page.get_by_test_id("calendar-provider")).to_contain_text("PropIntel calendar")
    feed = page.get_by_label(
        "Feed URL (subscribe to it in Google Calendar, Outlook or Apple Calendar)"
    )
    expect(feed).to_have_value(re.compile(r"/calendar/feeds/.+\.ics$"))
    assert violations(page) == []

    page.get_by_test_id("calendar-disconnect-link").click()
    expect(
        page.get_by_role("heading", name="Disconnect PropIntel calendar (ICS feed)?")
    ).to_be_visible()
    assert violations(page) == []
    page.get_by_test_id("calendar-disconnect").click()
    expect(page.get_by_test_id("calendar-none")).to_be_visible()


def test_the_calendar_page_fits_a_phone(
    browser: Browser,
    live_server: str,
    subscriber_email: str,
) -> None:
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    phone = context.new_page()
    try:
        log_in(phone, subscriber_email, PASSWORD)
        response = phone.goto("/voice/calendar")
        assert response is not None and response.status == 200
        scroll, inner = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"the calendar page scrolls sideways: {scroll} > {inner}"
    finally:
        context.close()
