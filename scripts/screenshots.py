"""Take the screenshots in docs/screenshots from a running demo (`make run`), in Debian's Chromium.

    .venv/bin/python scripts/screenshots.py [--base-url URL] [--out docs/screenshots]

It logs in as the demo accounts (README) and visits each page a screenshot shows, at desktop width
and, for the `-phone` ones, at 390 px. It saves one lead list through the search page's bulk form
first, so the leads board has something to show. Nothing here runs in the tests.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

PASSWORD = "propintel-demo"  # noqa: S105 - the published demo password
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Long lists are shown as the first screen a user sees; other pages whole.
FIRST_SCREEN = {"search", "search-phone", "leads-board", "admin-audit"}

Shot = tuple[str, str | None, str, dict[str, int], Callable[[Page], None] | None]


def _open_a_property(page: Page) -> None:
    page.goto("/search?intent=distressed&indicator=foreclosure")
    page.get_by_test_id("result").first.get_by_role("link").first.click()


def _open_its_score(page: Page) -> None:
    _open_a_property(page)
    page.goto(page.url + "/score")


def _open_an_import_with_quarantine(page: Page) -> None:
    page.goto("/admin/imports")
    page.get_by_role("row").filter(has_text="lis_pendens.csv").get_by_role("link").click()


def _start_a_checkout(page: Page) -> None:
    page.goto("/billing/credits")
    page.get_by_role("button", name="Buy").first.click()


def _select_and_save(page: Page) -> None:
    page.goto("/search?intent=distressed&indicator=tax_lien&indicator=high_equity")
    page.get_by_test_id("select-all").check()
    page.get_by_role("textbox", name="List", exact=True).fill("Tax liens May")
    page.get_by_test_id("bulk-save").click()


SHOTS: list[Shot] = [
    ("login", None, "/login", DESKTOP, None),
    ("landing", None, "/", DESKTOP, None),
    ("dashboard-subscriber", "full", "/dashboard", DESKTOP, None),
    ("search", "full", "/search?intent=distressed&indicator=tax_lien", DESKTOP, None),
    ("search-phone", "full", "/search?intent=new_homeowner&pool=true", PHONE, None),
    ("property", "investor", "", DESKTOP, _open_a_property),
    ("property-score", "investor", "", DESKTOP, _open_its_score),
    ("leads-board", "investor", "/leads", DESKTOP, _select_and_save),
    ("buy-credits", "full", "/billing/credits", DESKTOP, None),
    ("local-checkout", "full", "", DESKTOP, _start_a_checkout),
    ("dashboard-admin", "admin", "/dashboard", DESKTOP, None),
    ("admin-imports", "admin", "/admin/imports", DESKTOP, None),
    ("admin-import-run", "admin", "", DESKTOP, _open_an_import_with_quarantine),
    ("admin-indicators", "admin", "/admin/indicators", DESKTOP, None),
    ("admin-maintenance", "admin", "/admin/maintenance", DESKTOP, None),
    ("admin-economics", "admin", "/admin/economics", DESKTOP, None),
    ("admin-audit", "admin", "/admin/audit", DESKTOP, None),
]


def _log_in(page: Page, role: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(f"{role}@demo.propintel.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url("/dashboard")


def take(browser: Browser, base_url: str, out: Path, shot: Shot) -> Path:
    name, role, path, viewport, before = shot
    context = browser.new_context(base_url=base_url, viewport=viewport)  # type: ignore[arg-type]
    page = context.new_page()
    try:
        if role:
            _log_in(page, role)
        if before:
            before(page)
        if path:
            page.goto(path)
        page.wait_for_load_state("networkidle")
        target = out / f"{name}.png"
        page.screenshot(path=str(target), full_page=name not in FIRST_SCREEN)
        return target
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        for shot in SHOTS:
            print(take(browser, args.base_url, args.out, shot))
        browser.close()


if __name__ == "__main__":
    main()
