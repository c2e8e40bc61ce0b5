"""The compliance guard in a real browser: on a lead whose owner's mobile is unlocked, the
subscriber records the owner's consent from the lead page's Compliance section, then tries to
text at 10 PM New York time and sees the quiet-hours block with its reason (and the section lists
it by rule); "Consents & opt-outs" records, revokes and opts out; the admin imports a registry
file on the Do-Not-Call page and sees the bad lines. Every page passes axe-core's WCAG 2.1 A/AA
checks, and fits a 390 px phone without scrolling sideways.

The night server runs at 10 PM New York time today (libfaketime)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ARTIFACTS, log_in, violations
from tests.e2e.outreach_setup import (
    PASSWORD,
    desktop_page,
    funded_subscriber,
    saved_lead,
    serving_at,
    unlocked_contact,
)
from tests.e2e.test_mobile import PHONE, problems_of

pytestmark = pytest.mark.e2e
OWNER_PHONE = "+13055550177"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "dnc_sample.txt"


@pytest.fixture(scope="module")
def night_server(live_database: str, map_tile_url: str) -> Iterator[str]:
    """The app and its worker at 10 PM New York time today (the clock then runs on)."""
    with serving_at(live_database, map_tile_url, 22) as url:
        yield url


@pytest.fixture(scope="module")
def owner_lead(live_database: str) -> dict[str, str]:
    """A funded full-plan subscriber with a saved lead whose owner's mobile is unlocked (no
    consent yet)."""
    subscriber = funded_subscriber(live_database, "guard", 100)
    property_id, lead_id = saved_lead(
        live_database, subscriber.user_id, "920 NW 95 ST", owner_name="PEREZ LUIS"
    )
    unlocked_contact(live_database, subscriber.user_id, property_id, phones=[OWNER_PHONE])
    return {"email": subscriber.email, "lead_id": str(lead_id)}


@pytest.fixture
def night_page(browser: Browser, night_server: str) -> Iterator[Page]:
    with desktop_page(browser, night_server) as page:
        yield page


def test_consent_then_a_quiet_hours_block_shows_its_reason(
    night_page: Page, owner_lead: dict[str, str]
) -> None:
    page = night_page
    log_in(page, owner_lead["email"], PASSWORD)
    page.goto(f"/leads/{owner_lead['lead_id']}/outreach")
    guard = page.get_by_test_id("guard-section")
    expect(guard.get_by_test_id("guard-statuses")).to_contain_text(
        "(305) 555-0177: No consent recorded: record it before texting or calling."
    )
    expect(guard.get_by_test_id("guard-fatigue")).to_contain_text("0 of the 6 allowed")

    guard.get_by_text("Record the owner's consent").click()
    form = guard.get_by_test_id("guard-consent-form")
    expect(form.get_by_label("Owner's number or e-mail address")).to_have_value("(305) 555-0177")
    form.get_by_label("Consent to").select_option(label="Texts and calls")
    form.get_by_label("How the owner consented").select_option(label="Written (signed)")
    form.get_by_label("Evidence").fill("Signed offer-request form, scanned to the deal folder")
    assert violations(page) == []
    form.get_by_role("button", name="Record consent").click()
    expect(page.locator(".flash-success")).to_contain_text("Consent recorded for (305) 555-0177.")
    expect(guard.get_by_test_id("guard-statuses")).to_contain_text(
        "Consent recorded for: text message, phone call."
    )

    sms = page.get_by_test_id("sms-section")
    sms.get_by_label("Text", exact=True).fill("Hello, would you consider an offer?")
    sms.get_by_role("button", name="Send text").click()
    expect(
        page.get_by_text("Quiet hours: texts and calls are allowed only from 8:00 AM to 8:00 PM")
    ).to_be_visible()
    assert violations(page) == []

    page.goto(f"/leads/{owner_lead['lead_id']}/outreach")
    attempts = page.get_by_test_id("guard-attempts")
    expect(attempts).to_contain_text("Blocked")
    expect(attempts).to_contain_text("Quiet hours")
    page.screenshot(path=str(ARTIFACTS / "guard-quiet-hours.png"), full_page=True)


def test_consents_and_opt_outs(page: Page, accounts: dict[str, str]) -> None:
    log_in(page, accounts["subscriber"], PASSWORD)
    page.goto("/outreach/consents")
    expect(page.get_by_role("heading", name="Consents & opt-outs")).to_be_visible()
    form = page.get_by_test_id("consent-form")
    form.get_by_label("Owner's number or e-mail address").fill("305-555-0188")
    form.get_by_label("Consent to").select_option(label="Text message")
    form.get_by_label("How the owner consented").select_option(label="Verbal (recorded call)")
    form.get_by_label("Evidence").fill("Recorded call of this morning, CRM note 88")
    form.get_by_role("button", name="Record consent").click()
    expect(page.locator(".flash-success")).to_contain_text("Consent recorded.")
    consents = page.get_by_test_id("consents")
    expect(consents).to_contain_text("(305) 555-0188")
    expect(consents).to_contain_text("Recorded call of this morning")
    assert violations(page) == []

    consents.get_by_role("button", name="Revoke the consent of (305) 555-0188").first.click()
    expect(page.locator(".flash-success")).to_contain_text("Consent revoked")
    expect(page.get_by_test_id("consents")).to_contain_text("Revoked")

    opt_out = page.get_by_test_id("opt-out-form")
    opt_out.get_by_label("Number or e-mail address").fill("305-555-0189")
    opt_out.get_by_role("button", name="Add opt-out").click()
    expect(page.locator(".flash-success")).to_contain_text("Opt-out recorded")
    expect(page.get_by_test_id("opt-outs")).to_contain_text("(305) 555-0189")
    assert violations(page) == []


def test_admin_imports_a_registry_file(page: Page, accounts: dict[str, str]) -> None:
    log_in(page, accounts["admin"], PASSWORD)
    page.goto("/admin/dnc")
    page.get_by_label("Area-code file from the national registry").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".flash-warning")).to_contain_text("5 bad lines set aside")
    report = page.get_by_test_id("dnc-report")
    expect(report).to_contain_text("Latest import: dnc_sample.txt")
    expect(page.get_by_test_id("dnc-bad-lines")).to_contain_text("0555550107")
    expect(page.get_by_test_id("dnc-counts")).to_contain_text("305")
    assert violations(page) == []


def test_the_guard_pages_fit_a_phone(
    browser: Browser, live_server: str, accounts: dict[str, str]
) -> None:
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, accounts["subscriber"], PASSWORD)
        paths = ["/outreach/consents", f"/leads/{accounts['lead_id']}/outreach"]
        assert problems_of(page, paths) == {}
    finally:
        context.close()
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, accounts["admin"], PASSWORD)
        assert problems_of(page, ["/admin/dnc"]) == {}
    finally:
        context.close()
