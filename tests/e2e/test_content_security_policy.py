"""The Content-Security-Policy in a real browser: an injected inline script is refused (and the
refusal reported), and pages whose scripts the other browser tests do not drive run without a
violation (the ``page`` fixture fails a test on any CSP console message)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ACCOUNT_PASSWORD, csp_violations, log_in

pytestmark = pytest.mark.e2e


def test_an_injected_inline_script_does_not_run(browser: Browser, live_server: str) -> None:
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    try:
        blocked = csp_violations(page)
        page.goto("/login")
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.injected = true'; document.body.append(s); }"
        )
        assert page.evaluate("window.injected === undefined")
        assert page.evaluate("document.querySelector('button[onclick]') === null")
        expect(page.get_by_role("button", name="Log in")).to_be_visible()
    finally:
        context.close()
    assert len(blocked) == 1 and "script-src" in blocked[0]


def test_a_new_api_key_is_selected_on_focus_without_an_inline_handler(
    page: Page, accounts: dict[str, str]
) -> None:
    log_in(page, accounts["subscriber"], ACCOUNT_PASSWORD)
    page.goto("/account/security")
    page.get_by_label("New key's name").fill("CSP check")
    page.get_by_role("button", name="Create key").click()
    secret = page.locator("#new-key-secret")
    expect(secret).to_have_attribute("data-select-on-focus", "")
    secret.focus()
    selected = page.evaluate(
        "() => { const i = document.getElementById('new-key-secret');"
        " return i.selectionEnd - i.selectionStart === i.value.length && i.value.length > 0; }"
    )
    assert selected


@pytest.mark.parametrize("path", ["/leads", "/api/docs", "/outbox"])
def test_pages_with_scripts_or_inline_styles_load_without_a_violation(
    page: Page, accounts: dict[str, str], path: str
) -> None:
    log_in(page, accounts["subscriber"], ACCOUNT_PASSWORD)
    response = page.goto(path)
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")


def test_redoc_runs_and_only_its_makers_logo_is_kept_off_site(
    browser: Browser, live_server: str
) -> None:
    """ReDoc's bundle fetches a logo from its maker's CDN; the docs' own policy (web/api_docs.py)
    refuses it on purpose. That is the only refusal: its scripts and worker run."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    try:
        blocked = csp_violations(page)
        page.goto("/api/redoc")
        # ReDoc renders the whole API document in a web worker: slow on two busy cores.
        expect(page.locator("h1").first).to_contain_text("PropIntel", timeout=60_000)
    finally:
        context.close()
    assert all("cdn.redoc.ly" in message and "img-src" in message for message in blocked)
