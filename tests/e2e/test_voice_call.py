"""An AI call in a real browser, on the offline telephone network: from a lead's "AI calls" tab a
subscriber calls the owner, answers as the owner in the call simulator, accepts the visit the
assistant offers, and then sees on the call's record the outcome (Appointment), the transcript,
the charge (one started 3 minutes: 20 credits, the rest of the hold released) and the appointment
booked in their own calendar (none connected); the lead's tab lists the appointment and the call,
and the lead moved to the board's Appointment column. Every page passes axe-core's WCAG 2.1 A/AA
checks; the simulator and the lead's calls page fit a 390 px phone. The call's record is
docs/screenshots/voice-call.png (test-artifacts/voice-call.png).

The server runs at 11:00 New York time today (libfaketime), inside calling hours."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ARTIFACTS, log_in, violations
from tests.e2e.outreach_setup import (
    PASSWORD,
    desktop_page,
    funded_subscriber,
    reload_until,
    saved_lead,
    serving_at,
    today_at,
    unlocked_contact,
)
from tests.e2e.test_mobile import PHONE, problems_of

pytestmark = pytest.mark.e2e
OWNER_PHONE = "+13055550177"
STREET = "520 NW 91 ST"
# "Would Tuesday, December 8 at 10:00 AM work for a visit?"
OFFER = re.compile(r"Would \w+, (\w+) (\d{1,2}) at (\d{1,2}:\d{2}) ([AP]M) work for a visit\?")


@pytest.fixture(scope="module")
def calling_hours_server(live_database: str, map_tile_url: str) -> Iterator[str]:
    """The app and its worker at 11:00 today in New York (the clock then runs on)."""
    with serving_at(live_database, map_tile_url, 11) as url:
        yield url


@pytest.fixture(scope="module")
def calling(live_database: str) -> dict[str, str]:
    """A full-plan subscriber (AI voice calls) with 200 credits and a saved lead whose owner's
    mobile is unlocked and consented to calls."""
    subscriber = funded_subscriber(live_database, "voice", 200, business_name="Sunrise Roofing")
    property_id, lead_id = saved_lead(
        live_database, subscriber.user_id, STREET, owner_name="PEREZ ANA M"
    )
    unlocked_contact(live_database, subscriber.user_id, property_id, phones=[OWNER_PHONE])
    with psycopg.connect(live_database) as conn:
        conn.execute(
            "INSERT INTO outreach_consents (user_id, contact, channel, source, evidence, "
            "consented_at) VALUES (%s, %s, 'call', 'written', 'Signed form, office file', %s)",
            (subscriber.user_id, OWNER_PHONE, today_at(8).replace(tzinfo=None)),
        )
    return {"email": subscriber.email, "lead_id": str(lead_id)}


@pytest.fixture
def calling_page(browser: Browser, calling_hours_server: str) -> Iterator[Page]:
    with desktop_page(browser, calling_hours_server) as page:
        yield page


def _say(page: Page, words: str) -> None:
    page.locator("#sim-speech").fill(words)
    page.get_by_test_id("sim-say").click()
    expect(page.locator(".flash-success")).to_contain_text("Said.")


def test_a_call_that_ends_in_an_appointment(
    calling_page: Page, calling: dict[str, str], browser: Browser, calling_hours_server: str
) -> None:
    page = calling_page
    lead_id = calling["lead_id"]
    # Each page's axe-core violations, asserted at the end (the journey goes on to the end first).
    found: dict[str, list[object]] = {}

    def audit(page: Page) -> None:
        if problems := violations(page):
            found[f"{page.url.removeprefix(calling_hours_server)} ({len(found)})"] = problems

    log_in(page, calling["email"], PASSWORD)
    page.goto(f"/leads/{lead_id}")
    audit(page)
    page.get_by_test_id("calls-tab").click()
    expect(page).to_have_url(f"/leads/{lead_id}/calls")
    form = page.get_by_test_id("call-form")
    expect(form.get_by_label("Owner's number")).to_contain_text("(305) 555-0177")
    expect(page.get_by_test_id("lead-calls-empty")).to_be_visible()
    audit(page)
    form.get_by_label("Language of the call").select_option(label="English")
    form.get_by_label("Longest call, in minutes").fill("6")
    page.get_by_test_id("place-call").click()

    expect(page).to_have_url(re.compile(r"/voice/calls/[0-9a-f-]{36}$"))
    call_path = page.url.removeprefix(calling_hours_server)
    expect(page.get_by_test_id("call-in-progress")).to_be_visible()
    audit(page)
    page.get_by_test_id("answer-in-simulator").click()
    expect(page).to_have_url(re.compile(r"/voice/simulator/calls/[^/]+$"))
    simulator_path = page.url.removeprefix(calling_hours_server)
    audit(page)

    page.get_by_test_id("sim-answer").click()
    transcript = page.get_by_test_id("sim-transcript")
    expect(transcript).to_contain_text("automated assistant")
    expect(transcript).to_contain_text("Sunrise Roofing")
    audit(page)
    _say(page, "Yes please")
    expect(transcript).to_contain_text("Yes please")
    expect(transcript).to_contain_text(OFFER)
    offer = OFFER.search(transcript.inner_text())
    assert offer is not None
    month, day, clock, half = offer.groups()
    _say(page, "Yes")
    expect(page.get_by_test_id("sim-ended")).to_contain_text("Appointment")
    audit(page)

    page.get_by_test_id("sim-call-record").click()
    expect(page).to_have_url(call_path)
    # The end of the call is settled by the status job in the worker.
    reload_until(page, "call-outcome", "Appointment")
    reload_until(page, "call-credits", "20")
    expect(page.get_by_test_id("call-credits")).to_have_text("20")
    expect(page.get_by_test_id("call-in-progress")).to_have_count(0)
    expect(page.get_by_test_id("call-transcript")).to_contain_text("Owner: Yes please")
    appointment = page.get_by_test_id("call-appointment")
    reload_until(page, "appointment-status", "Booked in your calendar.")
    # The visit offered, shown as a short date and time ("12/8/25, 10:00 AM").
    month_number = list(calendar.month_name).index(month)
    visit = re.compile(rf"{month_number}/{day}/\d\d,\s{clock}\s{half}")
    expect(appointment).to_contain_text(visit)
    expect(page.get_by_test_id("appointment-status")).to_have_text("Booked in your calendar.")
    audit(page)
    page.screenshot(path=str(ARTIFACTS / "voice-call.png"), full_page=True)

    page.goto("/tokens")
    expect(page.get_by_test_id("balance").locator("strong")).to_have_text("180")
    expect(page.get_by_test_id("balance")).not_to_contain_text("held")
    audit(page)

    page.goto(f"/leads/{lead_id}/calls")
    expect(page.get_by_test_id("lead-appointments")).to_contain_text(visit)
    expect(page.get_by_test_id("lead-appointments")).to_contain_text("booked")
    calls = page.locator(f'a[href="{call_path}"]')
    expect(calls).to_have_count(1)
    call_row = page.locator("tr", has=calls)
    expect(call_row).to_contain_text("Appointment")
    expect(call_row).to_contain_text("(305) 555-0177")
    audit(page)

    page.goto("/leads")
    cards = page.get_by_test_id("column-appointment").get_by_test_id("lead-card")
    expect(cards.filter(has_text=STREET)).to_have_count(1)
    expect(page.get_by_test_id("column-new").get_by_test_id("lead-card")).to_have_count(0)
    audit(page)

    phone_context = browser.new_context(base_url=calling_hours_server, viewport=PHONE)
    phone = phone_context.new_page()
    try:
        log_in(phone, calling["email"], PASSWORD)
        paths = [f"/leads/{lead_id}/calls", simulator_path, "/voice/simulator", call_path]
        found.update({f"{path} at 390 px": got for path, got in problems_of(phone, paths).items()})
    finally:
        phone_context.close()
    assert found == {}
