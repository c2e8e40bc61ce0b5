"""The e-mail interface's headers, custom args, reply-to and sender name: SendGrid's exact request
body (its HTTP call mocked at the library's own seam), the local outbox row that keeps the
headers, and existing callers unchanged; the Event Webhook's signatures (ECDSA P-256)."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings
from propintel.integrations.email import EmailMessage
from propintel.integrations.local.email import LocalEmail
from propintel.integrations.sendgrid import events
from propintel.integrations.sendgrid.email import SendGridEmail, sendgrid_client
from tests.integrations.sendgrid_wire import answer_sendgrid

OUTREACH = EmailMessage(
    to="owner@example.com",
    subject="About your property",
    text="Hello\n\nunsubscribe: https://app.example/unsubscribe/tok",
    html="<p>Hello</p>",
    category="owner_email",
    headers={
        "List-Unsubscribe": "<https://app.example/unsubscribe/tok>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    custom_args={"log_id": "L-1", "user_id": "U-1"},
    reply_to="reply+L-1@propintel.example",
    from_name="Sunshine Pools",
)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[urllib.request.Request]:
    return answer_sendgrid(monkeypatch, "sg-abc")


async def test_sendgrid_body_carries_headers_custom_args_reply_to_and_name(
    sent: list[urllib.request.Request],
) -> None:
    adapter = SendGridEmail(
        sendgrid_client(SecretStr("SG.k")), "PropIntel <alerts@propintel.example>"
    )

    result = await adapter.send(OUTREACH)

    [request] = sent
    assert json.loads(request.data) == {  # type: ignore[arg-type]
        "from": {"name": "Sunshine Pools", "email": "alerts@propintel.example"},
        "subject": "About your property",
        "personalizations": [{"to": [{"email": "owner@example.com"}]}],
        "content": [
            {
                "type": "text/plain",
                "value": "Hello\n\nunsubscribe: https://app.example/unsubscribe/tok",
            },
            {"type": "text/html", "value": "<p>Hello</p>"},
        ],
        "categories": ["owner_email"],
        "headers": {
            "List-Unsubscribe": "<https://app.example/unsubscribe/tok>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        "custom_args": {"log_id": "L-1", "user_id": "U-1"},
        "reply_to": {"email": "reply+L-1@propintel.example"},
    }
    assert result.message_id == "sg-abc"


async def test_a_message_without_the_new_fields_is_sent_as_before(
    sent: list[urllib.request.Request],
) -> None:
    adapter = SendGridEmail(sendgrid_client(SecretStr("SG.k")), "PropIntel <a@b.example>")
    await adapter.send(EmailMessage(to="x@example.com", subject="s", text="t"))
    body = json.loads(sent[0].data)  # type: ignore[arg-type]
    assert body["from"] == {"name": "PropIntel", "email": "a@b.example"}
    assert not {"headers", "custom_args", "reply_to"} & body.keys()


async def test_local_outbox_keeps_the_headers_and_reply_to(db: AsyncSession) -> None:
    result = await LocalEmail(db, "PropIntel <alerts@propintel.example>").send(OUTREACH)

    row = (
        await db.execute(
            text("SELECT from_email, headers FROM email_outbox WHERE email_id = :id"),
            {"id": result.message_id},
        )
    ).one()
    assert row.from_email == "Sunshine Pools <alerts@propintel.example>"
    assert row.headers == {
        "List-Unsubscribe": "<https://app.example/unsubscribe/tok>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Reply-To": "reply+L-1@propintel.example",
    }


async def test_local_outbox_without_headers_stores_none(db: AsyncSession) -> None:
    result = await LocalEmail(db, "a@b.example").send(EmailMessage("x@example.com", "s", "t"))
    headers = await db.scalar(
        text("SELECT headers FROM email_outbox WHERE email_id = :id"), {"id": result.message_id}
    )
    assert headers == {}


# ---- the Event Webhook's signature -----------------------------------------------------------

KEY = events.derived_private_key("5e" * 32)
PUBLIC = events.public_key_text(KEY)
BODY = json.dumps([{"event": "open", "sg_event_id": "e1", "sg_message_id": "m1.f"}]).encode()


def test_a_signed_batch_verifies_and_parses() -> None:
    now = time.time()
    stamp = str(int(now))
    signature = events.sign(BODY, stamp, KEY)
    assert events.verified_events(BODY, signature, stamp, PUBLIC, now) == json.loads(BODY)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, sig, ts: (body + b" ", sig, ts),  # body changed
        lambda body, sig, ts: (body, sig, str(int(ts) + 1)),  # timestamp changed
        lambda body, sig, ts: (body, "AAAA", ts),  # not a signature
        lambda body, sig, ts: (body, "%%%", ts),  # not base64
        lambda body, sig, ts: (body, None, ts),
        lambda body, sig, ts: (body, sig, None),
        lambda body, sig, ts: (body, sig, "yesterday"),
    ],
)
def test_anything_else_is_refused(tamper: Any) -> None:
    now = time.time()
    stamp = str(int(now))
    body, signature, timestamp = tamper(BODY, events.sign(BODY, stamp, KEY), stamp)
    with pytest.raises(events.BadEventSignature):
        events.verified_events(body, signature, timestamp, PUBLIC, now)


def test_a_signature_older_than_five_minutes_is_refused() -> None:
    now = time.time()
    stamp = str(int(now) - events.TOLERANCE_S - 1)
    with pytest.raises(events.BadEventSignature, match="Stale"):
        events.verified_events(BODY, events.sign(BODY, stamp, KEY), stamp, PUBLIC, now)
    fresh = str(int(now) - events.TOLERANCE_S + 5)
    assert events.verified_events(BODY, events.sign(BODY, fresh, KEY), fresh, PUBLIC, now)


def test_another_key_is_refused() -> None:
    other = events.public_key_text(events.derived_private_key("17" * 32))
    now = time.time()
    stamp = str(int(now))
    with pytest.raises(events.BadEventSignature, match="Invalid"):
        events.verified_events(BODY, events.sign(BODY, stamp, KEY), stamp, other, now)


def test_which_key_verifies() -> None:
    local = Settings(sendgrid_api_key=None, secret_key=SecretStr("s" * 40))
    configured = Settings(sendgrid_api_key=SecretStr("SG.x"), sendgrid_event_public_key=PUBLIC)
    unkeyed = Settings(sendgrid_api_key=SecretStr("SG.x"))
    derived = events.local_signing_key(local)
    assert derived is not None
    assert events.verification_key(local) == events.public_key_text(derived)
    assert events.verification_key(local) == events.verification_key(
        Settings(sendgrid_api_key=None, secret_key=SecretStr("s" * 40))
    )  # deterministic
    assert events.verification_key(configured) == PUBLIC
    assert events.local_signing_key(configured) is None
    assert events.verification_key(unkeyed) is None  # SendGrid without a key: events refused
    with pytest.raises(events.BadEventSignature, match="No event verification key"):
        events.verified_events(BODY, "sig", "1", None, time.time())


def test_inbound_secret_is_configured_or_derived() -> None:
    chosen = Settings(sendgrid_inbound_secret=SecretStr("path-secret"))
    derived = Settings(secret_key=SecretStr("s" * 40))
    assert events.inbound_secret(chosen) == "path-secret"
    assert events.inbound_secret_matches(chosen, "path-secret")
    assert not events.inbound_secret_matches(chosen, "path-secreT")
    assert len(events.inbound_secret(derived)) == 32
    assert events.inbound_secret(derived) != events.inbound_secret(
        Settings(secret_key=SecretStr("t" * 40))
    )
