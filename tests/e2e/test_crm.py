"""CRM sync in a real browser with the live server's worker: a subscriber connects the offline CRM
simulator, pushes a lead from its outreach page, sees it synced (the job ran in the worker) and
finds it in the simulated workspace; every CRM page passes axe-core on a desktop and fits a
390 px phone."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import log_in, run_cli, violations

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-enough-password"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def crm_subscriber(live_database: str) -> Iterator[tuple[str, str]]:
    """A full-plan subscriber (through the CLI) with one saved lead (SQL): (e-mail, lead id)."""
    email = f"crm-{uuid.uuid4().hex[:8]}@example.com"
    run_cli(live_database, "users", "create", "--email", email, "--password", PASSWORD,
            "--type", "subscriber", "--plan", "full")  # fmt: skip
    with psycopg.connect(live_database) as connection:
        row = connection.execute(
            "INSERT INTO properties (full_address, street_address, city, zip_code, folio_number, "
            "property_type, owner_name, market_value, distressed_score, location) VALUES "
            "('4410 NW 7 ST, MIAMI, FL 33126', '4410 NW 7 ST', 'MIAMI', '33126', %s, "
            "'single_family', 'PEREZ ANA M', 410000, 35, ST_GeogFromText('POINT(-80.27 25.78)')) "
            "RETURNING property_id",
            (f"32{uuid.uuid4().int % 10**11:011d}",),
        ).fetchone()
        assert row is not None
        lead = connection.execute(
            "INSERT INTO saved_leads (user_id, property_id, lead_source, lead_score, notes) "
            "SELECT user_id, %s, 'distressed', 35, 'Owner answered; call back Monday' "
            "FROM users WHERE email = %s RETURNING lead_id",
            (row[0], email),
        ).fetchone()
        assert lead is not None
    yield email, str(lead[0])


def test_connect_the_simulator_push_a_lead_and_see_it_synced(
    page: Page, crm_subscriber: tuple[str, str]
) -> None:
    email, lead_id = crm_subscriber
    log_in(page, email, PASSWORD)

    page.get_by_role("link", name="CRM", exact=True).click()
    expect(page).to_have_url("/account/crm")
    expect(page.get_by_role("heading", name="CRM connection")).to_be_visible()
    assert violations(page) == []
    page.get_by_test_id("crm-use-simulator").click()
    expect(page.get_by_test_id("crm-simulator-label")).to_contain_text(
        "Offline CRM simulator: nothing is sent."
    )

    page.goto(f"/leads/{lead_id}/outreach")
    section = page.get_by_test_id("crm-section")
    section.get_by_role("button", name="Push to CRM").click()
    expect(page.get_by_role("status").first).to_be_visible()
    for _ in range(40):  # the worker runs the sync job; reload until it has
        if page.get_by_test_id("crm-status").filter(has_text="Synced").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(page.get_by_test_id("crm-status")).to_contain_text("Synced")
    assert violations(page) == []

    page.goto("/crm/simulator")
    records = page.get_by_test_id("crm-simulator-records")
    expect(records).to_contain_text("Ana Perez")
    expect(records).to_contain_text("4410 NW 7 ST, MIAMI, FL 33126")
    expect(records).to_contain_text("Owner answered; call back Monday")
    assert violations(page) == []


def test_crm_pages_fit_a_phone(
    browser: Browser, live_server: str, crm_subscriber: tuple[str, str]
) -> None:
    email, lead_id = crm_subscriber
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    phone = context.new_page()
    try:
        log_in(phone, email, PASSWORD)
        for path in ("/account/crm", "/crm/simulator", f"/leads/{lead_id}/outreach",
                     "/account/crm/disconnect", f"/crm/push?lead_ids={lead_id}"):  # fmt: skip
            response = phone.goto(path)
            phone.wait_for_load_state("networkidle")
            assert response is not None and response.status == 200, path
            scroll, inner = phone.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert scroll <= inner, f"{path} scrolls sideways: {scroll} > {inner}"
            assert violations(phone) == [], path
    finally:
        context.close()
