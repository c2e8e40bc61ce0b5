"""Twilio's SMS webhooks and the offline network: a bad signature is refused with nothing stored;
a reply lands once in the thread it answers (unread, with an e-mail to the subscriber), and never
in another subscriber's; STOP/ALTO opt the owner out and the next text is blocked; a reply that
matches no thread is stored nowhere; delivery reports move the status forward and a failed
delivery refunds once; the simulator delivers through the same intake; the ledger reconciles."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.integrations.providers import sms_senders
from propintel.kit.errors import Conflict
from propintel.maintenance.tokens import balance_discrepancies, reconcile_tokens
from propintel.outreach import sms, sms_simulator
from propintel.outreach.compliance import OutreachBlocked, Rule
from propintel.outreach.sms import INBOUND_PATH, STATUS_PATH, SmsNotSent, send_sms
from propintel.outreach.sms_webhooks import ReportTooEarly, defer_delivery
from tests.factories import bearer_for, token_balance
from tests.outreach.sms_helpers import (
    MOBILE,
    NOW,
    SECOND,
    UNDELIVERABLE,
    FailingSender,
    RecordingSender,
    count,
    reply_params,
    report_params,
    run_outreach_jobs,
    signed_form,
    unlocked_lead,
)

SETTINGS = get_settings()
LOCAL = sms_senders(SETTINGS, on_local_send=defer_delivery)
SENDER = "+13055550100"
EVENTS = "SELECT count(*) FROM webhook_events WHERE source = 'twilio'"
JOBS = "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'outreach.twilio_sms_event'"
INBOUND = "SELECT count(*) FROM conversation_history WHERE message_role = 'inbound'"


async def _text(  # type: ignore[no-untyped-def]
    db: AsyncSession, owner, body: str = "Hello", to: str = MOBILE, sender=None, now=NOW
):
    return await send_sms(
        db,
        owner.user,
        owner.lead_id,
        to,
        body,
        sender=sender or LOCAL(db),
        now=now,
        settings=SETTINGS,
    )


async def _post(
    client: httpx.AsyncClient, path: str, params: dict[str, str], headers: dict[str, str]
) -> httpx.Response:
    return await client.post(path, data=params, headers=headers)


async def _reply(
    client: httpx.AsyncClient, body: str, from_: str = MOBILE, sid: str | None = None
) -> httpx.Response:
    return await _post(
        client, INBOUND_PATH, *signed_form(INBOUND_PATH, reply_params(from_, SENDER, body, sid))
    )


@pytest.mark.parametrize("case", ["missing", "wrong token", "tampered", "other path"])
async def test_a_bad_signature_is_refused_and_nothing_stored(
    db: AsyncSession, client: httpx.AsyncClient, case: str
) -> None:
    params = reply_params(MOBILE, SENDER, "Hi")
    form, headers = signed_form(INBOUND_PATH, params)
    if case == "missing":
        headers = {}
    elif case == "wrong token":
        form, headers = signed_form(INBOUND_PATH, params, token="someone-else")
    elif case == "tampered":
        form = {**params, "Body": "STOP"}
    elif case == "other path":
        form, headers = signed_form(STATUS_PATH, params)
    response = await _post(client, INBOUND_PATH, form, headers)
    assert response.status_code == 403
    report = await _post(
        client, STATUS_PATH, *signed_form(INBOUND_PATH, report_params("SM1", "failed"))
    )
    assert report.status_code == 403
    assert await count(db, EVENTS) == 0 and await count(db, JOBS) == 0


async def test_a_reply_is_stored_once_in_its_thread_unread_and_the_subscriber_emailed(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await unlocked_lead(db)
    await _text(db, owner)
    await db.commit()
    sid = "SM" + "c" * 32
    first = await _reply(client, "Yes, call me", sid=sid)
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/xml")
    assert "<Response/>" in first.text
    assert (await _reply(client, "Yes, call me", sid=sid)).status_code == 200  # a replay
    assert await count(db, EVENTS) == 1 and await count(db, JOBS) == 1
    await run_outreach_jobs(db)
    await run_outreach_jobs(db)
    thread, _ = await sms.thread_page(db, owner.user, owner.lead_id, limit=10)
    assert [(m.message_role, m.message_content) for m in thread] == [
        ("inbound", "Yes, call me"),
        ("outbound", "Hello"),
    ]
    assert thread[0].read_at is None and await sms.unread_count(db, owner.user, owner.lead_id) == 1
    mail = (
        await db.execute(
            text(
                "SELECT to_email, subject, text_body FROM email_outbox WHERE category = 'sms_reply'"
            )
        )
    ).one()
    assert mail.to_email == owner.user.email and "Yes, call me" in mail.text_body
    assert f"/leads/{owner.lead_id}/outreach" in mail.text_body


async def test_a_reply_to_as_thread_never_shows_to_b(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    a = await unlocked_lead(db)
    b = await unlocked_lead(db, phones=(SECOND,))
    await _text(db, a)
    await _text(db, b, to=SECOND)
    await db.commit()
    await _reply(client, "Only for A")
    await run_outreach_jobs(db)
    a_thread, _ = await sms.thread_page(db, a.user, a.lead_id, limit=10)
    b_thread, _ = await sms.thread_page(db, b.user, b.lead_id, limit=10)
    assert "Only for A" in [m.message_content for m in a_thread]
    assert "Only for A" not in [m.message_content for m in b_thread]
    b_headers = await bearer_for(client, b.user)
    answer = await client.get(f"/api/v1/leads/{a.lead_id}/sms", headers=b_headers)
    assert answer.status_code == 404
    mine = await client.get(f"/api/v1/leads/{b.lead_id}/sms", headers=b_headers)
    assert [m["body"] for m in mine.json()["items"]] == ["Hello"]


@pytest.mark.parametrize("keyword", ["STOP", "alto", " Stop. ", "CANCELAR"])
async def test_an_opt_out_keyword_blocks_the_next_text(
    db: AsyncSession, client: httpx.AsyncClient, keyword: str
) -> None:
    owner = await unlocked_lead(db)
    await _text(db, owner)
    await db.commit()
    await _reply(client, keyword)
    outcomes = await run_outreach_jobs(db)
    assert any("opted out" in str(o.get("outcome")) for o in outcomes if o)
    balance = await token_balance(db, owner.user.user_id)
    with pytest.raises(OutreachBlocked) as blocked:
        await _text(db, owner, "One more?")
    assert blocked.value.rule == Rule.OPTED_OUT
    assert await token_balance(db, owner.user.user_id) == balance


async def test_a_reply_matching_no_thread_is_stored_nowhere(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    response = await _reply(client, "Who is this?", from_="+13055557777")
    assert response.status_code == 200
    outcomes = await run_outreach_jobs(db)
    assert outcomes[0]["outcome"] == "no thread"
    assert await count(db, "SELECT count(*) FROM conversation_history") == 0
    await _reply(client, "STOP", from_="+13055557777")
    outcomes = await run_outreach_jobs(db, set())
    assert outcomes[-1]["outcome"] == "no thread; opted out (STOP)"
    assert await count(db, "SELECT count(*) FROM conversation_history") == 0
    opted = await count(
        db,
        "SELECT count(*) FROM outreach_opt_outs WHERE contact = '+13055557777' AND user_id IS NULL",
    )
    assert opted == 1


async def test_a_failed_delivery_refunds_once_and_replays_change_nothing(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await unlocked_lead(db)
    sent = await _text(db, owner, sender=RecordingSender())
    await db.commit()
    assert await token_balance(db, owner.user.user_id) == 90
    for status in ("sent", "failed", "failed", "undelivered"):
        response = await _post(
            client, STATUS_PATH, *signed_form(STATUS_PATH, report_params(sent.sid, status))
        )
        assert response.status_code == 200
    assert await count(db, EVENTS) == 3  # sent, failed, undelivered: the replay was not stored
    outcomes = [o["outcome"] for o in await run_outreach_jobs(db)]
    assert outcomes == ["sent", "failed; refunded", "kept failed"]
    assert await token_balance(db, owner.user.user_id) == 100
    status = await db.scalar(
        text("SELECT delivery_status FROM conversation_history WHERE provider_message_id = :s"),
        {"s": sent.sid},
    )
    assert status == "failed"


async def test_reports_arriving_out_of_order_never_move_a_status_back(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await unlocked_lead(db)
    sent = await _text(db, owner, sender=RecordingSender())
    await db.commit()
    for status in ("delivered", "sent"):
        await _post(client, STATUS_PATH, *signed_form(STATUS_PATH, report_params(sent.sid, status)))
    assert [o["outcome"] for o in await run_outreach_jobs(db)] == ["delivered", "kept delivered"]


async def test_a_report_before_its_text_is_stored_is_retried(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    await _post(
        client, STATUS_PATH, *signed_form(STATUS_PATH, report_params("SM" + "d" * 32, "sent"))
    )
    with pytest.raises(ReportTooEarly):
        await run_outreach_jobs(db)


async def test_the_simulator_delivers_through_the_signed_intake(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    delivered = await _text(db, owner)
    undelivered = await _text(db, owner, to=UNDELIVERABLE)
    assert await token_balance(db, owner.user.user_id) == 80
    await run_outreach_jobs(db)
    statuses = dict(
        (
            await db.execute(
                text("SELECT provider_message_id, delivery_status FROM conversation_history")
            )
        ).all()
    )
    assert statuses == {delivered.sid: "delivered", undelivered.sid: "undelivered"}
    assert await token_balance(db, owner.user.user_id) == 90  # the undelivered text refunded
    network = dict(
        (await db.execute(text("SELECT message_sid, status FROM local_sms_messages"))).all()
    )
    assert network == {delivered.sid: "delivered", undelivered.sid: "undelivered"}
    assert await count(db, EVENTS) == 4  # sent + delivered, sent + undelivered


async def test_a_simulated_reply_goes_through_the_same_intake(db: AsyncSession) -> None:
    owner = await unlocked_lead(db)
    await _text(db, owner)
    await sms_simulator.reply(db, owner.user, SETTINGS, MOBILE, "ALTO")
    await run_outreach_jobs(db)
    thread, _ = await sms.thread_page(db, owner.user, owner.lead_id, limit=10)
    assert thread[0].message_content == "ALTO" and thread[0].message_role == "inbound"
    with pytest.raises(OutreachBlocked):
        await _text(db, owner)


async def test_the_ledger_reconciles_after_a_mixed_run(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    await reconcile_tokens(db)
    owner = await unlocked_lead(db, tokens=200)
    await _text(db, owner, "x" * 200)  # 2 segments, delivered
    await _text(db, owner, to=UNDELIVERABLE)  # undelivered: refunded by its report
    with pytest.raises(SmsNotSent):
        await _text(db, owner, sender=FailingSender())  # refunded at once
    await db.commit()
    await _reply(client, "STOP")
    await run_outreach_jobs(db)
    with pytest.raises(OutreachBlocked):
        await _text(db, owner)  # opted out: nothing charged
    assert await token_balance(db, owner.user.user_id) == 180
    assert await balance_discrepancies(db) == (0, [])
    report = await reconcile_tokens(db)
    assert report.discrepancy_count == 0 and not report.pool_changed


async def test_the_simulator_refuses_a_reply_that_would_land_in_anothers_thread(
    db: AsyncSession,
) -> None:
    a = await unlocked_lead(db)
    b = await unlocked_lead(db)  # the same owner's number, unlocked by another subscriber
    await _text(db, a, "From A")
    # a minute later, from the same shared simulator number
    await _text(db, b, "From B", now=NOW + timedelta(minutes=1))
    with pytest.raises(Conflict, match="Another subscriber"):
        await sms_simulator.reply(db, a.user, SETTINGS, MOBILE, "Hi A")
    await sms_simulator.reply(db, b.user, SETTINGS, MOBILE, "Hi B")
    await run_outreach_jobs(db)
    a_thread, _ = await sms.thread_page(db, a.user, a.lead_id, limit=10)
    assert [m.message_content for m in a_thread] == ["From A"]


async def test_a_signed_post_without_a_message_sid_is_refused(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    params = {"From": MOBILE, "To": SENDER, "Body": "Hi"}
    response = await _post(client, INBOUND_PATH, *signed_form(INBOUND_PATH, params))
    assert response.status_code == 422 and await count(db, EVENTS) == 0
