"""Admin pages in the browser: the imports table fits a 1280 px wide screen."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in, run_cli

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
