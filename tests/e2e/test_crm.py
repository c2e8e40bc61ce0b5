"""CRM sync in a real browser with the live server's worker: a subscriber connects the offline CRM
simulator, pushes a lead from its outreach page, sees it synced (the job ran in the worker) and
finds it in the simulated workspace; every CRM page passes axe-core on a desktop and fits a
390 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import log_in, violations
from tests.e2e.outreach_setup import PASSWORD, funded_subscriber, saved_lead
from tests.e2e.test_mobile import PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def crm_subscriber(live_database: str) -> tuple[str, str]:
    """A full-plan subscriber with one saved lead: (e-mail, lead id)."""
    subscriber = funded_subscriber(live_database, "crm", 0)
    _, lead_id = saved_lead(
        live_database, subscriber.user_id, "4410 NW 7 ST", owner_name="PEREZ ANA M",
        zip_code="33126", notes="Owner answered; call back Monday",
    )  # fmt: skip
    return subscriber.email, str(lead_id)


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
