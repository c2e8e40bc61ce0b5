"""A newcomer's account, in a real browser: sign up, read the verification e-mail in the local
outbox, verify, forget the password and reset it, fill in the business profile with a service area,
switch to Spanish, use the security page; axe-core clean on each new page, desktop and phone."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ACCOUNT_PASSWORD, ARTIFACTS, log_in, sign_up, violations

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "my-brand-new-password"
LINK = re.compile(r"https?://[^/\s]+(/(?:verify-email|reset-password)\?token=[A-Za-z0-9_.\-]+)")


def _link_from_outbox(page: Page, subject: str, recipient: str) -> str:
    """Open the newest e-mail ``subject`` to ``recipient`` in the outbox; the path of its link."""
    page.goto("/outbox")
    row = page.get_by_test_id("outbox").locator("tr", has_text=subject)
    if recipient:
        row = row.filter(has_text=recipient)
    row.first.get_by_role("link", name=subject).click()
    found = LINK.search(page.get_by_test_id("text-body").inner_text())
    assert found is not None
    return found.group(1)


def test_sign_up_verify_reset_profile_and_spanish(
    page: Page, browser: Browser, live_server: str, accounts: dict[str, str]
) -> None:
    email = f"journey-{uuid.uuid4().hex[:8]}@example.com"
    page.goto("/signup")
    sign_up(page, email, ACCOUNT_PASSWORD, "Little Havana Lawn Care")
    notice = page.get_by_test_id("verify-notice")
    expect(notice).to_contain_text("not spend credits")

    page.goto(_link_from_outbox(page, "Confirm your e-mail address for PropIntel", ""))
    expect(page.get_by_role("heading", name="Confirm your e-mail address")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("button", name="Confirm my e-mail address").click()
    expect(page).to_have_url("/dashboard")
    expect(page.get_by_role("status").filter(has_text="is confirmed")).to_be_visible()
    expect(page.get_by_test_id("verify-notice")).to_have_count(0)

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_url("/forgot-password")
    assert violations(page) == []
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_test_id("reset-sent")).to_contain_text(email)

    # Logged out, the newcomer cannot read the local outbox: an administrator reads it for them.
    admin = browser.new_context(base_url=live_server).new_page()
    log_in(admin, accounts["admin"], ACCOUNT_PASSWORD)
    reset_path = _link_from_outbox(admin, "Reset your PropIntel password", email)
    admin.context.close()

    page.goto(reset_path)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert violations(page) == []
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    expect(page).to_have_url("/login")
    expect(page.get_by_role("status").filter(has_text="password is changed")).to_be_visible()
    log_in(page, email, NEW_PASSWORD)

    page.get_by_role("link", name="Profile").click()
    expect(page).to_have_url("/profile")
    page.get_by_label("Pool").check()
    page.get_by_label("ZIP codes", exact=True).fill("33135, 33145")
    page.get_by_label("Centre latitude").fill("25.7654")
    page.get_by_label("Centre longitude").fill("-80.2197")
    page.get_by_label("Radius in miles").fill("5")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_label("ZIP codes", exact=True)).to_have_value(re.compile("33135.*33145"))
    expect(page.get_by_label("Radius in miles")).to_have_value("5")
    assert violations(page) == []
    page.screenshot(path=str(ARTIFACTS / "profile.png"), full_page=True)

    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto("/account/security")
    expect(page.get_by_role("heading", name="Seguridad", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Sesiones")).to_be_visible()
    assert violations(page) == []
    page.get_by_label("Nombre de la clave nueva").fill("CRM")
    page.get_by_role("button", name="Crear clave").click()
    expect(page.get_by_test_id("new-key")).to_contain_text("solo se muestra esta vez")
    expect(page.get_by_test_id("api-keys")).to_contain_text("CRM")
    page.screenshot(path=str(ARTIFACTS / "security-es.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/account/security")
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
