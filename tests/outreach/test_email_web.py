"""E-mail outreach over HTTP: SendGrid's signed Event Webhook (a bad or stale signature refused
with nothing stored, a replay with one effect, messages matched by prefix), Inbound Parse (a wrong
secret is a 404; a reply pauses the sequence and reaches the subscriber), the one-click
unsubscribe (no CSRF token, idempotent), the API and the pages with tenancy, the outbox's
simulator, deleting a lead with e-mails, and the ledger reconciled after a mixed run."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings
from propintel.integrations.sendgrid import events as sendgrid_events
from propintel.kit.clock import now_new_york
from propintel.maintenance.tokens import balance_discrepancies, reconcile_tokens
from propintel.outreach import email_events, email_outreach
from propintel.outreach.email_content import unsubscribe_token
from propintel.outreach.email_outreach import EmailNotSent
from tests.factories import bearer_for, csrf_of, log_in_browser, token_balance
from tests.outreach.email_helpers import (
    NOW,
    OWNER_EMAIL,
    failing_senders,
    local_senders,
    log_row,
    message_id_of,
    ready_owner,
    run_email_jobs,
    send_one,
    sequence_row,
    settings,
    signed_events,
    start_intro,
)

EVENTS = "/webhooks/sendgrid/events"


async def _count(db: AsyncSession, sql: str, **params: Any) -> int:
    return int(await db.scalar(text(sql), params) or 0)


async def _stored_events(db: AsyncSession) -> int:
    return await _count(db, "SELECT count(*) FROM webhook_events WHERE source = 'sendgrid'")


def _event(kind: str, message_id: str, event_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "email": OWNER_EMAIL,
        "timestamp": 1777900000,  # 2026-05-04 09:06:40 New York
        "event": kind,
        "sg_event_id": event_id,
        "sg_message_id": message_id,
        **extra,
    }


async def test_signed_events_set_opened_and_clicked_once(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await ready_owner(db)
    delivery = await send_one(db, owner)
    message_id = await message_id_of(db, delivery.log_id)
    batch = [
        _event("processed", f"{message_id}.filter0001.1.0", "e-0"),
        _event("open", f"{message_id}.filter0001.1.0", "e-1"),
        _event("click", f"{message_id}.filter0001.1.0", "e-2", url="https://x.example"),
    ]
    body, headers = signed_events(batch)

    first = await client.post(EVENTS, content=body, headers=headers)
    again = await client.post(EVENTS, content=body, headers=headers)  # SendGrid's retry

    assert (first.status_code, first.json()["new"]) == (200, 3)
    assert (again.status_code, again.json()["new"]) == (200, 0)
    outcomes = [r["outcome"] for r in await run_email_jobs(db)]
    assert outcomes == ["processed: ignored", "open: recorded", "click: recorded"]
    log = await log_row(db, delivery.log_id)
    opened = log["opened_at"]
    assert opened is not None and log["clicked_at"] == opened
    # Another open later changes nothing: the first one counts.
    later = [_event("open", message_id, "e-3", timestamp=1777990000)]
    body, headers = signed_events(later)
    await client.post(EVENTS, content=body, headers=headers)
    assert [r["outcome"] for r in await run_email_jobs(db, {0})][-1] == "open: already recorded"
    assert (await log_row(db, delivery.log_id))["opened_at"] == opened


@pytest.mark.parametrize(
    "tamper",
    ["body", "signature", "no headers", "stale", "future", "other key"],
)
async def test_a_bad_signature_is_refused_with_nothing_stored(
    db: AsyncSession, client: httpx.AsyncClient, tamper: str
) -> None:
    owner = await ready_owner(db)
    delivery = await send_one(db, owner)
    message_id = await message_id_of(db, delivery.log_id)
    now = time.time()
    at = {"stale": now - 600, "future": now + 600}.get(tamper, now)
    body, headers = signed_events([_event("open", message_id, "e-x")], at=at)
    if tamper == "body":
        body = body.replace(b"open", b"bounce")
    elif tamper == "signature":
        headers[sendgrid_events.SIGNATURE_HEADER] = headers[sendgrid_events.SIGNATURE_HEADER][::-1]
    elif tamper == "no headers":
        headers = {"Content-Type": "application/json"}
    elif tamper == "other key":
        key = sendgrid_events.derived_private_key("ab" * 32)
        stamp = headers[sendgrid_events.TIMESTAMP_HEADER]
        headers[sendgrid_events.SIGNATURE_HEADER] = sendgrid_events.sign(body, stamp, key)

    refused = await client.post(EVENTS, content=body, headers=headers)

    assert refused.status_code == 403
    assert await _stored_events(db) == 0
    assert await _count(db, "SELECT count(*) FROM procrastinate_jobs "
                        "WHERE task_name = 'outreach.handle_email_event'") == 0  # fmt: skip


async def test_events_of_other_mail_and_unknown_ids(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    body, headers = signed_events(
        [
            _event("open", "not-ours.filter1", "u-1"),  # e.g. a saved-search alert
            {"event": "open", "timestamp": 1777900000},  # no sg_event_id: skipped
        ]
    )
    answer = await client.post(EVENTS, content=body, headers=headers)
    assert answer.json()["new"] == 1
    assert [r["outcome"] for r in await run_email_jobs(db)] == ["open: not an e-mail to an owner"]


async def test_an_event_naming_an_unrecorded_log_is_retried(db: AsyncSession) -> None:
    body, headers = signed_events([_event("open", "later-1", "r-1", log_id=str(uuid.uuid4()))])
    await email_events.receive_events(
        db, settings(), body, headers[sendgrid_events.SIGNATURE_HEADER],
        headers[sendgrid_events.TIMESTAMP_HEADER],
    )  # fmt: skip
    with pytest.raises(LookupError):
        await run_email_jobs(db)
    unprocessed = await _count(
        db, "SELECT count(*) FROM webhook_events WHERE source = 'sendgrid' AND processed_at IS NULL"
    )
    assert unprocessed == 1


async def test_with_sendgrid_and_no_key_events_are_refused(db: AsyncSession) -> None:

    body, headers = signed_events([_event("open", "m", "k-1")])
    real = Settings(sendgrid_api_key=SecretStr("SG.x"))
    with pytest.raises(email_events.EventsRefused):
        await email_events.receive_events(
            db, real, body, headers[sendgrid_events.SIGNATURE_HEADER],
            headers[sendgrid_events.TIMESTAMP_HEADER],
        )  # fmt: skip
    assert await _stored_events(db) == 0


async def test_unsubscribe_and_spam_report_events_opt_out(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)
    log_id = await db.scalar(
        text("SELECT log_id FROM email_workflow_logs WHERE sequence_id = :s"),
        {"s": sequence.sequence_id},
    )
    message_id = await message_id_of(db, log_id)
    body, headers = signed_events(
        [_event("spamreport", message_id, "s-1"), _event("unsubscribe", message_id, "s-2")]
    )
    await client.post(EVENTS, content=body, headers=headers)
    assert [r["outcome"] for r in await run_email_jobs(db)] == [
        "spamreport: recorded",
        "unsubscribe: already recorded",
    ]
    assert (await log_row(db, log_id))["unsubscribed_at"] is not None
    assert (await sequence_row(db, sequence.sequence_id))["pause_reason"] == "opted_out"
    opt_outs = await _count(
        db,
        "SELECT count(*) FROM outreach_opt_outs WHERE user_id = :u AND contact = :c "
        "AND channel = 'email'",
        u=owner.user.user_id,
        c=OWNER_EMAIL,
    )
    assert opt_outs == 1


# ---- Inbound Parse ---------------------------------------------------------------------------


def _reply_form(log_id: uuid.UUID, text_: str = "Call me, please") -> dict[str, str]:
    return {
        "from": f"Maria Garcia <{OWNER_EMAIL}>",
        "to": f"Sunny Pools <reply+{log_id}@propintel.example>",
        "subject": "Re: About your property",
        "text": text_,
        "headers": "Message-ID: <abc@mail.example>\n",
        "envelope": json.dumps({"to": [f"reply+{log_id}@propintel.example"], "from": OWNER_EMAIL}),
    }


async def test_a_reply_is_recorded_pauses_and_reaches_the_subscriber(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)
    log_id = await db.scalar(
        text("SELECT log_id FROM email_workflow_logs WHERE sequence_id = :s"),
        {"s": sequence.sequence_id},
    )
    path = f"/webhooks/sendgrid/inbound/{sendgrid_events.inbound_secret(settings())}"
    form = _reply_form(log_id)

    first = await client.post(path, data=form, files={"attachment-info": (None, "{}")})
    assert first.status_code == 200 and first.json() == {"received": True, "duplicate": False}
    assert [r["outcome"] for r in await run_email_jobs(db)] == ["reply: recorded"]
    assert (await log_row(db, log_id))["replied_at"] is not None
    assert (await sequence_row(db, sequence.sequence_id))["pause_reason"] == "replied"
    notice = (
        await db.execute(
            text("SELECT subject, text_body, headers FROM email_outbox WHERE to_email = :e"),
            {"e": owner.user.email},
        )
    ).one()
    assert notice.subject == "Reply from the owner of 1 LEAD ST, MIAMI, FL 33139"
    assert "Call me, please" in notice.text_body
    assert notice.headers["Reply-To"] == OWNER_EMAIL


async def test_a_reply_is_matched_by_its_references_too(db: AsyncSession) -> None:
    owner = await ready_owner(db)
    delivery = await send_one(db, owner)
    message_id = await message_id_of(db, delivery.log_id)
    form = {
        "from": OWNER_EMAIL,
        "to": "someone@propintel.example",
        "text": "ok",
        "headers": f"In-Reply-To: <{message_id}.filter1.0@geopod.example>\nSubject: x\n",
    }
    secret = sendgrid_events.inbound_secret(settings())
    await email_events.receive_reply(db, settings(), secret, form, b"raw-1", now=now_new_york())
    assert [r["outcome"] for r in await run_email_jobs(db)] == ["reply: recorded"]
    assert (await log_row(db, delivery.log_id))["replied_at"] is not None


async def test_inbound_wrong_secret_is_a_404_and_a_replay_is_one_reply(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await ready_owner(db)
    delivery = await send_one(db, owner)
    await db.commit()  # (a refused request rolls back to here)
    wrong = await client.post("/webhooks/sendgrid/inbound/guess", data=_reply_form(delivery.log_id))
    assert wrong.status_code == 404 and await _stored_events(db) == 0
    path = f"/webhooks/sendgrid/inbound/{sendgrid_events.inbound_secret(settings())}"
    content = '--b\r\nContent-Disposition: form-data; name="to"\r\n\r\n' + (
        f"reply+{delivery.log_id}@propintel.example\r\n--b--\r\n"
    )
    headers = {"Content-Type": "multipart/form-data; boundary=b"}
    await client.post(path, content=content, headers=headers)
    replay = await client.post(path, content=content, headers=headers)
    assert replay.json()["duplicate"] is True
    assert [r["outcome"] for r in await run_email_jobs(db)] == ["reply: recorded"]
    unmatched = await client.post(path, data={"to": "nobody@propintel.example", "text": "hi"})
    assert unmatched.status_code == 200
    assert [r["outcome"] for r in await run_email_jobs(db, {0})][-1] == "reply: no thread"


# ---- unsubscribe -----------------------------------------------------------------------------


async def test_one_click_unsubscribe_without_csrf_is_idempotent(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await ready_owner(db)
    delivery = await send_one(db, owner)
    url = f"/unsubscribe/{unsubscribe_token(settings(), delivery.log_id)}"

    page = await client.get(url)
    assert page.status_code == 200
    assert "Stop receiving e-mails from Sunny Pools" in page.text and 'method="post"' in page.text
    for _ in range(2):  # as mail clients post it: no cookie, no CSRF token
        done = await httpx.AsyncClient(
            transport=client._transport, base_url="http://testserver"
        ).post(url, data={"List-Unsubscribe": "One-Click"})
        assert done.status_code == 200 and "You are unsubscribed" in done.text
    assert (await log_row(db, delivery.log_id))["unsubscribed_at"] is not None
    assert await _count(
        db, "SELECT count(*) FROM outreach_opt_outs WHERE user_id = :u", u=owner.user.user_id
    ) == 1  # fmt: skip
    assert "You are unsubscribed" in (await client.get(url)).text
    assert (await client.get("/unsubscribe/forged")).status_code == 404
    assert (await client.post("/unsubscribe/forged")).status_code == 404


# ---- API and pages ---------------------------------------------------------------------------


async def test_api_send_list_and_sequence_with_tenancy(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await ready_owner(db)
    headers = await bearer_for(client, owner.user)
    base = f"/api/v1/leads/{owner.lead_id}"

    sent = await client.post(
        f"{base}/emails", json={"to": OWNER_EMAIL, "subject": "Hi {owner_first_name}", "body": "x"},
        headers=headers,
    )  # fmt: skip
    assert sent.status_code == 201, sent.text
    assert sent.json()["subject"] == "Hi Maria" and sent.json()["status"] == "sent"
    templated = await client.post(
        f"{base}/emails", json={"to": OWNER_EMAIL, "template": "builtin:intro_es"}, headers=headers
    )
    assert templated.json()["subject"].startswith("Sobre su propiedad")
    first = await client.get(f"{base}/emails", params={"limit": 1}, headers=headers)
    assert len(first.json()["items"]) == 1 and first.json()["next_cursor"]
    second = await client.get(
        f"{base}/emails",
        params={"limit": 1, "cursor": first.json()["next_cursor"]},
        headers=headers,
    )
    assert [i["subject"] for i in second.json()["items"]] == ["Hi Maria"]
    assert second.json()["next_cursor"] is None

    started = await client.post(
        f"{base}/sequences",
        json={"to": OWNER_EMAIL, "template": "builtin:intro_en"},
        headers=headers,
    )
    assert started.status_code == 201, started.text
    sequence_id = started.json()["sequence_id"]
    assert started.json()["next_step"] == 1 and started.json()["status"] == "active"
    again = await client.post(
        f"{base}/sequences",
        json={
            "to": OWNER_EMAIL,
            "name": "Mine",
            "steps": [{"day": 0, "subject": "a", "body": "b"}],
        },
        headers=headers,
    )
    assert again.status_code == 409
    paused = await client.post(f"/api/v1/sequences/{sequence_id}/pause", headers=headers)
    assert paused.json()["pause_reason_text"] == "You paused it."

    other = await ready_owner(db, address="3 OTHER ST")
    theirs = await bearer_for(client, other.user)
    assert (await client.get(f"{base}/emails", headers=theirs)).status_code == 404
    assert (await client.get(f"{base}/sequences", headers=theirs)).status_code == 404
    sent_by_b = await client.post(
        f"{base}/emails", json={"to": OWNER_EMAIL, "subject": "a", "body": "b"}, headers=theirs
    )
    assert sent_by_b.status_code == 404
    for action in ("pause", "resume", "stop"):
        answer = await client.post(f"/api/v1/sequences/{sequence_id}/{action}", headers=theirs)
        assert answer.status_code == 404
    assert (await client.get(f"/api/v1/sequences/{sequence_id}", headers=theirs)).status_code == 404
    resumed = await client.post(f"/api/v1/sequences/{sequence_id}/resume", headers=headers)
    assert resumed.json()["status"] == "active"
    stopped = await client.post(f"/api/v1/sequences/{sequence_id}/stop", headers=headers)
    assert stopped.json()["status"] == "stopped"


async def test_api_refusals(db: AsyncSession, client: httpx.AsyncClient) -> None:
    owner = await ready_owner(db, postal=None, tokens=0)
    headers = await bearer_for(client, owner.user)
    user_id = owner.user.user_id
    await db.commit()  # (a refused request rolls back to here)
    url = f"/api/v1/leads/{owner.lead_id}/emails"
    no_postal = await client.post(
        url, json={"to": OWNER_EMAIL, "subject": "a", "body": "b"}, headers=headers
    )
    assert no_postal.status_code == 409 and "postal address" in no_postal.text
    await db.execute(
        text("UPDATE subscriber_profiles SET postal_address = 'PO Box 1' WHERE user_id = :u"),
        {"u": user_id},
    )
    await db.commit()
    broke = await client.post(
        url, json={"to": OWNER_EMAIL, "subject": "a", "body": "b"}, headers=headers
    )
    assert broke.status_code == 402
    wrong = await client.post(
        url, json={"to": "x@example.org", "subject": "a", "body": "b"}, headers=headers
    )
    assert wrong.status_code == 422


async def test_the_outreach_page_section_and_its_forms(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await ready_owner(db)
    await log_in_browser(client, owner.user)
    page = await client.get(f"/leads/{owner.lead_id}/outreach")
    assert page.status_code == 200
    assert 'data-testid="email-section"' in page.text and "Offline simulator" in page.text
    assert "No e-mails to this owner yet." in page.text and OWNER_EMAIL in page.text
    csrf = csrf_of(client)

    sent = await client.post(
        f"/leads/{owner.lead_id}/email",
        data={"csrf_token": csrf, "to": OWNER_EMAIL, "template": "builtin:intro_en"},
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("/outreach#email")
    started = await client.post(
        f"/leads/{owner.lead_id}/email/sequences",
        data={"csrf_token": csrf, "to": OWNER_EMAIL, "template": "builtin:intro_en"},
    )
    assert started.status_code == 303
    page = await client.get(f"/leads/{owner.lead_id}/outreach")
    # twice in the log (the one-off and the sequence's day 0), once on the sequence's card: its
    # steps are shown as they are sent, their variables filled in
    assert page.text.count("About your property at 1 LEAD ST") == 3
    steps = page.text.split('<ol class="email-steps">', 1)[1].split("</ol>", 1)[0]
    assert "1 LEAD ST" in steps and "{" not in steps
    assert 'data-testid="email-sequence"' in page.text and "Stop the sequence" in page.text
    sequence = (await email_outreach.lead_sequences(db, owner.user, owner.lead_id))[0]
    stop = await client.post(
        f"/leads/{owner.lead_id}/email/sequences/{sequence.sequence_id}/stop",
        data={"csrf_token": csrf},
    )
    assert stop.status_code == 303
    assert (await sequence_row(db, sequence.sequence_id))["status"] == "stopped"

    refused = await client.post(
        f"/leads/{owner.lead_id}/email",
        data={"csrf_token": csrf, "to": OWNER_EMAIL, "subject": "Hi {nope}", "body": "typed"},
    )
    assert refused.status_code == 422
    assert "Unknown variable {nope}" in refused.text and ">typed</textarea>" in refused.text
    no_csrf = await client.post(f"/leads/{owner.lead_id}/email", data={"to": OWNER_EMAIL})
    assert no_csrf.status_code == 403


async def test_the_section_without_postal_address_or_plan(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await ready_owner(db, postal=None)
    await log_in_browser(client, owner.user)
    page = await client.get(f"/leads/{owner.lead_id}/outreach")
    assert (
        'data-testid="email-postal-missing"' in page.text
        and 'href="/profile#postal_address"' in page.text
    )
    await db.execute(
        text(
            "UPDATE subscription_plans SET features = features || '{\"email_sequences\": false}' "
            "WHERE plan_name = 'full'"
        )
    )
    page = await client.get(f"/leads/{owner.lead_id}/outreach")
    assert 'data-testid="email-upgrade"' in page.text and 'href="/billing/plan"' in page.text


async def test_the_outbox_simulator_goes_through_the_webhook_code(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await ready_owner(db)
    sequence = await start_intro(db, owner)
    log_id = await db.scalar(
        text("SELECT log_id FROM email_workflow_logs WHERE sequence_id = :s"),
        {"s": sequence.sequence_id},
    )
    email_id = await message_id_of(db, log_id)
    await log_in_browser(client, owner.user)
    csrf = csrf_of(client)
    listing = await client.get("/outbox")
    assert f'href="/outbox/{email_id}"' in listing.text and "e-mail to an owner" in listing.text
    page = await client.get(f"/outbox/{email_id}")
    assert 'data-testid="email-simulator"' in page.text and "List-Unsubscribe" in page.text
    for action in ("open", "click"):
        done = await client.post(
            f"/outbox/{email_id}/simulate", data={"csrf_token": csrf, "action": action}
        )
        assert done.status_code == 303
    reply = await client.post(
        f"/outbox/{email_id}/simulate",
        data={"csrf_token": csrf, "action": "reply", "text": "Yes, call me"},
    )
    assert reply.status_code == 303
    assert await _stored_events(db) == 3
    await run_email_jobs(db)
    log = await log_row(db, log_id)
    assert log["opened_at"] and log["clicked_at"] and log["replied_at"]
    assert (await sequence_row(db, sequence.sequence_id))["pause_reason"] == "replied"
    # Another subscriber sees neither the e-mail nor its buttons.
    other = await ready_owner(db, address="4 OTHER ST")
    await client.post("/logout", data={"csrf_token": csrf})
    await log_in_browser(client, other.user)
    assert (await client.get(f"/outbox/{email_id}")).status_code == 404
    forged = await client.post(
        f"/outbox/{email_id}/simulate", data={"csrf_token": csrf_of(client), "action": "open"}
    )
    assert forged.status_code == 404


async def test_a_lead_with_emails_is_kept_when_deleted(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await ready_owner(db)
    await send_one(db, owner)
    headers = await bearer_for(client, owner.user)
    refused = await client.delete(f"/api/v1/leads/{owner.lead_id}", headers=headers)
    assert refused.status_code == 409 and "mark it lost" in refused.text
    assert await _count(db, "SELECT count(*) FROM email_workflow_logs WHERE lead_id = :l",
                        l=owner.lead_id) == 1  # fmt: skip


async def test_the_ledger_reconciles_after_a_mixed_run(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    await reconcile_tokens(db)
    owner = await ready_owner(db, tokens=3)
    await send_one(db, owner)  # 1
    with pytest.raises(EmailNotSent):
        await send_one(db, owner, failing_senders())  # charged and refunded
    sequence = await start_intro(db, owner)  # 1
    await email_outreach.send_due_emails(
        db, now=NOW + timedelta(days=3), senders=local_senders(), settings=settings()
    )  # 1: the balance is now 0
    await email_outreach.send_due_emails(
        db, now=NOW + timedelta(days=7), senders=local_senders(), settings=settings()
    )  # no credits: paused
    assert (await sequence_row(db, sequence.sequence_id))["pause_reason"] == "no_credits"
    assert await token_balance(db, owner.user.user_id) == 0
    assert await balance_discrepancies(db) == (0, [])
    report = await reconcile_tokens(db)
    assert report.discrepancy_count == 0 and not report.pool_changed


async def test_the_section_and_the_unsubscribe_page_in_spanish(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await ready_owner(db)
    delivery = await send_one(db, owner)
    sequence = await start_intro(db, owner)
    await email_outreach.pause_sequence(db, owner.user, sequence.sequence_id, now=NOW)
    await log_in_browser(client, owner.user)
    spanish = {"Accept-Language": "es"}
    page = (await client.get(f"/leads/{owner.lead_id}/outreach", headers=spanish)).text
    shown = (
        "Correos enviados",
        "En pausa: Usted la pausó.",
        "Reanudar",
        "Detener la secuencia",
        "Enviar un correo",
        "Simulador sin conexión",
        "Dirección del propietario",
    )
    for words in shown:
        assert words in page, words
    for english in ("E-mails sent", "Stop the sequence", "Send one e-mail", "Owner's address"):
        assert english not in page, english
    owner_page = await client.get(
        f"/unsubscribe/{unsubscribe_token(settings(), delivery.log_id)}", headers=spanish
    )
    assert "¿Dejar de recibir correos de Sunny Pools sobre su propiedad?" in owner_page.text
