"""Getting an owner's contact in a real browser through the offline simulator: on a lead's outreach
page (the cost shown first, then the phones with their flags and the "Simulated" label), and for
leads ticked on the leads table (the cost first, then the results per lead). The pages pass
axe-core's WCAG 2.1 A/AA checks, on a desktop and on a 390 px phone (no sideways scroll)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import log_in, violations
from tests.e2e.outreach_setup import (
    PASSWORD,
    funded_subscriber,
    saved_lead,
    streets_the_simulator_matches,
)
from tests.e2e.test_mobile import PHONE, problems_of

pytestmark = pytest.mark.e2e
ZIP = "33138"


@pytest.fixture(scope="module")
def unlocking(live_database: str) -> dict[str, object]:
    """A full-plan subscriber with 500 credits and three saved leads the simulator matches."""
    subscriber = funded_subscriber(live_database, "unlock", 500)
    leads = []
    for street in streets_the_simulator_matches(3, ZIP):
        property_id, lead_id = saved_lead(live_database, subscriber.user_id, street, zip_code=ZIP)
        leads.append({"lead_id": str(lead_id), "property_id": str(property_id), "street": street})
    return {"email": subscriber.email, "leads": leads}


def test_unlock_a_lead_on_its_outreach_page(page: Page, unlocking: dict[str, object]) -> None:
    leads = unlocking["leads"]
    assert isinstance(leads, list)
    log_in(page, str(unlocking["email"]), PASSWORD)
    page.goto(f"/leads/{leads[0]['lead_id']}/outreach")
    section = page.get_by_test_id("contact-section")
    expect(section.get_by_test_id("unlock-price")).to_have_text(
        "Costs 50 credits, charged only if a contact is found."
    )
    expect(section).to_contain_text("Offline simulator: results are generated, not real.")
    assert violations(page) == []

    section.get_by_role("button", name="Get owner contact").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "Owner contact unlocked: 50 credits charged."
    )
    section = page.get_by_test_id("contact-section")
    expect(section.get_by_test_id("contact-phones")).to_contain_text("Mobile")
    expect(section.get_by_test_id("contact-simulated")).to_be_visible()
    expect(section.get_by_role("button", name="Get owner contact")).to_have_count(0)
    assert violations(page) == []


def test_unlock_leads_ticked_on_the_table(page: Page, unlocking: dict[str, object]) -> None:
    leads = unlocking["leads"]
    assert isinstance(leads, list)
    log_in(page, str(unlocking["email"]), PASSWORD)
    page.goto("/leads/table")
    for lead in leads[1:]:
        page.get_by_role("checkbox", name=f"{lead['street']}, MIAMI, FL {ZIP}").check()
    page.get_by_test_id("bulk-unlock").click()
    expect(page).to_have_url(re.compile(r"/leads/unlock\?lead_ids=.+&lead_ids="))
    expect(page.get_by_test_id("unlock-quote")).to_contain_text("Up to 2 × 50 = 100 credits")
    assert violations(page) == []

    page.get_by_test_id("confirm-unlock").click()
    expect(page.get_by_test_id("unlock-results").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("unlock-charged")).to_have_text("100 credits charged.")
    assert violations(page) == []


def test_the_unlock_pages_fit_a_phone(
    browser: Browser, live_server: str, unlocking: dict[str, object]
) -> None:
    leads = unlocking["leads"]
    assert isinstance(leads, list)
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, str(unlocking["email"]), PASSWORD)
        ids = "&".join(f"lead_ids={lead['lead_id']}" for lead in leads)
        paths = [
            f"/leads/{leads[0]['lead_id']}/outreach",
            f"/properties/{leads[0]['property_id']}/contact",
            f"/leads/unlock?{ids}",
            "/leads/unlock",
            "/leads/table",
        ]
        assert problems_of(page, paths) == {}
    finally:
        context.close()
