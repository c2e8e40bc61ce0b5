"""The assistant's knowledge base in a real browser: copy the Spanish pool starter entries with one
button, edit one, and find it with the "Search your knowledge" box in Spanish ("piscinas" finds
"piscina"). The pages pass axe-core's WCAG 2.1 A/AA checks, on a desktop and on a 390 px phone
(no sideways scroll)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import log_in, violations
from tests.e2e.outreach_setup import PASSWORD, funded_subscriber
from tests.e2e.test_mobile import PHONE, problems_of

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def subscriber(live_database: str) -> str:
    return funded_subscriber(live_database, "assistant-kb", 0).email


def test_add_a_starter_entry_edit_it_and_search_it_in_spanish(page: Page, subscriber: str) -> None:
    log_in(page, subscriber, PASSWORD)
    page.goto("/assistant/knowledge")
    expect(page.get_by_test_id("kb-empty")).to_be_visible()
    assert violations(page) == []

    page.get_by_role("button", name="Add the starter entries for Pool service (Español)").click()
    expect(page.locator(".flash-success")).to_contain_text("3 starter entries added")
    entries = page.get_by_test_id("kb-entries")
    expect(entries.locator("li.card")).to_have_count(3)
    assert violations(page) == []

    page.get_by_role("link", name="Edit Servicio semanal de piscina").click()
    expect(page).to_have_url(re.compile(r"/assistant/knowledge/[0-9a-f-]{36}/edit$"))
    assert violations(page) == []
    page.get_by_label("Content").fill(
        "Limpiamos su piscina cada semana e instalamos calentadores solares."
    )
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator(".flash-success")).to_contain_text("Entry saved.")
    expect(page.get_by_test_id("kb-entries")).to_contain_text("calentadores solares")

    page.goto("/assistant")
    page.get_by_role("form", name="Language").get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", name="Buscar en su conocimiento")).to_be_visible()
    page.get_by_label("Palabras o una pregunta, en inglés o en español").fill("piscinas solares")
    page.get_by_role("button", name="Buscar", exact=True).click()
    passages = page.get_by_test_id("passages")
    expect(passages.locator("li")).to_have_count(1)
    expect(passages).to_contain_text("Servicio semanal de piscina")
    expect(passages).to_contain_text("calentadores solares")
    assert violations(page) == []


def test_the_assistant_pages_fit_a_phone(
    browser: Browser, live_server: str, subscriber: str
) -> None:
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, subscriber, PASSWORD)
        page.goto("/assistant/knowledge")
        page.get_by_test_id("knowledge-starters").locator("button").first.click()
        link = page.get_by_test_id("kb-entries").locator("a[href$='/edit']").first
        edit = link.get_attribute("href")
        assert edit is not None
        paths = [
            "/assistant",
            "/assistant?q=piscina",
            "/assistant/knowledge",
            "/assistant/knowledge/new",
            edit,
            edit.removesuffix("/edit") + "/delete",
        ]
        assert problems_of(page, paths) == {}
    finally:
        context.close()
