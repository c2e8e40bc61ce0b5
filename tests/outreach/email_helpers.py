"""Builders for the e-mail outreach tests: a subscriber with credits, a postal address and a
saved lead whose owner's contact (two e-mail addresses) it unlocked; senders that fail or that go
through SendGrid's library with its HTTP call mocked; the events job run in the test's
transaction; signed SendGrid event posts."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.config import Settings, get_settings
from propintel.integrations.email import EmailMessage, EmailSendError, EmailSenders, SentEmail
from propintel.integrations.providers import email_senders
from propintel.integrations.sendgrid import events as sendgrid_events
from propintel.integrations.sendgrid.email import SendGridEmail, sendgrid_client
from propintel.jobs.registry import job_definition
from propintel.outreach import email_outreach
from propintel.outreach.email_content import BUILT_IN
from propintel.profiles import service as profiles
from tests.factories import funded_subscriber, saved_lead
from tests.integrations.sendgrid_wire import answer_sendgrid

NOW = datetime(2026, 5, 4, 10, 0)  # a Monday, New York time
OWNER_EMAIL = "maria.garcia@example.com"
SECOND_EMAIL = "mgarcia@example.net"
POSTAL = "12 Main St, Suite 4\nMiami, FL 33101"
EMAIL_JOB = "outreach.handle_email_event"


@dataclass(frozen=True)
class Owner:
    user: User
    lead_id: uuid.UUID
    property_id: uuid.UUID


async def unlock_for(
    db: AsyncSession, user: User, property_id: uuid.UUID, emails: tuple[str, ...]
) -> None:
    """The owner contact of ``property_id`` stored (as a skip trace would), unlocked by ``user``."""
    await db.execute(
        text(
            "INSERT INTO property_contacts "
            "(property_id, matched, phones, emails, provider, enriched_at) "
            "VALUES (:p, true, '[]', CAST(:e AS jsonb), 'local', :t) "
            "ON CONFLICT (property_id) DO NOTHING"
        ),
        {"p": property_id, "e": json.dumps(list(emails)), "t": NOW},
    )
    await db.execute(
        text("INSERT INTO contact_unlocks (user_id, property_id, unlocked_at) VALUES (:u, :p, :t)"),
        {"u": user.user_id, "p": property_id, "t": NOW},
    )


async def ready_owner(
    db: AsyncSession,
    *,
    tokens: int = 100,
    postal: str | None = POSTAL,
    emails: tuple[str, ...] = (OWNER_EMAIL, SECOND_EMAIL),
    address: str = "1 LEAD ST",
) -> Owner:
    """A funded subscriber ("Sunny Pools", with ``postal`` address) and a saved lead of theirs
    (owner GARCIA MARIA L) whose contact with ``emails`` they unlocked."""
    user = await funded_subscriber(db, tokens=tokens)
    lead_id = await saved_lead(db, user, address, now=NOW)
    property_id = await db.scalar(
        text("SELECT property_id FROM saved_leads WHERE lead_id = :l"), {"l": lead_id}
    )
    await db.execute(
        text("UPDATE properties SET owner_name = 'GARCIA MARIA L' WHERE property_id = :p"),
        {"p": property_id},
    )
    await unlock_for(db, user, property_id, emails)
    profile = await profiles.subscriber_profile(db, user)
    profile.business_name = "Sunny Pools"
    profile.postal_address = postal
    await db.flush()
    return Owner(user, lead_id, property_id)


def settings() -> Settings:
    return get_settings()


def local_senders() -> EmailSenders:
    return email_senders(Settings(sendgrid_api_key=None))


class FailingSender:
    provider = "sendgrid"

    async def send(self, message: EmailMessage) -> SentEmail:
        raise EmailSendError("SendGrid refused the message (HTTP 503)")


def failing_senders() -> EmailSenders:
    sender = FailingSender()
    return lambda _session: sender


class RecordingSender:
    """Takes every message (as SendGrid would) and keeps it; message ids sg-1, sg-2, …"""

    provider = "sendgrid"

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> SentEmail:
        self.sent.append(message)
        return SentEmail("sendgrid", f"sg-{len(self.sent)}")


def recording() -> tuple[EmailSenders, RecordingSender]:
    sender = RecordingSender()
    return (lambda _session: sender), sender


def sendgrid_senders(
    monkeypatch: Any, requests: list[urllib.request.Request], message_id: str = "sgmsg-1"
) -> EmailSenders:
    """The real SendGrid adapter whose HTTP call is answered 202 with ``message_id``."""
    answer_sendgrid(monkeypatch, message_id, requests)
    adapter = SendGridEmail(
        sendgrid_client(SecretStr("SG.test")), "PropIntel <alerts@propintel.example>"
    )
    return lambda _session: adapter


async def send_one(
    db: AsyncSession,
    owner: Owner,
    senders: EmailSenders | None = None,
    *,
    now: datetime = NOW,
    to: str = OWNER_EMAIL,
    subject: str = "Hello {owner_first_name}",
    body: str = "About {address}.",
) -> email_outreach.Delivery:
    return await email_outreach.send_email(
        db,
        owner.user,
        owner.lead_id,
        to,
        subject,
        body,
        now=now,
        senders=senders or local_senders(),
        settings=settings(),
    )


async def start_intro(
    db: AsyncSession, owner: Owner, senders: EmailSenders | None = None, *, now: datetime = NOW
) -> email_outreach.EmailSequence:
    template = BUILT_IN["intro_en"]
    return await email_outreach.start_sequence(
        db,
        owner.user,
        owner.lead_id,
        OWNER_EMAIL,
        "3-step intro",
        list(template.steps),
        now=now,
        senders=senders or local_senders(),
        settings=settings(),
        locale="en",
    )


async def run_email_jobs(db: AsyncSession, seen: set[int] | None = None) -> list[Any]:
    """Run, in this transaction, every e-mail event job deferred and not run yet (as the worker
    would); their results."""
    seen = seen if seen is not None else set()
    rows = (
        await db.execute(
            text("SELECT id, args FROM procrastinate_jobs WHERE task_name = :n ORDER BY id"),
            {"n": EMAIL_JOB},
        )
    ).all()
    results = []
    for row in rows:
        if row.id not in seen:
            seen.add(row.id)
            results.append(await job_definition(EMAIL_JOB).func(db, **row.args))
    return results


def signed_events(
    events: list[dict[str, Any]], *, at: float | None = None, settings_: Settings | None = None
) -> tuple[bytes, dict[str, str]]:
    """(body, headers) of an Event Webhook post signed with the offline key."""
    key = sendgrid_events.local_signing_key(settings_ or get_settings())
    assert key is not None
    at = time.time() if at is None else at
    body = json.dumps(events).encode()
    stamp = str(int(at))
    return body, {
        sendgrid_events.SIGNATURE_HEADER: sendgrid_events.sign(body, stamp, key),
        sendgrid_events.TIMESTAMP_HEADER: stamp,
        "Content-Type": "application/json",
    }


async def message_id_of(db: AsyncSession, log_id: uuid.UUID) -> str:
    value = await db.scalar(
        text("SELECT sendgrid_message_id FROM email_workflow_logs WHERE log_id = :l"), {"l": log_id}
    )
    assert value
    return str(value)


async def log_row(db: AsyncSession, log_id: uuid.UUID) -> Any:
    return (
        (
            await db.execute(
                text("SELECT * FROM email_workflow_logs WHERE log_id = :l"), {"l": log_id}
            )
        )
        .mappings()
        .one()
    )


async def sequence_row(db: AsyncSession, sequence_id: uuid.UUID) -> Any:
    return (
        (
            await db.execute(
                text("SELECT * FROM email_sequences WHERE sequence_id = :s"), {"s": sequence_id}
            )
        )
        .mappings()
        .one()
    )
