"""Browser tests: the real server in a subprocess on its own database, driven by Playwright in
Debian's Chromium (Playwright never downloads a browser here)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from propintel.db import migrate
from tests.conftest import fresh_database

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
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
def live_server(live_database: str) -> Iterator[str]:
    """The app served by uvicorn on a free port with a worker, on its own committed database."""
    port = _free_port()
    env = {**os.environ, "PROPINTEL_DATABASE_URL": live_database, "PORT": str(port)}
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / "live-server.log").open("w")
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
        _wait_for(f"{base_url}/healthz", processes[0])
        yield base_url
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)
        log.close()


def _wait_for(url: str, process: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early; see {ARTIFACTS / 'live-server.log'}")
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


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def log_in(page: Page, email: str, password: str) -> None:
    """Log in through the form and land on the dashboard."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url("/dashboard")
