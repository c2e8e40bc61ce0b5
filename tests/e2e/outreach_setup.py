"""What the outreach browser tests set up: a live server at a chosen New York hour (libfaketime:
the app's own clock code runs unchanged), a funded subscriber, a saved lead on a property, and
an owner contact already unlocked (rows written directly, for tests about what comes after)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import libfaketime
import psycopg
from playwright.sync_api import Browser, Page, expect

from propintel.integrations.local.skiptrace import simulate
from propintel.integrations.skiptrace import SkipTraceRequest
from propintel.kit.clock import NEW_YORK
from tests.e2e.conftest import run_cli, serving

PASSWORD = "a-long-enough-password"
# The outreach tests' properties are in a ZIP no browser test searches (they share the live
# database: a lead search elsewhere must not find them).
ZIP = "33168"


def today_at(hour: int) -> datetime:
    """Today at ``hour``:00 in New York (aware)."""
    today = datetime.now(NEW_YORK).date()
    return datetime(today.year, today.month, today.day, hour, 0, tzinfo=NEW_YORK)


@contextmanager
def serving_at(database: str, map_tile_url: str, hour: int) -> Iterator[str]:
    """The app and its worker with their clock started at today's ``hour`` in New York (it then
    runs on), through libfaketime's LD_PRELOAD."""
    _, preload = libfaketime.get_reload_information()
    start = today_at(hour).astimezone(UTC).strftime("@%Y-%m-%d %H:%M:%S")
    with serving(database, map_tile_url, **preload, FAKETIME=start, TZ="UTC") as url:
        yield url


@dataclass(frozen=True)
class Subscriber:
    email: str
    user_id: uuid.UUID


def funded_subscriber(
    database: str,
    prefix: str,
    credits: int,
    *,
    business_name: str | None = None,
    postal_address: str | None = None,
) -> Subscriber:
    """A full-plan subscriber (made by the CLI) holding ``credits`` bought credits, its profile
    named ``business_name`` with ``postal_address`` when given."""
    email = f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"
    run_cli(database, "users", "create", "--email", email, "--password", PASSWORD,
            "--type", "subscriber", "--plan", "full")  # fmt: skip
    with psycopg.connect(database) as conn:
        row = conn.execute("SELECT user_id FROM users WHERE email = %s", (email,)).fetchone()
        assert row is not None
        user_id = row[0]
        if credits:
            conn.execute(
                "INSERT INTO token_purchases (user_id, tokens, amount_paid) VALUES (%s, %s, 9.99)",
                (user_id, credits),
            )
            conn.execute(
                "UPDATE users SET token_balance = %s WHERE user_id = %s", (credits, user_id)
            )
        if business_name or postal_address:
            profile = (business_name, postal_address, user_id)
            updated = conn.execute(
                "UPDATE subscriber_profiles SET business_name = %s, postal_address = %s "
                "WHERE user_id = %s",
                profile,
            )
            if updated.rowcount == 0:
                conn.execute(
                    "INSERT INTO subscriber_profiles (business_name, postal_address, user_id) "
                    "VALUES (%s, %s, %s)",
                    profile,
                )
    return Subscriber(email, user_id)


def saved_lead(
    database: str,
    user_id: uuid.UUID,
    street: str,
    *,
    owner_name: str = "DOE JANE",
    zip_code: str = ZIP,
    notes: str | None = None,
) -> tuple[uuid.UUID, uuid.UUID]:
    """A distressed single-family property at ``street`` (Miami) saved as ``user_id``'s lead:
    (property id, lead id)."""
    with psycopg.connect(database) as conn:
        row = conn.execute(
            "INSERT INTO properties (full_address, street_address, city, zip_code, folio_number, "
            "property_type, owner_name, market_value, distressed_score, location) VALUES "
            "(%s, %s, 'MIAMI', %s, %s, 'single_family', %s, 350000, 40, "
            "ST_GeogFromText('POINT(-80.2 25.85)')) RETURNING property_id",
            (f"{street}, MIAMI, FL {zip_code}", street, zip_code,
             f"3{uuid.uuid4().int % 10**12:012d}", owner_name),
        ).fetchone()  # fmt: skip
        assert row is not None
        lead = conn.execute(
            "INSERT INTO saved_leads (user_id, property_id, lead_source, lead_score, notes) "
            "VALUES (%s, %s, 'distressed', 40, %s) RETURNING lead_id",
            (user_id, row[0], notes),
        ).fetchone()
        assert lead is not None
    return row[0], lead[0]


def unlocked_contact(
    database: str,
    user_id: uuid.UUID,
    property_id: uuid.UUID,
    *,
    phones: Sequence[str] = (),
    emails: Sequence[str] = (),
) -> None:
    """The owner's contact on record (mobile numbers, e-mails) and unlocked by ``user_id``."""
    found: list[dict[str, Any]] = [
        {"number": number, "type": "mobile", "carrier": "Sim", "dnc": False, "litigator": False,
         "score": 90}
        for number in phones
    ]  # fmt: skip
    with psycopg.connect(database) as conn:
        conn.execute(
            "INSERT INTO property_contacts (property_id, matched, phones, emails, provider, "
            "enriched_at) VALUES (%s, true, %s, %s, 'local', now())",
            (property_id, json.dumps(found), json.dumps(list(emails))),
        )
        conn.execute(
            "INSERT INTO contact_unlocks (user_id, property_id) VALUES (%s, %s)",
            (user_id, property_id),
        )


def streets_the_simulator_matches(count: int, zip_code: str) -> list[str]:
    """Streets for which the skip-trace simulator finds the owner (DOE JANE) with a usable mobile
    (not DNC-listed, not a litigator's)."""
    found = []
    for n in range(100, 10_000):
        street = f"{n} NE 8{n % 10} ST"
        result = simulate(SkipTraceRequest("", street, "MIAMI", "FL", zip_code, "Jane", "Doe"))
        if any(p.type == "mobile" and not p.dnc and not p.litigator for p in result.phones):
            found.append(street)
            if len(found) == count:
                return found
    raise AssertionError("the simulator found too few owners")


@contextmanager
def desktop_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A new browser context on ``base_url`` at a desktop size, closed on exit."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def reload_until(page: Page, test_id: str, text: str, attempts: int = 40) -> None:
    """Reload until the element shows ``text`` (the worker delivers texts, replies, events)."""
    for _ in range(attempts):
        if text in (page.get_by_test_id(test_id).text_content() or ""):
            return
        time.sleep(0.25)
        page.reload()
    expect(page.get_by_test_id(test_id)).to_contain_text(text)
