"""The offline SMS network: a send stores a queued text in the caller's transaction; delivery
posts each status, signed as Twilio signs, to the message's callback (a number ending in 0000 is
undelivered); a reply from the simulated phone is shaped as Twilio's inbound webhook."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.local import sms as local_sms
from propintel.integrations.local.sms import LocalSms
from propintel.integrations.twilio.signature import is_valid

TOKEN = "local-token"
CALLBACK = "http://127.0.0.1:8000/webhooks/twilio/sms-status"


async def test_a_send_stores_a_queued_text_and_reports_it(db: AsyncSession) -> None:
    queued: list[str] = []

    async def on_queued(sid: str) -> None:
        queued.append(sid)

    sent = await LocalSms(db, on_queued).send("+13055551234", "+13055550100", "Hi", CALLBACK)
    assert re.fullmatch(r"SM[0-9a-f]{32}", sent.sid) and sent.status == "queued"
    assert queued == [sent.sid]
    row = (
        await db.execute(
            text(
                "SELECT from_number, to_number, body, status, status_callback "
                "FROM local_sms_messages WHERE message_sid = :s"
            ),
            {"s": sent.sid},
        )
    ).one()
    assert tuple(row) == ("+13055550100", "+13055551234", "Hi", "queued", CALLBACK)


async def _delivered(db: AsyncSession, to: str) -> tuple[list[str], list[dict[str, str]]]:
    sent = await LocalSms(db).send(to, "+13055550100", "Hi", CALLBACK)
    posts: list[dict[str, str]] = []

    async def post(url: str, params: dict[str, str], signature: str) -> None:
        assert url == CALLBACK and is_valid(TOKEN, url, params, signature)
        posts.append(params)

    statuses = await local_sms.deliver(db, sent.sid, TOKEN, post)
    assert await local_sms.deliver(db, sent.sid, TOKEN, post) == []  # carried once
    [stored] = await local_sms.texts(db, [sent.sid])
    assert stored.status == statuses[-1]
    return statuses, posts


async def test_delivery_posts_sent_then_delivered_signed(db: AsyncSession) -> None:
    statuses, posts = await _delivered(db, "+13055551234")
    assert statuses == ["sent", "delivered"]
    assert [p["MessageStatus"] for p in posts] == ["sent", "delivered"]
    assert posts[0]["To"] == "+13055551234" and posts[0]["From"] == "+13055550100"
    assert "ErrorCode" not in posts[1]


async def test_a_number_ending_in_0000_is_undelivered(db: AsyncSession) -> None:
    statuses, posts = await _delivered(db, "+13055550000")
    assert statuses == ["sent", "undelivered"]
    assert posts[1]["ErrorCode"] == "30003"


async def test_a_reply_is_stored_and_shaped_as_twilios_inbound_post(db: AsyncSession) -> None:
    params = await local_sms.reply(db, from_="+13055551234", to="+13055550100", body="STOP")
    assert params["From"] == "+13055551234" and params["To"] == "+13055550100"
    assert params["Body"] == "STOP" and re.fullmatch(r"SM[0-9a-f]{32}", params["MessageSid"])
    [stored] = await local_sms.texts(db, [params["MessageSid"]])
    assert (stored.from_number, stored.status, stored.body) == ("+13055551234", "received", "STOP")
