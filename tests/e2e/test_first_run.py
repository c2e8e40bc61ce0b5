"""The first hour: `propintel run` (what `make run` runs) on a new, empty database loads the demo,
scores it, and every preset of every plan then finds leads, the pool preset included. The console
shows the progress and ends with the banner; request lines go to the log file."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from propintel.auth.demo_accounts import DEMO_PASSWORD
from propintel.db import migrate
from propintel.db.urls import with_database
from tests.e2e.conftest import ARTIFACTS, _free_port, _wait_for, log_in

pytestmark = pytest.mark.e2e

FIRST_LOAD_S = 900  # generating, importing and scoring 20,000 parcels on a slow, shared machine
PLAN_PRESETS = {
    "contractor@demo.propintel.test": 3,
    "investor@demo.propintel.test": 4,
    "full@demo.propintel.test": 7,
}


@pytest.fixture(scope="module")
def first_run(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`propintel run` on a database that does not exist yet, as a user's first `make run` (the
    default demo size and settings); only the map tiles point at a local port nobody answers,
    so the browser never reaches the internet. Stopped with Ctrl-C (SIGINT) as a user would."""
    name = f"propintel_first_run_{os.getpid()}"
    migrate.drop_database(server_url, name)
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("first-run")
    env = {
        **os.environ,
        "PROPINTEL_DATABASE_URL": with_database(server_url, name),
        "PORT": str(port),
        "PROPINTEL_DATA_DIR": str(data_dir),
        "PROPINTEL_MAP_TILE_URL": f"http://127.0.0.1:{_free_port()}/{{z}}/{{x}}/{{y}}.png",
    }
    env.pop("PROPINTEL_LOG_FILE", None)
    ARTIFACTS.mkdir(exist_ok=True)
    console = ARTIFACTS / "first-run-console.log"
    with console.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "propintel", "run"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_for(f"http://127.0.0.1:{port}/healthz", process, console, timeout_s=FIRST_LOAD_S)
            _wait_for_banner(console, process)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
    migrate.drop_database(server_url, name)


def _wait_for_banner(console: Path, process: subprocess.Popen[bytes]) -> None:
    """The banner follows the health check by a moment."""
    for _ in range(100):
        if "Ctrl-C stops everything" in console.read_text() or process.poll() is not None:
            return
        time.sleep(0.1)


def test_every_preset_of_every_plan_finds_leads(first_run: str, browser: Browser) -> None:
    context = browser.new_context(base_url=first_run, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    empty: list[str] = []
    try:
        for email, preset_count in PLAN_PRESETS.items():
            log_in(page, email, DEMO_PASSWORD)
            page.goto("/search")
            presets = page.locator("ul.chips a.chip")
            expect(presets).to_have_count(preset_count)
            for label, href in [(a.inner_text(), a.get_attribute("href")) for a in presets.all()]:
                page.goto(href or "/search")
                if page.get_by_test_id("result").count() == 0:
                    empty.append(f"{email}: {label}")
            page.context.clear_cookies()
    finally:
        context.close()
    assert empty == [], f"presets that found no lead on a fresh install: {empty}"


def test_the_pool_preset_finds_new_owners_whose_page_says_pool(
    first_run: str, browser: Browser
) -> None:
    context = browser.new_context(base_url=first_run)
    page = context.new_page()
    try:
        log_in(page, "contractor@demo.propintel.test", DEMO_PASSWORD)
        page.goto("/search")
        page.get_by_role("link", name="Pool service: new owners with pools").click()
        first = page.get_by_test_id("result").first
        expect(first).to_contain_text("Pool +")
        first.get_by_role("link").first.click()
        pool = page.get_by_role("region", name="Facts").get_by_role("row", name="Pool")
        expect(pool).to_contain_text("yes")
        expect(page.locator('[data-indicator="has_pool"]')).to_be_visible()
    finally:
        context.close()


def test_the_console_shows_progress_then_the_banner_and_no_request_lines(first_run: str) -> None:
    text = (ARTIFACTS / "first-run-console.log").read_text()
    banner = text.index("PropIntel is running")
    assert text.index("scoring every property") < banner
    assert "contractor@demo.propintel.test" in text[banner:]
    assert text.rstrip().endswith("(Ctrl-C stops everything)")
    assert not re.search(r'"path": "/', text), "request lines reached the console"
