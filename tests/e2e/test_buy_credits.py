"""A subscriber buys a credit bundle through the offline Checkout and sees the balance and the
history update (webhook → inbox → worker → ledger, for real)."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, sign_up

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-enough-password"


def _sign_up_and_log_in(page: Page) -> None:
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    page.goto("/signup")
    sign_up(page, email, PASSWORD, "Hialeah Roofing")


def test_subscriber_buys_a_bundle_through_the_local_checkout(page: Page) -> None:
    _sign_up_and_log_in(page)
    page.get_by_role("link", name="Billing", exact=True).click()
    page.get_by_role("link", name="Buy credits").click()
    expect(page.get_by_test_id("simulator-label")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text("0")
    page.screenshot(path=str(ARTIFACTS / "buy-credits.png"), full_page=True)
    page.get_by_role("button", name="Buy 25000 Credits").click()

    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.get_by_test_id("checkout-amount")).to_have_text("$20.00")
    page.screenshot(path=str(ARTIFACTS / "local-checkout.png"), full_page=True)
    page.get_by_role("button", name="Pay $20.00").click()

    expect(page.get_by_test_id("checkout-notice")).to_contain_text("Payment received")
    # The worker credits the purchase within moments; the page shows it on reload.
    for _ in range(40):
        if page.get_by_test_id("balance").inner_text() == "25,000":
            break
        page.wait_for_timeout(250)
        page.reload()
    expect(page.get_by_test_id("balance")).to_have_text("25,000")
    page.get_by_role("link", name="History and usage").click()
    expect(page.get_by_test_id("history")).to_contain_text("purchase")
    expect(page.get_by_test_id("history")).to_contain_text("+25,000")


def test_cancelling_the_checkout_charges_nothing(page: Page) -> None:
    _sign_up_and_log_in(page)
    page.goto("/billing/credits")
    page.get_by_role("button", name="Buy 10000 Credits").click()
    page.get_by_role("button", name="Cancel and go back").click()
    expect(page.get_by_test_id("checkout-notice")).to_contain_text("nothing was charged")
    expect(page.get_by_test_id("balance")).to_have_text("0")
