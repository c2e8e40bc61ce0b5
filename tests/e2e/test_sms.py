"""Texting an owner in a real browser: on a lead whose owner's numbers are unlocked (and who
consented), a template fills the text with its live segment and token count, the text is sent
through the offline phone simulator, the simulated phone shows it delivered, and the owner's reply
appears in the lead's conversation. The pages pass axe-core's WCAG 2.1 A/AA checks, on a desktop
and on a 390 px phone (where they must not scroll sideways).

The server runs at noon New York time today (libfaketime), inside the guard's texting hours."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ARTIFACTS, log_in, violations
from tests.e2e.outreach_setup import (
    PASSWORD,
    desktop_page,
    funded_subscriber,
    reload_until,
    saved_lead,
    serving_at,
    today_at,
    unlocked_contact,
)
from tests.e2e.test_mobile import PHONE, problems_of

pytestmark = pytest.mark.e2e
OWNER_PHONE = "+13055550142"


@pytest.fixture(scope="module")
def noon_server(live_database: str, map_tile_url: str) -> Iterator[str]:
    """The app and its worker at today's noon in New York (the clock then runs on)."""
    with serving_at(live_database, map_tile_url, 12) as url:
        yield url


@pytest.fixture(scope="module")
def texting(live_database: str) -> dict[str, str]:
    """A funded full-plan subscriber with a saved lead whose owner's mobile is unlocked and has a
    written consent to texts."""
    subscriber = funded_subscriber(live_database, "sms", 100, business_name="Sunrise Homes")
    property_id, lead_id = saved_lead(
        live_database, subscriber.user_id, "415 NW 90 ST", owner_name="GARCIA MARIA L"
    )
    unlocked_contact(live_database, subscriber.user_id, property_id, phones=[OWNER_PHONE])
    with psycopg.connect(live_database) as conn:
        conn.execute(
            "INSERT INTO outreach_consents (user_id, contact, channel, source, evidence, "
            "consented_at) VALUES (%s, %s, 'sms', 'written', 'Signed form, office file', %s)",
            (subscriber.user_id, OWNER_PHONE, today_at(8).replace(tzinfo=None)),
        )
    return {"email": subscriber.email, "lead_id": str(lead_id)}


@pytest.fixture
def noon_page(browser: Browser, noon_server: str) -> Iterator[Page]:
    with desktop_page(browser, noon_server) as page:
        yield page


def test_text_the_owner_and_see_the_reply(noon_page: Page, texting: dict[str, str]) -> None:
    page = noon_page
    log_in(page, texting["email"], PASSWORD)
    page.goto(f"/leads/{texting['lead_id']}/outreach")
    section = page.get_by_test_id("sms-section")
    expect(section.get_by_test_id("sms-simulator-label")).to_contain_text(
        "Offline phone simulator: nothing is sent."
    )
    section.get_by_label("Template").select_option(label="Introduction (English)")
    expect(section.get_by_label("Text", exact=True)).to_have_value(
        "Hi Maria, this is Sunrise Homes. I'm reaching out about your property at 415 NW 90 ST. "
        "Would you consider an offer? Reply STOP to opt out."
    )
    expect(section.locator("[data-sms-count]")).to_contain_text("1 segment: 10 tokens")
    assert violations(page) == []
    section.get_by_role("button", name="Send text").click()
    expect(page.locator(".flash-success")).to_contain_text("Text sent to (305) 555-0142")
    expect(page.get_by_test_id("sms-thread")).to_contain_text("Hi Maria, this is Sunrise Homes.")

    page.get_by_role("link", name="Open the simulated phone").first.click()
    expect(page.get_by_test_id("sms-phone-texts")).to_contain_text("Hi Maria")
    reload_until(page, "sms-phone-texts", "delivered")
    assert violations(page) == []
    page.get_by_label("Reply as the owner").fill("Yes, call me after 5")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".flash-success")).to_contain_text("Reply sent from the simulated phone")

    page.goto(f"/leads/{texting['lead_id']}/outreach")
    reload_until(page, "sms-thread", "Yes, call me after 5")
    page.screenshot(path=str(ARTIFACTS / "sms-conversation.png"), full_page=True)


def test_the_sms_pages_fit_a_phone(
    browser: Browser, noon_server: str, texting: dict[str, str]
) -> None:
    context = browser.new_context(base_url=noon_server, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, texting["email"], PASSWORD)
        paths = [
            f"/leads/{texting['lead_id']}/outreach",
            f"/simulator/phone?number=%2B{OWNER_PHONE[1:]}",
            "/simulator/phone",
        ]
        assert problems_of(page, paths) == {}
    finally:
        context.close()
