"""A newcomer finds the landing page, signs up, logs in (greeted with the next step), logs out and
back in (welcomed back), in a real browser."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, sign_up

pytestmark = pytest.mark.e2e


def test_a_visitor_signs_up_from_the_landing_page_and_logs_in(page: Page) -> None:
    email = f"e2e-{uuid.uuid4().hex[:8]}@example.com"
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Miami-Dade public records")
    expect(page.get_by_test_id("plan")).to_have_count(3)  # the seeded plans, with their prices
    expect(page.get_by_test_id("plan").first).to_contain_text("$49.00")
    page.get_by_role("link", name="Create an account").click()
    expect(page).to_have_url("/signup")
    sign_up(page, email, "a-long-enough-password", "Coral Gables Pools")

    welcome = page.get_by_test_id("welcome")
    expect(welcome).to_contain_text("Welcome to PropIntel")
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    expect(page.get_by_test_id("token-balance")).to_have_text("0")
    expect(page.get_by_test_id("plan")).to_have_text("No plan")
    expect(page.get_by_test_id("saved-leads")).to_have_text("0")
    page.screenshot(path=str(ARTIFACTS / "dashboard-subscriber.png"), full_page=True)
    welcome.get_by_role("link", name="choose a plan").click()
    expect(page).to_have_url("/billing")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url("/login")
    page.goto("/dashboard")
    expect(page).to_have_url("/login?next=/dashboard")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a-long-enough-password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url("/dashboard")
    expect(page.get_by_role("status").filter(has_text="Welcome back.")).to_be_visible()
    expect(page.get_by_test_id("welcome")).to_have_count(0)


def test_wrong_password_shows_error_and_stays_logged_out(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("wrong-password-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Email or password is incorrect")
    expect(page).to_have_url("/login")
