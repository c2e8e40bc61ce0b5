"""Texting an owner in a real browser: on a lead whose owner's numbers are unlocked (and who
consented), a template fills the text with its live segment and token count, the text is sent
through the offline phone simulator, the simulated phone shows it delivered, and the owner's reply
appears in the lead's conversation. The pages pass axe-core's WCAG 2.1 A/AA checks, on a desktop
and on a 390 px phone (where they must not scroll sideways).

The server runs at noon New York time today (libfaketime), inside the guard's texting hours."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import libfaketime
import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from propintel.kit.clock import NEW_YORK
from tests.e2e.conftest import ARTIFACTS, log_in, run_cli, serving, violations
from tests.e2e.test_mobile import PHONE, problems_of

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-enough-password"
OWNER_PHONE = "+13055550142"


def _noon_today() -> datetime:
    today = datetime.now(NEW_YORK).date()
    return datetime(today.year, today.month, today.day, 12, 0, tzinfo=NEW_YORK)


@pytest.fixture(scope="module")
def noon_server(live_database: str, map_tile_url: str) -> Iterator[str]:
    """The app and its worker at today's noon in New York (the clock then runs on)."""
    _, preload = libfaketime.get_reload_information()
    start = _noon_today().astimezone(UTC).strftime("@%Y-%m-%d %H:%M:%S")
    with serving(live_database, map_tile_url, **preload, FAKETIME=start, TZ="UTC") as url:
        yield url


@pytest.fixture(scope="module")
def texting(live_database: str) -> dict[str, str]:
    """A funded full-plan subscriber with a saved lead whose owner's mobile is unlocked and has a
    written consent to texts."""
    email = f"sms-{uuid.uuid4().hex[:8]}@example.com"
    run_cli(live_database, "users", "create", "--email", email, "--password", PASSWORD,
            "--type", "subscriber", "--plan", "full")  # fmt: skip
    noon = _noon_today().replace(tzinfo=None)
    phones = [{"number": OWNER_PHONE, "type": "mobile", "carrier": "Sim", "dnc": False,
               "litigator": False, "score": 95}]  # fmt: skip
    with psycopg.connect(live_database) as conn:
        user_id = conn.execute("SELECT user_id FROM users WHERE email = %s", (email,)).fetchone()[0]
        conn.execute(
            "INSERT INTO token_purchases (user_id, tokens, amount_paid) VALUES (%s, 100, 9.99)",
            (user_id,),
        )
        conn.execute("UPDATE users SET token_balance = 100 WHERE user_id = %s", (user_id,))
        conn.execute(
            "UPDATE subscriber_profiles SET business_name = 'Sunrise Homes' WHERE user_id = %s",
            (user_id,),
        )
        property_id = conn.execute(
            "INSERT INTO properties (full_address, street_address, city, zip_code, folio_number, "
            "property_type, owner_name, market_value, distressed_score, location) VALUES "
            "('415 NW 90 ST, MIAMI, FL 33150', '415 NW 90 ST', 'MIAMI', '33150', %s, "
            "'single_family', 'GARCIA MARIA L', 310000, 45, "
            "ST_GeogFromText('POINT(-80.2 25.86)')) RETURNING property_id",
            (f"32{uuid.uuid4().int % 10**11:011d}",),
        ).fetchone()[0]
        lead_id = conn.execute(
            "INSERT INTO saved_leads (user_id, property_id, lead_source, lead_score) "
            "VALUES (%s, %s, 'distressed', 45) RETURNING lead_id",
            (user_id, property_id),
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO property_contacts (property_id, matched, phones, provider, enriched_at) "
            "VALUES (%s, true, %s, 'local', %s)",
            (property_id, json.dumps(phones), noon),
        )
        conn.execute(
            "INSERT INTO contact_unlocks (user_id, property_id, unlocked_at) VALUES (%s, %s, %s)",
            (user_id, property_id, noon),
        )
        conn.execute(
            "INSERT INTO outreach_consents (user_id, contact, channel, source, evidence, "
            "consented_at) VALUES (%s, %s, 'sms', 'written', 'Signed form, office file', %s)",
            (user_id, OWNER_PHONE, noon.replace(hour=8)),
        )
    run_cli(live_database, "maintenance", "reconcile-tokens")
    return {"email": email, "lead_id": str(lead_id)}


@pytest.fixture
def noon_page(browser: Browser, noon_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=noon_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _reload_until(page: Page, test_id: str, text: str, attempts: int = 40) -> None:
    """Reload until the element shows ``text`` (the worker handles deliveries and replies)."""
    for _ in range(attempts):
        if text in (page.get_by_test_id(test_id).text_content() or ""):
            return
        time.sleep(0.25)
        page.reload()
    expect(page.get_by_test_id(test_id)).to_contain_text(text)


def test_text_the_owner_and_see_the_reply(noon_page: Page, texting: dict[str, str]) -> None:
    page = noon_page
    log_in(page, texting["email"], PASSWORD)
    page.goto(f"/leads/{texting['lead_id']}/outreach")
    section = page.get_by_test_id("sms-section")
    expect(section.get_by_test_id("sms-simulator-label")).to_contain_text(
        "Offline phone simulator: nothing is sent."
    )
    section.get_by_label("Template").select_option(label="Introduction (English)")
    expect(section.get_by_label("Text", exact=True)).to_have_value(
        "Hi Maria, this is Sunrise Homes. I'm reaching out about your property at 415 NW 90 ST. "
        "Would you consider an offer? Reply STOP to opt out."
    )
    expect(section.locator("[data-sms-count]")).to_contain_text("1 segment: 10 tokens")
    assert violations(page) == []
    section.get_by_role("button", name="Send text").click()
    expect(page.locator(".flash-success")).to_contain_text("Text sent to (305) 555-0142")
    expect(page.get_by_test_id("sms-thread")).to_contain_text("Hi Maria, this is Sunrise Homes.")

    page.get_by_role("link", name="Open the simulated phone").first.click()
    expect(page.get_by_test_id("sms-phone-texts")).to_contain_text("Hi Maria")
    _reload_until(page, "sms-phone-texts", "delivered")
    assert violations(page) == []
    page.get_by_label("Reply as the owner").fill("Yes, call me after 5")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".flash-success")).to_contain_text("Reply sent from the simulated phone")

    page.goto(f"/leads/{texting['lead_id']}/outreach")
    _reload_until(page, "sms-thread", "Yes, call me after 5")
    page.screenshot(path=str(ARTIFACTS / "sms-conversation.png"), full_page=True)


def test_the_sms_pages_fit_a_phone(
    browser: Browser, noon_server: str, texting: dict[str, str]
) -> None:
    context = browser.new_context(base_url=noon_server, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, texting["email"], PASSWORD)
        paths = [
            f"/leads/{texting['lead_id']}/outreach",
            f"/simulator/phone?number=%2B{OWNER_PHONE[1:]}",
            "/simulator/phone",
        ]
        assert problems_of(page, paths) == {}
    finally:
        context.close()
