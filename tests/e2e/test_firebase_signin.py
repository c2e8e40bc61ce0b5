"""Firebase sign-in in a real browser, with Firebase enabled on a server of its own: the SDK loads
from our static files without an error, the log-in and sign-up pages stay WCAG-clean on a desktop
and a phone, and loading them contacts no other site.

Google is never reached: every request leaving our server is answered here (Firebase's REST API
mocked for one failed sign-in) or aborted and recorded, so a test fails if the page reaches out on
its own. The real sign-in with Google needs the network and is not run."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e.conftest import ARTIFACTS, _free_port, _wait_for, violations

pytestmark = pytest.mark.e2e

PROJECT = "propintel-e2e"
WEB_API_KEY = "AIza-e2e-test-key"
PHONE = {"width": 390, "height": 844}
SERVER_LOG = ARTIFACTS / f"firebase-server-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"


@pytest.fixture(scope="module")
def firebase_server(live_database: str) -> Iterator[str]:
    """The app with Firebase sign-in enabled, on the browser tests' database."""
    port = _free_port()
    env = {
        **os.environ,
        "PROPINTEL_DATABASE_URL": live_database,
        "PORT": str(port),
        "PROPINTEL_FIREBASE_PROJECT_ID": PROJECT,
        "PROPINTEL_FIREBASE_WEB_API_KEY": WEB_API_KEY,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    with SERVER_LOG.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "propintel", "serve"], env=env, stdout=log, stderr=log
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(f"{base_url}/healthz", process, SERVER_LOG)
            yield base_url
        finally:
            process.terminate()
            process.wait(timeout=15)


class Watched:
    """A page whose console errors, script errors and requests to other sites are recorded."""

    def __init__(self, page: Page, own: str) -> None:
        self.page = page
        self.errors: list[str] = []
        self.elsewhere: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.route("**/*", lambda route: self._route(route, own))

    def _route(self, route: Route, own: str) -> None:
        url = route.request.url
        if url.startswith(own):
            route.continue_()
            return
        self.elsewhere.append(url)
        if "identitytoolkit.googleapis.com" in url and "signInWithPassword" in url:
            # Firebase's answer to a wrong password.
            route.fulfill(
                status=400,
                content_type="application/json",
                body=json.dumps({"error": {"code": 400, "message": "INVALID_LOGIN_CREDENTIALS"}}),
            )
            return
        route.abort()


@pytest.fixture
def watched(browser: Browser, firebase_server: str) -> Iterator[Watched]:
    context = browser.new_context(base_url=firebase_server, viewport={"width": 1280, "height": 800})
    yield Watched(context.new_page(), firebase_server)
    context.close()


def _shown(watched: Watched, path: str) -> None:
    response = watched.page.goto(path)
    assert response is not None and response.status == 200
    watched.page.wait_for_load_state("networkidle")
    # The block is revealed by firebase-signin.js once the SDK has loaded and initialised.
    expect(watched.page.locator("#firebase-signin")).to_be_visible()


@pytest.mark.parametrize("path", ["/login", "/signup"])
def test_the_sdk_loads_from_our_files_and_the_page_is_accessible(
    watched: Watched, path: str
) -> None:
    _shown(watched, path)
    page = watched.page
    google = "Sign up with Google" if path == "/signup" else "Sign in with Google"
    expect(page.get_by_role("button", name=google)).to_be_visible()
    loaded = page.evaluate("typeof firebase.auth === 'function' && firebase.SDK_VERSION")
    assert loaded == "12.19.0"
    page.get_by_text("An e-mail address and password (Firebase account)").click()
    expect(page.locator("#firebase-email")).to_be_visible()
    assert violations(page) == [], path
    page.set_viewport_size(PHONE)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, path
    assert violations(page) == [], path
    assert watched.errors == [] and watched.elsewhere == []


def test_a_firebase_error_is_announced_in_the_live_region(watched: Watched) -> None:
    _shown(watched, "/login")
    page = watched.page
    page.get_by_text("An e-mail address and password (Firebase account)").click()
    status = page.locator("#firebase-status")
    assert status.get_attribute("aria-live") == "polite"

    page.get_by_role("button", name="Log in").last.click()  # nothing typed yet
    expect(status).to_have_text("Enter your e-mail address and a password.")

    page.locator("#firebase-email").fill("someone@example.com")
    page.locator("#firebase-password").fill("not-the-password")
    page.get_by_role("button", name="Log in").last.click()
    expect(status).to_have_text("E-mail or password is incorrect.")
    # Only Firebase's sign-in call left the page, answered here; nothing loaded from elsewhere.
    assert watched.elsewhere and all(
        "identitytoolkit.googleapis.com/v1/accounts:signInWithPassword" in url
        for url in watched.elsewhere
    )
    assert [error for error in watched.errors if "400" not in error] == []


def _unsigned_jwt(claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def test_a_token_our_server_cannot_verify_is_refused_on_the_page(watched: Watched) -> None:
    """Firebase (mocked) accepts the password, but its token is not one Google signed: the page
    posts it to our exchange, which refuses it, and the page says why; no session is opened."""
    now = int(time.time())
    token = _unsigned_jwt(
        {
            "iss": f"https://securetoken.google.com/{PROJECT}",
            "aud": PROJECT,
            "sub": "mocked-uid",
            "iat": now,
            "auth_time": now,
            "exp": now + 3600,
            "email": "mocked@example.com",
            "email_verified": True,
        }
    )
    page = watched.page

    def firebase_api(route: Route) -> None:
        url = route.request.url
        watched.elsewhere.append(url)
        if "signInWithPassword" in url:
            body = {
                "idToken": token,
                "refreshToken": "refresh",
                "expiresIn": "3600",
                "localId": "mocked-uid",
                "email": "mocked@example.com",
                "registered": True,
            }
        else:  # accounts:lookup, the user's profile
            body = {"users": [{"localId": "mocked-uid", "email": "mocked@example.com"}]}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route("https://identitytoolkit.googleapis.com/**", firebase_api)
    _shown(watched, "/login")
    page.get_by_text("An e-mail address and password (Firebase account)").click()
    page.locator("#firebase-email").fill("mocked@example.com")
    page.locator("#firebase-password").fill("whatever-it-is")
    with page.expect_response("**/auth/firebase/session") as exchanged:
        page.get_by_role("button", name="Log in").last.click()
    assert exchanged.value.status == 401
    expect(page.locator("#firebase-status")).to_contain_text("could not be verified")
    expect(page).to_have_url("/login")
    assert not [c for c in page.context.cookies() if c["name"] == "propintel_session"]
    assert all("identitytoolkit.googleapis.com" in url for url in watched.elsewhere)
