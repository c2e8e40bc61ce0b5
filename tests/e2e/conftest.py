"""Browser tests: the real server in a subprocess on its own database, driven by Playwright in
Debian's Chromium (Playwright never downloads a browser here)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from propintel.db import migrate
from tests.conftest import fresh_database

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Each pytest-xdist worker runs its own live server: one log each (live-server-gw0.log, …).
SERVER_LOG = ARTIFACTS / f"live-server-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"
ACCOUNT_PASSWORD = "a-long-enough-password"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def live_database(server_url: str, template_url: str) -> Iterator[str]:
    """The live server's own database (tests may create accounts or rows in it)."""
    name = f"propintel_e2e_{os.getpid()}"
    yield fresh_database(server_url, template_url, name)
    migrate.drop_database(server_url, name)


def run_cli(database: str, *args: str) -> None:
    """Run ``propintel …`` against ``database`` (e.g. ``users create`` for an admin)."""
    env = {**os.environ, "PROPINTEL_DATABASE_URL": database}
    subprocess.run([sys.executable, "-m", "propintel", *args], env=env, check=True)


@pytest.fixture(scope="session")
def map_tile_url() -> str:
    """The live server's map tiles: a local port nobody listens on, so browser tests never reach
    the internet and every map runs as it does offline (a test may answer these requests itself
    with ``page.route``)."""
    return f"http://127.0.0.1:{_free_port()}/tiles/{{z}}/{{x}}/{{y}}.png"


@contextmanager
def serving(database: str, map_tile_url: str, **extra_env: str) -> Iterator[str]:
    """The app served by uvicorn on a free port with a worker, on ``database`` (committed), with
    ``extra_env`` added to their environment; stopped on exit."""
    port = _free_port()
    env = {
        **os.environ,
        "PROPINTEL_DATABASE_URL": database,
        "PORT": str(port),
        "PROPINTEL_MAP_TILE_URL": map_tile_url,
        **extra_env,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = SERVER_LOG.with_name(f"{SERVER_LOG.stem}-{port}.log") if extra_env else SERVER_LOG
    log = log_path.open("w")
    # The server and a worker (webhook events, auto-recharges and other jobs run there).
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "propintel", command],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for command in ("serve", "worker")
    ]
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base_url}/healthz", processes[0], log_path)
        yield base_url
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)
        log.close()


@pytest.fixture(scope="session")
def live_server(live_database: str, map_tile_url: str) -> Iterator[str]:
    """The app served by uvicorn on a free port with a worker, on its own committed database."""
    with serving(live_database, map_tile_url) as base_url:
        yield base_url


def _wait_for(
    url: str, process: subprocess.Popen[bytes], log_path: Path, timeout_s: float = 180
) -> None:
    """Until the server answers ``url``: a busy machine (a shared CI runner) may take a minute or
    more to import the app; a server that exits is reported at once."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early; see {log_path}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within {timeout_s} s")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Per module: Playwright's sync API runs its own event loop, which must not outlive the
    browser tests (the async tests share pytest-asyncio's loop)."""
    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError(
            "Chromium is missing: run `scripts/setup-system.sh test` (make test does)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


CSP_VIOLATION = "Content Security Policy"


def csp_violations(page: Page) -> list[str]:
    """Record the console messages of ``page`` that report a Content-Security-Policy violation
    (a blocked inline script, style sheet, image host...); the returned list fills as it browses."""
    found: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if CSP_VIOLATION in message.text:
            found.append(message.text)

    page.on("console", record)
    return found


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A desktop page on the live server; the test fails if the page breaks the site's policy."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    blocked = csp_violations(page)
    yield page
    context.close()
    assert blocked == [], f"Content-Security-Policy violations: {blocked}"


def log_in(page: Page, email: str, password: str) -> None:
    """Log in through the form and land on the dashboard."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url("/dashboard")


def sign_up(page: Page, email: str, password: str, name: str) -> None:
    """Send the sign-up form on the page as a contractor or investor, then log in as its notice
    asks (sign-up opens no session: it answers a taken address the same way) and land on the
    dashboard."""
    page.get_by_label("Contractor or investor").check()
    page.get_by_label("Name or business name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url("/login")
    expect(page.get_by_role("status").filter(has_text="Check your e-mail")).to_contain_text(email)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url("/dashboard")


@pytest.fixture(scope="session")
def accounts(live_database: str) -> dict[str, str]:
    """A full-plan subscriber with one saved lead on a distressed property, an admin and a
    homeowner (password ``ACCOUNT_PASSWORD``), made once per run. The property's ZIP (33147) is
    one no other browser test searches: they share the live database."""
    suffix = uuid.uuid4().hex[:8]
    made = {
        "subscriber": f"a11y-sub-{suffix}@example.com",
        "admin": f"a11y-adm-{suffix}@example.com",
        "homeowner": f"a11y-home-{suffix}@example.com",
    }
    run_cli(live_database, "users", "create", "--email", made["subscriber"],
            "--password", ACCOUNT_PASSWORD, "--type", "subscriber", "--plan", "full")  # fmt: skip
    run_cli(live_database, "users", "create", "--email", made["admin"],
            "--password", ACCOUNT_PASSWORD, "--type", "admin")  # fmt: skip
    run_cli(live_database, "users", "create", "--email", made["homeowner"],
            "--password", ACCOUNT_PASSWORD, "--type", "homeowner")  # fmt: skip
    with psycopg.connect(live_database) as connection:
        row = connection.execute(
            "INSERT INTO properties (full_address, street_address, city, zip_code, folio_number, "
            "property_type, bedrooms, bathrooms, owner_name, market_value, distressed_score, "
            "intent_breakdown, has_tax_lien, location) VALUES ('77 NW 80 ST, MIAMI, FL 33147', "
            "'77 NW 80 ST', 'MIAMI', '33147', %s, 'single_family', 3, 2, 'DOE JANE', 300000, 40, "
            """'{"tax_lien": 40}', true, ST_GeogFromText('POINT(-80.2 25.85)')) """
            "RETURNING property_id",
            (f"31{uuid.uuid4().int % 10**11:011d}",),
        ).fetchone()
        assert row is not None
        made["property_id"] = str(row[0])
        lead = connection.execute(
            "INSERT INTO saved_leads (user_id, property_id, lead_source, lead_score, notes) "
            "SELECT user_id, %s, 'distressed', 40, 'Called, no answer' FROM users "
            "WHERE email = %s RETURNING lead_id, user_id",
            (made["property_id"], made["subscriber"]),
        ).fetchone()
        assert lead is not None
        made["lead_id"], made["subscriber_id"] = str(lead[0]), str(lead[1])
    return made


def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations of the page as it is now (axe-core comes from the npm
    registry, installed by `make vendor`). Evaluated through the DevTools protocol, not added as an
    inline <script> tag, which the pages' Content-Security-Policy refuses."""
    page.evaluate(AXE.read_text())
    found: list[dict[str, Any]] = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))",
        WCAG_TAGS,
    )
    return found
