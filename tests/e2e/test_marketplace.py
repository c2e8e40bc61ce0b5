"""The marketplace in a real browser: a homeowner posts a job, the verified contractor it is
offered to bids, the homeowner compares and accepts, the contractor then sees the homeowner's
contact, the homeowner marks the job completed and reviews; the contractor's public profile shows
the rating. Every new page passes axe-core (WCAG 2.1 A/AA), on a desktop and on a 390 px phone."""

from __future__ import annotations

import re
import uuid

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ARTIFACTS, log_in, run_cli, violations
from tests.e2e.outreach_setup import PASSWORD, funded_subscriber
from tests.e2e.test_mobile import PHONE, problems_of

pytestmark = pytest.mark.e2e
ZIP = "33169"  # no other browser test has properties in it
STREET = "18 NE 170 ST"


@pytest.fixture(scope="module")
def market(live_database: str) -> dict[str, str]:
    """A home in ZIP 33169, a verified pool contractor serving that ZIP (100 credits), and a
    homeowner."""
    pro = funded_subscriber(live_database, "pool-pro", 100, business_name="Crystal Pools")
    homeowner = f"home-{uuid.uuid4().hex[:8]}@example.com"
    run_cli(live_database, "users", "create", "--email", homeowner, "--password", PASSWORD,
            "--type", "homeowner")  # fmt: skip
    with psycopg.connect(live_database) as conn:
        conn.execute(
            "INSERT INTO properties (full_address, street_address, address_key, city, zip_code, "
            "folio_number, property_type, owner_name, location) VALUES (%s, %s, %s, 'MIAMI', %s, "
            "%s, 'single_family', 'ROE RITA', ST_GeogFromText('POINT(-80.19 25.93)'))",
            (f"{STREET}, MIAMI, FL {ZIP}", STREET, STREET, ZIP,
             f"3{uuid.uuid4().int % 10**12:012d}"),
        )  # fmt: skip
        conn.execute(
            "UPDATE subscriber_profiles SET services_offered = '[\"pool\"]', "
            "service_area = %s, verified = true, verification_status = 'approved', "
            "year_established = 2012 WHERE user_id = %s",
            (f'{{"zip_codes": ["{ZIP}"]}}', pro.user_id),
        )
    return {"pro": pro.email, "pro_id": str(pro.user_id), "homeowner": homeowner}


def test_post_bid_accept_complete_review(
    browser: Browser, live_server: str, market: dict[str, str]
) -> None:
    home = browser.new_context(base_url=live_server).new_page()
    pro = browser.new_context(base_url=live_server).new_page()
    try:
        _post_a_job(home, market)
        _bid(pro, market)
        _accept(home)
        pro.reload()
        contact = pro.get_by_test_id("homeowner-contact")
        expect(contact).to_contain_text(STREET)
        expect(contact).to_contain_text(market["homeowner"])
        assert violations(pro) == []
        _complete_and_review(home)
        visitor = browser.new_context(base_url=live_server).new_page()
        visitor.goto(f"/contractors/{market['pro_id']}")
        expect(visitor.get_by_test_id("contractor-rating")).to_contain_text(
            "5.0 of 5 from 1 review"
        )
        expect(visitor.get_by_test_id("verified-badge")).to_be_visible()
        expect(visitor.get_by_test_id("reviews")).to_contain_text("Crystal clear in two days")
        assert violations(visitor) == []
    finally:
        home.context.close()
        pro.context.close()


def _post_a_job(page: Page, market: dict[str, str]) -> None:
    log_in(page, market["homeowner"], PASSWORD)
    page.goto("/jobs")
    expect(page.get_by_test_id("jobs-empty")).to_be_visible()
    assert violations(page) == []
    page.get_by_test_id("post-job").click()
    page.get_by_label("Title").fill("Green pool after the storm")
    page.get_by_label("What needs doing").fill("The pool turned green; the filter may be clogged.")
    page.get_by_label("Category").select_option("pool")
    page.get_by_label("Budget").select_option("500_2000")
    page.get_by_label("When").select_option("this_week")
    page.get_by_label("Street address of the work").fill(STREET)
    page.get_by_label("ZIP code").fill(ZIP)
    assert violations(page) == []
    page.get_by_role("button", name="Post the job").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))
    expect(page.get_by_test_id("job-offered")).to_contain_text("Offered to 1 verified contractor")
    expect(page.get_by_test_id("no-bids")).to_be_visible()
    assert violations(page) == []


def _bid(page: Page, market: dict[str, str]) -> None:
    log_in(page, market["pro"], PASSWORD)
    page.goto("/marketplace")
    assert violations(page) == []
    page.get_by_role("link", name="Green pool after the storm").click()
    expect(page.get_by_text(f"ZIP {ZIP}").first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(STREET)  # no street before acceptance
    assert violations(page) == []
    page.get_by_label("Amount (USD)").fill("950")
    page.get_by_label("Message to the homeowner").fill("Shock, filter clean and balance.")
    page.get_by_test_id("send-bid").click()
    expect(page.get_by_test_id("my-bid")).to_contain_text("$950.00")
    expect(page.get_by_test_id("my-bid")).to_contain_text("Waiting for the homeowner")


def _accept(page: Page) -> None:
    page.reload()
    bids = page.get_by_test_id("bids")
    expect(bids).to_contain_text("Crystal Pools")
    expect(bids).to_contain_text("Verified")
    expect(bids).to_contain_text("$950.00")
    assert violations(page) == []
    page.screenshot(path=str(ARTIFACTS / "marketplace.png"), full_page=True)
    page.get_by_test_id("accept-bid").click()
    expect(page.locator(".flash-success")).to_contain_text("Bid accepted")
    expect(page.get_by_test_id("job-status")).to_have_text("In progress")


def _complete_and_review(page: Page) -> None:
    page.get_by_role("button", name="Mark completed").click()
    expect(page.get_by_test_id("job-status")).to_have_text("Completed")
    form = page.get_by_test_id("review-form")
    form.get_by_label("5 stars").check()
    form.get_by_label("Your review").fill("Crystal clear in two days")
    assert violations(page) == []
    page.get_by_test_id("send-review").click()
    expect(page.locator("#review")).to_contain_text("Crystal clear in two days")


def test_the_marketplace_pages_fit_a_phone(
    browser: Browser, live_server: str, market: dict[str, str]
) -> None:
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, market["homeowner"], PASSWORD)
        assert problems_of(page, ["/jobs", "/jobs/new", "/dashboard"]) == {}
        page.context.clear_cookies()
        log_in(page, market["pro"], PASSWORD)
        paths = ["/marketplace", "/marketplace/verification", f"/contractors/{market['pro_id']}"]
        assert problems_of(page, paths) == {}
    finally:
        context.close()
