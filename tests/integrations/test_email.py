"""Email adapters: SendGrid's request shape through the real library (its HTTP call mocked at the
library's own seam), errors that leak no address; the local outbox; the choice by settings."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from pydantic import SecretStr
from python_http_client.client import Client
from python_http_client.exceptions import HTTPError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings
from propintel.integrations.email import EmailMessage, EmailSendError
from propintel.integrations.local.email import LocalEmail
from propintel.integrations.local.outbox_repository import OutboxRepository
from propintel.integrations.providers import email_senders
from propintel.integrations.sendgrid.email import SendGridEmail, sendgrid_client
from tests.integrations.sendgrid_wire import answer_sendgrid

MESSAGE = EmailMessage(
    to="owner@example.com",
    subject="3 new properties",
    text="plain body",
    html="<p>html body</p>",
    category="saved_search_alert",
)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[urllib.request.Request]:
    """Requests the library would have put on the wire; answered 202 with a message id."""
    return answer_sendgrid(monkeypatch, "msg-123")


async def test_sendgrid_posts_mail_send_with_bearer_key_and_both_bodies(
    sent: list[urllib.request.Request],
) -> None:
    adapter = SendGridEmail(sendgrid_client(SecretStr("SG.test-key")), "PropIntel <a@b.example>")

    result = await adapter.send(MESSAGE)

    [request] = sent
    assert (request.get_method(), request.full_url) == (
        "POST",
        "https://api.sendgrid.com/v3/mail/send",
    )
    assert request.get_header("Authorization") == "Bearer SG.test-key"
    body = json.loads(request.data)  # type: ignore[arg-type]
    assert body["from"] == {"name": "PropIntel", "email": "a@b.example"}
    assert body["personalizations"] == [{"to": [{"email": "owner@example.com"}]}]
    assert body["subject"] == "3 new properties"
    assert body["content"] == [
        {"type": "text/plain", "value": "plain body"},
        {"type": "text/html", "value": "<p>html body</p>"},
    ]
    assert body["categories"] == ["saved_search_alert"]
    assert (result.provider, result.message_id) == ("sendgrid", "msg-123")


async def test_sendgrid_refusal_is_an_error_without_the_response_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(self: Client, opener: Any, request: Any, timeout: Any = None) -> None:
        raise HTTPError(401, "Unauthorized", b'{"errors":[{"message":"owner@example.com"}]}', {})

    monkeypatch.setattr(Client, "_make_request", refuse)
    adapter = SendGridEmail(sendgrid_client(SecretStr("SG.bad")), "a@b.example")

    with pytest.raises(EmailSendError) as raised:
        await adapter.send(MESSAGE)

    assert str(raised.value) == "SendGrid refused the message (HTTP 401)"


async def test_local_adapter_stores_the_message_in_the_outbox(db: AsyncSession) -> None:
    result = await LocalEmail(db, "PropIntel <a@b.example>").send(MESSAGE)

    outbox = OutboxRepository(db)
    emails, total = await outbox.page(None, None, 10), await outbox.count(None)
    mine = [email for email in emails if str(email.email_id) == result.message_id]
    assert result.provider == "local" and total >= 1
    assert [(e.to_email, e.from_email, e.subject, e.text_body, e.html_body) for e in mine] == [
        ("owner@example.com", "PropIntel <a@b.example>", "3 new properties", "plain body",
         "<p>html body</p>")
    ]  # fmt: skip
    assert await db.scalar(text("SELECT count(*) FROM email_outbox WHERE to_email = :t"),
                           {"t": "owner@example.com"}) == 1  # fmt: skip


async def test_settings_choose_the_adapter(db: AsyncSession) -> None:
    local = email_senders(Settings(sendgrid_api_key=None))(db)
    real = email_senders(Settings(sendgrid_api_key=SecretStr("SG.x")))(db)
    assert (local.provider, real.provider) == ("local", "sendgrid")
