"""E-mail to an owner in a real browser through the offline simulator: start a sequence on a lead's
outreach page, its first e-mail is in the outbox (headers shown), the outbox's simulator opens it
and replies, and the worker's handling shows on the lead (opened, replied, the sequence paused).
The owner's unsubscribe page works without an account. The pages pass axe-core's WCAG 2.1 A/AA
checks, on a desktop and on a 390 px phone (no sideways scroll)."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import log_in, violations
from tests.e2e.outreach_setup import PASSWORD, funded_subscriber, saved_lead, unlocked_contact
from tests.e2e.test_mobile import PHONE, problems_of

pytestmark = pytest.mark.e2e
OWNER = "jane.doe@example.com"
ADDRESS = "12 Main St\nMiami, FL 33101"


@pytest.fixture(scope="module")
def emailing(live_database: str) -> dict[str, str]:
    """A full-plan subscriber with 50 credits, a postal address and a saved lead whose owner's
    contact (an e-mail address) it unlocked."""
    subscriber = funded_subscriber(
        live_database, "email", 50, business_name="Sunny Pools", postal_address=ADDRESS
    )
    street = f"{uuid.uuid4().int % 9000 + 100} NW 71 ST"
    property_id, lead_id = saved_lead(live_database, subscriber.user_id, street)
    unlocked_contact(live_database, subscriber.user_id, property_id, emails=[OWNER])
    return {"email": subscriber.email, "lead_id": str(lead_id), "street": street}


def test_a_sequence_step_in_the_outbox_and_the_owner_simulated(
    page: Page, emailing: dict[str, str]
) -> None:
    log_in(page, emailing["email"], PASSWORD)
    lead_page = f"/leads/{emailing['lead_id']}/outreach"
    page.goto(lead_page)
    section = page.get_by_test_id("email-section")
    expect(section.get_by_test_id("email-simulator-label")).to_contain_text(
        "Offline simulator: nothing is sent."
    )
    expect(section.get_by_test_id("email-no-address")).to_have_count(0)
    form = section.get_by_test_id("sequence-form")
    form.get_by_label("Sequence").select_option(
        label="3-step intro (English) (3 steps: days 0, 3, 7)"
    )
    form.get_by_role("button", name="Start the sequence").click()
    expect(page.get_by_role("status").first).to_contain_text(
        'Sequence "3-step intro (English)" started.'
    )
    sequence = section.get_by_test_id("email-sequence")
    expect(sequence.get_by_test_id("sequence-status")).to_have_text("Active")
    expect(section.get_by_test_id("email-log")).to_contain_text(
        f"About your property at {emailing['street']}"
    )
    assert violations(page) == []

    page.goto("/outbox")
    page.get_by_role("link", name=f"About your property at {emailing['street']}").click()
    expect(page.get_by_test_id("headers")).to_contain_text("List-Unsubscribe-Post")
    expect(page.get_by_test_id("text-body")).to_contain_text("12 Main St")
    simulator = page.get_by_test_id("email-simulator")
    expect(simulator).to_contain_text("Offline simulator: nothing is sent.")
    assert violations(page) == []
    simulator.get_by_role("button", name="Simulate open").click()
    expect(page.get_by_role("status").first).to_contain_text("the owner opened the e-mail")
    page.get_by_test_id("email-simulator").get_by_label("The owner's reply").fill(
        "Yes, please call me."
    )
    page.get_by_role("button", name="Simulate reply").click()
    expect(page.get_by_role("status").first).to_contain_text("the owner replied")

    # The worker handles the events: the lead's page shows them (reloaded until it does).
    page.goto(lead_page)
    for _ in range(30):
        if page.get_by_test_id("sequence-reason").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    log = page.get_by_test_id("email-log")
    expect(log).to_contain_text("opened")
    expect(log).to_contain_text("replied")
    expect(page.get_by_test_id("sequence-reason")).to_have_text("Paused: The owner replied.")
    expect(page.get_by_role("button", name="Resume")).to_be_visible()


def test_the_pages_pass_axe_on_a_phone(
    browser: Browser, live_server: str, emailing: dict[str, str]
) -> None:
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, emailing["email"], PASSWORD)
        page.goto(f"/leads/{emailing['lead_id']}/outreach")
        form = page.get_by_test_id("email-form")
        form.get_by_label("Subject").fill("On a phone: {address}")
        form.get_by_label("Text").fill("Hello {owner_first_name}, a short note.")
        form.get_by_role("button", name="Send e-mail").click()
        expect(page.get_by_role("status").first).to_contain_text("One credit was charged.")
        page.goto("/outbox")
        link = page.get_by_role("link", name=f"On a phone: {emailing['street']}")
        expect(link).to_have_count(1)
        href = link.get_attribute("href")
        assert href is not None
        paths = [f"/leads/{emailing['lead_id']}/outreach", href, "/profile"]
        assert problems_of(page, paths) == {}
        page.goto(href)
        token = page.get_by_test_id("headers").inner_text().split("/unsubscribe/")[1].split(">")[0]
    finally:
        context.close()
    # The owner has no account: a fresh browser.
    owner = browser.new_context(base_url=live_server, viewport=PHONE)
    try:
        owner_page = owner.new_page()
        assert problems_of(owner_page, [f"/unsubscribe/{token}"]) == {}
        owner_page.get_by_role("button", name="Unsubscribe").click()
        expect(owner_page.get_by_test_id("unsubscribed")).to_contain_text(
            "Sunny Pools will not e-mail you again"
        )
        assert violations(owner_page) == []
    finally:
        owner.close()
