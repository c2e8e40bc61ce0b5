"""The assistant's chat in a real browser: open it from a lead, ask for a first text in Spanish
(the page's script streams the answer, then opens the conversation), see what it cost, and save
it as a script with one click. The server
has no chat provider, so the offline assistant answers and every page says so. The chat pages pass
axe-core's WCAG 2.1 A/AA checks, on a desktop and on a 390 px phone (no sideways scroll)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ARTIFACTS, log_in, violations
from tests.e2e.outreach_setup import PASSWORD, funded_subscriber, saved_lead
from tests.e2e.test_mobile import PHONE, problems_of

pytestmark = pytest.mark.e2e
QUESTION = "Write a first text to this new homeowner about pool service, in Spanish"


@pytest.fixture(scope="module")
def chatting(live_database: str) -> dict[str, str]:
    """A subscriber of a pool business with 200 credits and one saved lead."""
    subscriber = funded_subscriber(live_database, "chat", 200, business_name="Blue Pools")
    _, lead_id = saved_lead(
        live_database, subscriber.user_id, "41 NW 96 ST", owner_name="RUIZ LUIS"
    )
    return {"email": subscriber.email, "lead_id": str(lead_id)}


def test_ask_for_a_spanish_text_from_a_lead_and_save_it_as_a_script(
    page: Page, chatting: dict[str, str]
) -> None:
    log_in(page, chatting["email"], PASSWORD)
    page.goto(f"/leads/{chatting['lead_id']}")
    page.get_by_test_id("assistant-tab").click()
    expect(page).to_have_url(re.compile(rf"/assistant/chat\?lead={chatting['lead_id']}$"))
    expect(page.get_by_test_id("chat-offline")).to_be_visible()
    expect(page.get_by_test_id("chat-about")).to_contain_text("41 NW 96 ST")
    expect(page.get_by_test_id("chat-price")).to_contain_text("Balance: 200 credits")
    assert violations(page) == []

    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_role("button", name="Ask").click()
    # The answer streams into the page, then the conversation opens at the stored answer.
    expect(page).to_have_url(re.compile(r"/assistant/chat/[0-9a-f-]{36}#message-[0-9a-f-]{36}$"))
    answer = page.get_by_test_id("chat-answer")
    expect(answer).to_contain_text("{owner_first_name}")
    expect(answer).to_contain_text("piscina")
    expect(page.get_by_test_id("chat-cost")).to_contain_text("5 credits")
    expect(page.get_by_text("Draft: Text message (SMS)")).to_be_visible()
    expect(page.get_by_test_id("chat-price")).to_contain_text("Balance: 195 credits")
    # Only the plain form post (no script) lands with an "Answered for…" notice.
    expect(page.locator(".flash-success")).to_have_count(0)
    assert violations(page) == []
    page.screenshot(path=str(ARTIFACTS / "assistant-chat.png"), full_page=True)

    page.get_by_label("Your question").fill("Now write an e-mail to the same owner, in Spanish")
    page.get_by_role("button", name="Ask").click()  # a follow-up, on the conversation's page
    expect(page.get_by_test_id("chat-answer")).to_have_count(2)
    expect(page.get_by_test_id("chat-answer").last).to_contain_text("Asunto:")
    expect(page.get_by_test_id("chat-price")).to_contain_text("Balance: 190 credits")

    page.get_by_test_id("save-as-script").first.click()
    expect(page.locator(".flash-success")).to_contain_text(f"Saved as the script “{QUESTION}”")
    page.goto("/assistant/scripts?type=sms")
    expect(page.get_by_test_id("scripts")).to_contain_text(QUESTION)
    page.get_by_role("link", name=f"Edit {QUESTION}").click()
    expect(page.get_by_label("Text", exact=True)).to_have_value(re.compile("piscina"))


def test_the_chat_pages_fit_a_phone(
    browser: Browser, live_server: str, chatting: dict[str, str]
) -> None:
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, chatting["email"], PASSWORD)
        page.goto(f"/assistant/chat?lead={chatting['lead_id']}")
        page.get_by_label("Your question").fill("Why does this lead score high?")
        page.get_by_role("button", name="Ask").click()
        expect(page).to_have_url(re.compile(r"/assistant/chat/[0-9a-f-]{36}#message-"))
        conversation = page.url.partition("#")[0].removeprefix(live_server)
        paths = [
            "/assistant",
            "/assistant/chat",
            f"/assistant/chat?lead={chatting['lead_id']}",
            conversation,
            f"{conversation}/delete",
        ]
        assert problems_of(page, paths) == {}
    finally:
        context.close()
