"""Admin pages in the browser: the imports table fits a 1280 px wide screen."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ACCOUNT_PASSWORD, log_in, run_cli

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-admin-password"
LONG_NAMES = (
    ("nal", "NAL23F202601_miami_dade_final_certified_roll_2026_export_with_a_long_name.csv"),
    ("signals:foreclosure-auctions", "realforeclose-auction-calendar-miami-dade-2026-05-full.csv"),
)


def test_imports_table_fits_1280_px_without_scrolling(page: Page, live_database: str) -> None:
    email = f"e2e-imports-admin-with-a-long-address-{uuid.uuid4().hex[:8]}@example.com"
    run_cli(live_database, "users", "create", "--email", email, "--password", PASSWORD,
            "--type", "admin")  # fmt: skip
    with psycopg.connect(live_database) as conn:
        for kind, name in LONG_NAMES:
            conn.execute(
                "INSERT INTO import_runs (kind, source_file, status, requested_by, counts) "
                "SELECT %s, %s, 'succeeded', user_id, "
                """'{"read": 1234567, "inserted": 1234567, "updated": 123456, """
                """"quarantined_total": 12345}' FROM users WHERE email = %s""",
                (kind, name, email),
            )
    log_in(page, email, PASSWORD)
    page.goto("/admin/imports")
    runs = page.get_by_test_id("import-runs")
    expect(runs).to_contain_text("Foreclosure auctions (RealForeclose)")

    assert page.viewport_size == {"width": 1280, "height": 800}
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = runs.locator("xpath=..")  # the .table-scroll container
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth"), "the table is cut off"


def test_a_running_import_refreshes_the_page_until_stopped(
    page: Page, live_database: str, accounts: dict[str, str]
) -> None:
    """The imports page reloads itself every 5 s while an import runs (site.js); "Stop refreshing"
    stops it, and so does starting to fill the upload form (a reload would lose it); never a
    <meta> refresh (which cannot be stopped: WCAG 2.2.1)."""
    with psycopg.connect(live_database) as conn:
        conn.execute(
            "INSERT INTO import_runs (kind, source_file, status, requested_by) "
            "SELECT 'nal', 'running-roll.csv', 'running', user_id FROM users WHERE email = %s",
            (accounts["admin"],),
        )
    try:
        log_in(page, accounts["admin"], ACCOUNT_PASSWORD)
        page.goto("/admin/imports")
        note = page.get_by_test_id("auto-refresh")
        expect(note).to_contain_text("This page refreshes every 5 seconds.")
        assert page.locator("meta[http-equiv]").count() == 0
        page.evaluate("window.notReloaded = true")
        for _ in range(30):  # up to 15 s (wait_for_function would need eval, which the CSP bars)
            page.wait_for_timeout(500)
            if page.evaluate("window.notReloaded") is None:
                break
        else:
            raise AssertionError("the page did not reload itself")

        page.get_by_role("button", name="Stop refreshing").click()
        expect(note.get_by_role("button", name="Stop refreshing")).to_be_hidden()
        page.evaluate("window.notReloaded = true")
        page.wait_for_timeout(7_000)
        assert page.evaluate("window.notReloaded") is True  # still the same page

        page.reload()  # refreshing again; choosing a format for an upload stops it
        expect(note.get_by_role("button", name="Stop refreshing")).to_be_visible()
        page.get_by_label("Format").focus()
        expect(note.get_by_role("button", name="Stop refreshing")).to_be_hidden()
        page.evaluate("window.notReloaded = true")
        page.wait_for_timeout(7_000)
        assert page.evaluate("window.notReloaded") is True
    finally:
        with psycopg.connect(live_database) as conn:
            conn.execute("DELETE FROM import_runs WHERE source_file = 'running-roll.csv'")
