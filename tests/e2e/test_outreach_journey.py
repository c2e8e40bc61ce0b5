"""Working a lead from start to reply, in a real browser, as a subscriber does it: from the lead's
overview to its Contact & outreach tab, get the owner's contact (skip-trace simulator, charged),
record the owner's consent, text the owner from a template through the phone simulator, reply as
the owner on the simulated phone, and read the reply in the lead's conversation. The server runs
at noon New York time (libfaketime), inside the guard's texting hours; the other outreach browser
tests each cover one area on its own (test_unlock, test_compliance, test_sms, test_email_outreach,
test_crm)."""

from __future__ import annotations

import re
from collections.abc import Iterator

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
    streets_the_simulator_matches,
)

pytestmark = pytest.mark.e2e
ZIP = "33137"


@pytest.fixture(scope="module")
def noon_server(live_database: str, map_tile_url: str) -> Iterator[str]:
    with serving_at(live_database, map_tile_url, 12) as url:
        yield url


@pytest.fixture(scope="module")
def journey(live_database: str) -> dict[str, str]:
    """A subscriber with 200 credits and one saved lead whose owner the simulator finds."""
    subscriber = funded_subscriber(live_database, "journey", 200, business_name="Casa Roofing")
    [street] = streets_the_simulator_matches(1, ZIP)
    _, lead_id = saved_lead(live_database, subscriber.user_id, street, zip_code=ZIP)
    return {"email": subscriber.email, "lead_id": str(lead_id)}


@pytest.fixture
def noon_page(browser: Browser, noon_server: str) -> Iterator[Page]:
    with desktop_page(browser, noon_server) as page:
        yield page


def test_unlock_consent_text_and_read_the_reply(noon_page: Page, journey: dict[str, str]) -> None:
    page = noon_page
    log_in(page, journey["email"], PASSWORD)
    page.goto(f"/leads/{journey['lead_id']}")
    page.get_by_test_id("outreach-tab").click()
    expect(page).to_have_url(f"/leads/{journey['lead_id']}/outreach")

    contact = page.get_by_test_id("contact-section")
    contact.get_by_role("button", name="Get owner contact").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "Owner contact unlocked: 50 credits charged."
    )
    expect(page.get_by_test_id("contact-phones")).to_contain_text("Mobile")

    guard = page.get_by_test_id("guard-section")
    guard.get_by_text("Record the owner's consent").click()
    form = guard.get_by_test_id("guard-consent-form")
    number = form.get_by_label("Owner's number or e-mail address").input_value()
    assert number.startswith("(")  # prefilled with the owner's first usable mobile
    form.get_by_label("Consent to").select_option(label="Texts and calls")
    form.get_by_label("How the owner consented").select_option(label="Written (signed)")
    form.get_by_label("Evidence").fill("Signed roof-inspection request, scanned")
    form.get_by_role("button", name="Record consent").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Consent recorded for {number}.")

    sms = page.get_by_test_id("sms-section")
    sms.get_by_label("Template").select_option(label="Introduction (English)")
    expect(sms.get_by_label("Text", exact=True)).to_have_value(
        re.compile(r"^Hi Jane, this is Casa Roofing\. .* Reply STOP to opt out\.$")
    )
    sms.get_by_role("button", name="Send text").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Text sent to {number}")
    assert violations(page) == []

    page.get_by_role("link", name="Open the simulated phone").first.click()
    reload_until(page, "sms-phone-texts", "delivered")
    page.get_by_label("Reply as the owner").fill("Sí, llámeme mañana")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".flash-success")).to_contain_text("Reply sent from the simulated phone")

    page.goto(f"/leads/{journey['lead_id']}/outreach")
    reload_until(page, "sms-thread", "Sí, llámeme mañana")
    assert violations(page) == []
    page.screenshot(path=str(ARTIFACTS / "outreach.png"), full_page=True)
