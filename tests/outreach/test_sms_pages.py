"""SMS through the API and the pages: send, list (keyset pages), preview; the lead's outreach page
shows the thread (replies counted unread, then marked read as shown) and the send form; a
refusal shows its message on the form; the offline phone simulator (labelled, subscribers only,
gone when Twilio is configured) shows a phone's texts and posts its replies through the same
intake. The clock of the send routes is fixed at a weekday noon (the guard's quiet hours)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from propintel.config import get_settings
from propintel.outreach import sms_endpoints, sms_pages
from tests.factories import bearer_for, browser_as, csrf_of, log_in_browser, token_balance
from tests.outreach.sms_helpers import (
    MOBILE,
    NOW,
    count,
    run_outreach_jobs,
    unlocked_lead,
)

ATTEMPTS = "SELECT count(*) FROM outreach_attempts WHERE user_id = :u AND NOT allowed"


@pytest.fixture(autouse=True)
def noon(monkeypatch: pytest.MonkeyPatch) -> datetime:
    for module in (sms_endpoints, sms_pages):
        monkeypatch.setattr(module, "now_new_york", lambda: NOW)
    return NOW


async def test_api_send_list_and_preview(db: AsyncSession, client: httpx.AsyncClient) -> None:
    owner = await unlocked_lead(db)
    headers = await bearer_for(client, owner.user)
    base = f"/api/v1/leads/{owner.lead_id}/sms"
    preview = await client.post(
        f"{base}/preview", json={"to": MOBILE, "template": "starter:intro_en"}, headers=headers
    )
    assert preview.status_code == 200, preview.text
    shown = preview.json()
    assert shown["body"].startswith("Hi Maria, this is Sunrise Homes.")
    assert (shown["segments"], shown["tokens"], shown["balance"]) == (1, 10, 100)
    assert shown["blocked"] is None and shown["encoding"] == "GSM-7"
    sent = await client.post(
        base, json={"to": MOBILE, "body": "Hello {owner_first_name}"}, headers=headers
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["body"] == "Hello Maria" and sent.json()["balance"] == 90
    await client.post(base, json={"to": MOBILE, "body": "Second"}, headers=headers)
    page = await client.get(base, params={"limit": 1}, headers=headers)
    first = page.json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    assert first["items"][0]["direction"] == "outbound"
    assert first["items"][0]["at"] == "2026-03-10T12:00:00-04:00"  # New York time, with offset
    rest = await client.get(
        base, params={"limit": 1, "cursor": first["next_cursor"]}, headers=headers
    )
    assert rest.json()["next_cursor"] is None
    bodies = {first["items"][0]["body"], rest.json()["items"][0]["body"]}
    assert bodies == {"Hello Maria", "Second"}  # both, once each (sent at the same instant)
    forged = await client.get(base, params={"cursor": "garbage"}, headers=headers)
    assert forged.status_code == 422


async def test_api_refusals_answer_with_their_rule_in_words(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await unlocked_lead(db, consent=False)
    await db.commit()  # a refused request rolls back to here
    headers = await bearer_for(client, owner.user)
    blocked = await client.post(
        f"/api/v1/leads/{owner.lead_id}/sms", json={"to": MOBILE, "body": "Hi"}, headers=headers
    )
    assert blocked.status_code == 403 and "consent" in blocked.json()["detail"].lower()
    assert await count(db, ATTEMPTS, u=owner.user.user_id) == 1  # the guard's record is kept
    assert await token_balance(db, owner.user.user_id) == 100
    other = await unlocked_lead(db)
    await db.commit()
    stranger = await client.post(
        f"/api/v1/leads/{other.lead_id}/sms", json={"to": MOBILE, "body": "Hi"}, headers=headers
    )
    assert stranger.status_code == 404


async def test_the_outreach_page_shows_the_thread_and_marks_replies_read(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await unlocked_lead(db)
    await log_in_browser(client, owner.user)
    csrf = csrf_of(client)
    page = await client.get(f"/leads/{owner.lead_id}/outreach")
    assert page.status_code == 200
    assert 'data-testid="sms-section"' in page.text and "No texts with this owner yet." in page.text
    assert "Offline phone simulator: nothing is sent." in page.text
    assert "(305) 555-1234" in page.text  # the unlocked number to choose
    sent = await client.post(
        f"/leads/{owner.lead_id}/sms",
        data={"to": MOBILE, "body": "Hello {owner_first_name}", "template": "", "csrf_token": csrf},
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("/outreach#sms")
    shown = await client.get(sent.headers["location"])
    assert "Text sent to (305) 555-1234" in shown.text and "Hello Maria" in shown.text
    assert "/simulator/phone?number=%2B13055551234" in shown.text
    reply = await client.post(
        "/simulator/phone/reply", data={"number": MOBILE, "body": "Call me", "csrf_token": csrf}
    )
    assert reply.status_code == 303
    await run_outreach_jobs(db)
    with_reply = await client.get(f"/leads/{owner.lead_id}/outreach")
    assert "Call me" in with_reply.text and "1 new reply" in with_reply.text
    again = await client.get(f"/leads/{owner.lead_id}/outreach")
    assert "Call me" in again.text and "new reply" not in again.text


async def test_a_blocked_send_shows_the_guards_message_on_the_form(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await unlocked_lead(db, consent=False)
    await log_in_browser(client, owner.user)
    response = await client.post(
        f"/leads/{owner.lead_id}/sms",
        data={"to": MOBILE, "body": "My text as typed", "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 403
    assert 'data-testid="sms-error"' in response.text and "consent" in response.text.lower()
    assert "My text as typed" in response.text
    assert await count(db, ATTEMPTS, u=owner.user.user_id) == 1


async def test_the_preview_page_fills_in_and_counts(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await unlocked_lead(db)
    await log_in_browser(client, owner.user)
    response = await client.post(
        f"/leads/{owner.lead_id}/sms/preview",
        data={
            "to": MOBILE,
            "template": "starter:intro_es",
            "body": "",
            "csrf_token": csrf_of(client),
        },
    )
    assert response.status_code == 200
    assert 'data-testid="sms-preview"' in response.text
    assert "Hola Maria, le escribe Sunrise Homes." in response.text
    assert "with special characters, 70 per segment" in response.text  # í is not GSM-7
    bad = await client.post(
        f"/leads/{owner.lead_id}/sms/preview",
        data={"to": MOBILE, "body": "Hi {nombre}", "csrf_token": csrf_of(client)},
    )
    assert bad.status_code == 422 and "{nombre}" in bad.text


async def test_a_subscriber_without_the_feature_sees_the_upgrade_message(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await unlocked_lead(db)
    owner.user.subscription_status = "expired"  # the plan ended after the lead was saved
    await db.flush()
    await log_in_browser(client, owner.user)
    page = await client.get(f"/leads/{owner.lead_id}/outreach")
    assert page.status_code == 200
    assert 'data-testid="sms-upgrade"' in page.text and "/billing/plan" in page.text
    refused = await client.post(
        f"/leads/{owner.lead_id}/sms",
        data={"to": MOBILE, "body": "Hi", "csrf_token": csrf_of(client)},
    )
    assert refused.status_code == 403


async def test_the_simulator_shows_only_your_texts_with_a_phone(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await unlocked_lead(db)
    await log_in_browser(client, owner.user)
    await client.post(
        f"/leads/{owner.lead_id}/sms",
        data={"to": MOBILE, "body": "Only mine", "csrf_token": csrf_of(client)},
    )
    phone = await client.get("/simulator/phone", params={"number": MOBILE})
    assert phone.status_code == 200 and "Only mine" in phone.text
    assert "Offline phone simulator: nothing is sent." in phone.text
    listing = await client.get("/simulator/phone")
    assert "(305) 555-1234" in listing.text
    other = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    async with other:
        await browser_as(other, db)
        theirs = await other.get("/simulator/phone", params={"number": MOBILE})
        assert "Only mine" not in theirs.text
        refused = await other.post(
            "/simulator/phone/reply",
            data={"number": MOBILE, "body": "Hi", "csrf_token": csrf_of(other)},
        )
        assert refused.status_code == 404


async def test_the_simulator_is_for_subscribers(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    await browser_as(client, db, UserType.HOMEOWNER)
    assert (await client.get("/simulator/phone")).status_code == 403


class TestWithTwilio:
    @pytest.fixture
    def app_options(self) -> dict[str, Any]:
        settings = get_settings().model_copy(
            update={"twilio_account_sid": "AC" + "1" * 32, "twilio_auth_token": SecretStr("t")}
        )
        return {"settings": settings}

    async def test_there_is_no_simulator(self, db: AsyncSession, client: httpx.AsyncClient) -> None:
        await browser_as(client, db)
        assert (await client.get("/simulator/phone")).status_code == 404


async def test_the_section_and_the_simulator_speak_spanish(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await unlocked_lead(db)
    await log_in_browser(client, owner.user)
    spanish = {"Accept-Language": "es"}
    await client.post(
        f"/leads/{owner.lead_id}/sms",
        data={"to": MOBILE, "body": "Hola", "csrf_token": csrf_of(client)},
    )
    page = await client.get(f"/leads/{owner.lead_id}/outreach", headers=spanish)
    assert "Mensajes de texto" in page.text and "Enviar mensaje" in page.text
    assert "Simulador de teléfono sin conexión: no se envía nada." in page.text
    assert "Presentación (en español)" in page.text and "Text messages" not in page.text
    phone = await client.get("/simulator/phone", params={"number": MOBILE}, headers=spanish)
    assert "Simulador de teléfono" in phone.text and "Responder como el propietario" in phone.text
