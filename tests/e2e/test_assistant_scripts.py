"""Scripts in a real browser: copy a trade's starter scripts and call templates with one button,
edit the SMS script, and find it offered (with its new text) in the template list of a lead's SMS
form. The scripts and call-template pages pass axe-core's WCAG 2.1 A/AA checks, on a desktop and
on a 390 px phone (no sideways scroll)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import log_in, violations
from tests.e2e.outreach_setup import PASSWORD, funded_subscriber, saved_lead, unlocked_contact
from tests.e2e.test_mobile import PHONE, problems_of

pytestmark = pytest.mark.e2e
OWNER_PHONE = "+13055550177"


@pytest.fixture(scope="module")
def texting(live_database: str) -> dict[str, str]:
    """A subscriber with a saved lead whose owner's mobile is unlocked."""
    subscriber = funded_subscriber(live_database, "scripts", 0, business_name="Blue Pools")
    property_id, lead_id = saved_lead(
        live_database, subscriber.user_id, "77 NW 95 ST", owner_name="PEREZ ANA"
    )
    unlocked_contact(live_database, subscriber.user_id, property_id, phones=[OWNER_PHONE])
    return {"email": subscriber.email, "lead_id": str(lead_id)}


def test_copy_starters_edit_the_sms_script_and_text_with_it(
    page: Page, texting: dict[str, str]
) -> None:
    log_in(page, texting["email"], PASSWORD)
    page.goto("/assistant/scripts")
    expect(page.get_by_test_id("scripts-empty")).to_be_visible()
    assert violations(page) == []

    page.get_by_role(
        "button", name="Add the starter scripts and call templates for Pool service (English)"
    ).click()
    expect(page.locator(".flash-success")).to_contain_text(
        "4 starter scripts and 2 call templates added"
    )
    expect(page.get_by_test_id("scripts").locator("li.card")).to_have_count(4)
    assert violations(page) == []

    page.get_by_role("link", name="Edit Pool: first text").click()
    expect(page).to_have_url(re.compile(r"/assistant/scripts/[0-9a-f-]{36}/edit$"))
    assert violations(page) == []
    page.get_by_label("Text", exact=True).fill("Hi {owner_first_name}, {wrong} here.")
    page.get_by_role("button", name="Save script").click()
    expect(page.locator("#script-content-error")).to_contain_text("{wrong}")
    assert violations(page) == []
    page.get_by_label("Text", exact=True).fill(
        "Hi {owner_first_name}, Blue Pools can clean the pool at {address} this week."
    )
    page.get_by_role("button", name="Save script").click()
    expect(page.locator(".flash-success")).to_contain_text("Script saved.")

    page.goto(f"/leads/{texting['lead_id']}/outreach")
    section = page.get_by_test_id("sms-section")
    section.get_by_label("Template").select_option(label="Pool: first text")
    expect(section.get_by_label("Text", exact=True)).to_have_value(
        "Hi Ana, Blue Pools can clean the pool at 77 NW 95 ST this week."
    )

    page.goto("/assistant/templates")
    expect(page.get_by_test_id("call-templates").locator("li.card")).to_have_count(2)
    assert violations(page) == []


def test_the_script_pages_fit_a_phone(
    browser: Browser, live_server: str, texting: dict[str, str]
) -> None:
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, texting["email"], PASSWORD)
        page.goto("/assistant/scripts")
        page.get_by_test_id("script-starters").locator("button").first.click()  # adds none twice
        link = page.get_by_test_id("scripts").locator("a[href$='/edit']").first
        edit = link.get_attribute("href")
        page.goto("/assistant/templates")
        template_link = page.get_by_test_id("call-templates").locator("a[href$='/edit']").first
        template_edit = template_link.get_attribute("href")
        assert edit is not None and template_edit is not None
        paths = [
            "/assistant/scripts",
            "/assistant/scripts?type=sms&active=yes",
            "/assistant/scripts/new",
            edit,
            edit.removesuffix("/edit") + "/delete",
            "/assistant/templates",
            "/assistant/templates/new",
            template_edit,
            template_edit.removesuffix("/edit") + "/delete",
        ]
        assert problems_of(page, paths) == {}
    finally:
        context.close()
