"""Getting an owner's contact in a real browser through the offline simulator: on a lead's outreach
page (the cost shown first, then the phones with their flags and the "Simulated" label), and for
leads ticked on the leads table (the cost first, then the results per lead). The pages pass
axe-core's WCAG 2.1 A/AA checks, on a desktop and on a 390 px phone (no sideways scroll)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from propintel.integrations.local.skiptrace import simulate
from propintel.integrations.skiptrace import SkipTraceRequest
from tests.e2e.conftest import log_in, run_cli, violations
from tests.e2e.test_mobile import PHONE, problems_of

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-enough-password"
ZIP = "33138"


def _streets_that_match(count: int) -> list[str]:
    """Streets for which the simulator finds the owner (DOE JANE) with a usable mobile."""
    found = []
    for n in range(100, 10_000):
        street = f"{n} NE 8{n % 10} ST"
        result = simulate(SkipTraceRequest("", street, "MIAMI", "FL", ZIP, "Jane", "Doe"))
        if any(p.type == "mobile" and not p.dnc and not p.litigator for p in result.phones):
            found.append(street)
            if len(found) == count:
                return found
    raise AssertionError("the simulator found too few owners")


@pytest.fixture(scope="module")
def unlocking(live_database: str) -> Iterator[dict[str, object]]:
    """A full-plan subscriber with 500 credits and three saved leads the simulator matches."""
    email = f"unlock-{uuid.uuid4().hex[:8]}@example.com"
    run_cli(live_database, "users", "create", "--email", email, "--password", PASSWORD,
            "--type", "subscriber", "--plan", "full")  # fmt: skip
    leads = []
    with psycopg.connect(live_database) as conn:
        row = conn.execute("SELECT user_id FROM users WHERE email = %s", (email,)).fetchone()
        assert row is not None
        user_id = row[0]
        conn.execute(
            "INSERT INTO token_purchases (user_id, tokens, amount_paid) VALUES (%s, 500, 9.99)",
            (user_id,),
        )
        conn.execute("UPDATE users SET token_balance = 500 WHERE user_id = %s", (user_id,))
        for street in _streets_that_match(3):
            prop = conn.execute(
                "INSERT INTO properties (full_address, street_address, city, zip_code, "
                "folio_number, property_type, owner_name, market_value, distressed_score, "
                "location) VALUES (%s, %s, 'MIAMI', %s, %s, 'single_family', 'DOE JANE', 350000, "
                "40, ST_GeogFromText('POINT(-80.18 25.85)')) RETURNING property_id",
                (f"{street}, MIAMI, FL {ZIP}", street, ZIP, f"33{uuid.uuid4().int % 10**11:011d}"),
            ).fetchone()
            assert prop is not None
            lead = conn.execute(
                "INSERT INTO saved_leads (user_id, property_id, lead_source, lead_score) "
                "VALUES (%s, %s, 'distressed', 40) RETURNING lead_id",
                (user_id, prop[0]),
            ).fetchone()
            assert lead is not None
            leads.append({"lead_id": str(lead[0]), "property_id": str(prop[0]), "street": street})
    run_cli(live_database, "maintenance", "reconcile-tokens")
    yield {"email": email, "leads": leads}


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
