""" "Your data" in a real browser: the page (desktop and phone) is WCAG 2.1 AA clean with axe-core,
the export downloads as a JSON file, a wrong password is refused in the form, and the deletion
(after the browser's confirmation) logs out to the goodbye page; the account cannot log in again."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ACCOUNT_PASSWORD, log_in, run_cli, violations

pytestmark = pytest.mark.e2e


def _account(live_database: str) -> str:
    email = f"your-data-{uuid.uuid4().hex[:8]}@example.com"
    run_cli(live_database, "users", "create", "--email", email,
            "--password", ACCOUNT_PASSWORD, "--type", "subscriber", "--plan", "full")  # fmt: skip
    return email


def test_the_page_downloads_the_export_and_deletes_the_account(
    page: Page, live_database: str
) -> None:
    email = _account(live_database)
    log_in(page, email, ACCOUNT_PASSWORD)
    page.get_by_role("link", name="Your data").click()
    expect(page).to_have_url("/account/data")
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    assert violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (JSON)").click()
    saved = download.value
    assert saved.suggested_filename.startswith("propintel-data-")
    document = json.loads(Path(saved.path()).read_text(encoding="utf-8"))
    assert [row["email"] for row in document["data"]["account"]["user"]] == [email]

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_label("Type your e-mail address").fill(email)
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alert")).to_contain_text("password is not correct")
    assert violations(page) == []

    page.get_by_label("Current password").fill(ACCOUNT_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page).to_have_url("/account/deleted")
    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    assert violations(page) == []

    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(ACCOUNT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url("/login")


def test_the_page_fits_a_phone(browser: Browser, live_server: str, live_database: str) -> None:
    email = _account(live_database)
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        log_in(page, email, ACCOUNT_PASSWORD)
        page.goto("/account/data")
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner
        assert violations(page) == []
    finally:
        context.close()
