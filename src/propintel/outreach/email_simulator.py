"""The offline simulator of what owners do with an e-mail (the outbox's buttons): SendGrid-shaped
events (``open``, ``click``) signed with the derived key exactly as SendGrid signs, and an
Inbound Parse post for a reply, handed to the same intake as the webhooks (``email_events``), so
they are verified, stored once and applied by the same job. Only while SendGrid is not
configured (and no verification key is set)."""

from __future__ import annotations

import json
import secrets
import time
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings
from propintel.integrations.sendgrid import events as sendgrid_events
from propintel.kit.errors import Invalid, NotFound
from propintel.kit.i18n import _
from propintel.outreach import email_events
from propintel.outreach.email_content import CATEGORY, reply_address
from propintel.outreach.email_repository import EmailLog

MAX_REPLY = 5000


def available(settings: Settings) -> bool:
    return sendgrid_events.local_signing_key(settings) is not None


async def simulate_event(
    session: AsyncSession,
    settings: Settings,
    log: EmailLog,
    kind: Literal["open", "click"],
    *,
    now_unix: float | None = None,
) -> int:
    """Post one signed ``kind`` event for ``log``'s e-mail to the events intake."""
    key = sendgrid_events.local_signing_key(settings)
    if key is None:
        raise NotFound(_("The simulator works only while SendGrid is not configured."))
    now_unix = time.time() if now_unix is None else now_unix
    event: dict[str, object] = {
        "email": log.to_email,
        "timestamp": int(now_unix),
        "event": kind,
        "sg_event_id": f"local-{secrets.token_hex(12)}",
        "sg_message_id": f"{log.sendgrid_message_id}.filter-local-0",
        "category": [CATEGORY],
        "log_id": str(log.log_id),
        "user_id": str(log.user_id),
    }
    if kind == "click":
        event["url"] = settings.public_base_url
    raw = json.dumps([event]).encode()
    stamp = str(int(now_unix))
    signature = sendgrid_events.sign(raw, stamp, key)
    return await email_events.receive_events(
        session, settings, raw, signature, stamp, now_unix=now_unix
    )


def _multipart(fields: dict[str, str], boundary: str) -> bytes:
    """The body Inbound Parse would post (multipart/form-data)."""
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + f"--{boundary}--\r\n").encode()


async def simulate_reply(
    session: AsyncSession, settings: Settings, log: EmailLog, text: str, *, now: datetime
) -> bool:
    """Post the owner's reply (``text``) as Inbound Parse would, to our secret path's intake."""
    if not available(settings):
        raise NotFound(_("The simulator works only while SendGrid is not configured."))
    text = text.strip()
    if not text:
        raise Invalid(_("Write the owner's reply."), field="text")
    to = reply_address(settings, log.log_id)
    fields = {
        "from": f"<{log.to_email}>",
        "to": to,
        "subject": f"Re: {log.email_subject}",
        "text": text[:MAX_REPLY],
        "headers": (
            f"Message-ID: <local-{secrets.token_hex(12)}@owner.example>\n"
            f"In-Reply-To: <{log.sendgrid_message_id}@propintel.local>\n"
        ),
        "envelope": json.dumps({"to": [to], "from": log.to_email}),
    }
    raw = _multipart(fields, f"simulated{secrets.token_hex(8)}")
    return await email_events.receive_reply(
        session, settings, sendgrid_events.inbound_secret(settings), fields, raw, now=now
    )
