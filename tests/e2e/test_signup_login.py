"""A newcomer signs up, logs in and sees their dashboard, in a real browser."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def test_subscriber_signs_up_logs_in_and_sees_dashboard(page: Page) -> None:
    email = f"e2e-{uuid.uuid4().hex[:8]}@example.com"
    page.goto("/signup")
    page.get_by_label("Contractor or investor").check()
    page.get_by_label("Name or business name").fill("Coral Gables Pools")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a-long-enough-password")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url("/login")
    expect(page.get_by_role("status")).to_contain_text("Account created")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a-long-enough-password")
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url("/dashboard")
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    expect(page.get_by_test_id("token-balance")).to_have_text("0")
    expect(page.get_by_test_id("plan")).to_have_text("No plan")
    expect(page.get_by_test_id("saved-leads")).to_have_text("0")
    page.screenshot(path=str(ARTIFACTS / "dashboard-subscriber.png"), full_page=True)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url("/login")
    page.goto("/dashboard")
    expect(page).to_have_url("/login?next=/dashboard")


def test_wrong_password_shows_error_and_stays_logged_out(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("wrong-password-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Email or password is incorrect")
    expect(page).to_have_url("/login")
