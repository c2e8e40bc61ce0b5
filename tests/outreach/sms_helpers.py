"""Builders for SMS tests: a funded subscriber's lead whose owner's numbers are unlocked (the
unlock's rows written directly, as a match would store them) with a recorded consent; running
the outreach jobs deferred so far; signed webhook posts."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.config import Settings, get_settings
from propintel.integrations.sms import SentSms, SmsSendError, webhook_auth_token
from propintel.integrations.twilio.signature import signature
from propintel.jobs.registry import job_definition
from propintel.leads.service import save_leads
from propintel.outreach import compliance
from propintel.outreach.sms import public_url
from propintel.search.criteria import Intent
from tests.factories import funded_subscriber, make_property

NOW = datetime(2026, 3, 10, 12, 0)  # a Tuesday noon in New York: within texting hours
MOBILE = "+13055551234"
SECOND = "+13055552345"
UNDELIVERABLE = "+13055550000"  # the simulator reports texts to it undelivered
OWNER = "GARCIA MARIA L"


@dataclass(frozen=True)
class Owner:
    user: User
    lead_id: uuid.UUID
    property_id: uuid.UUID


async def unlocked_lead(
    db: AsyncSession,
    user: User | None = None,
    *,
    tokens: int = 100,
    phones: tuple[str, ...] = (MOBILE, SECOND, UNDELIVERABLE),
    consent: bool = True,
    owner_name: str = OWNER,
    business_name: str | None = "Sunrise Homes",
    now: datetime = NOW,
) -> Owner:
    """``user`` (default: a new funded subscriber on the full plan) with a saved lead whose owner's
    ``phones`` (mobiles) are unlocked, and, with ``consent``, a written consent for each."""
    user = user or await funded_subscriber(db, tokens)
    property_id = await make_property(
        db,
        owner_name=owner_name,
        full_address="12 PALM AVE, MIAMI, FL 33139",
        street_address="12 PALM AVE",
        distressed_score=30,
    )
    saved = await save_leads(db, user, [(property_id, Intent.DISTRESSED)], (), now)
    phones_json = [
        {
            "number": p,
            "type": "mobile",
            "carrier": "T",
            "dnc": False,
            "litigator": False,
            "score": 90,
        }
        for p in phones
    ]
    await db.execute(
        text(
            "INSERT INTO property_contacts (property_id, matched, phones, emails, provider, "
            "enriched_at) VALUES (:p, true, CAST(:phones AS jsonb), '[]', 'local', :now) "
            "ON CONFLICT (property_id) DO NOTHING"
        ),
        {"p": property_id, "phones": json.dumps(phones_json), "now": now},
    )
    await db.execute(
        text(
            "INSERT INTO contact_unlocks (user_id, property_id, unlocked_at) VALUES (:u, :p, :now)"
        ),
        {"u": user.user_id, "p": property_id, "now": now},
    )
    if business_name is not None:
        await db.execute(
            text("UPDATE subscriber_profiles SET business_name = :b WHERE user_id = :u"),
            {"b": business_name, "u": user.user_id},
        )
    if consent:
        for phone in phones:
            await compliance.record_consent(
                db,
                user_id=user.user_id,
                contact=phone,
                channel="sms",
                source="written",
                evidence="Signed consent form, kept in the office",
                consented_at=now.replace(hour=9),
                now=now,
            )
    await db.flush()
    return Owner(user, saved.lead_ids[0], property_id)


async def run_outreach_jobs(
    db: AsyncSession, seen: set[int] | None = None, domain: str = "outreach"
) -> list[Any]:
    """Run, in this transaction, every job of ``domain`` (``outreach.*``, ``voice.*``) deferred so
    far and not run yet, as the worker would, one after the other (the jobs they defer too);
    their results."""
    seen = seen if seen is not None else set()
    results = []
    while True:
        rows = (
            await db.execute(
                text(
                    "SELECT id, task_name, args FROM procrastinate_jobs "
                    "WHERE task_name LIKE :pattern ORDER BY id"
                ),
                {"pattern": f"{domain}.%"},
            )
        ).all()
        pending = [row for row in rows if row.id not in seen]
        if not pending:
            return results
        for row in pending:
            seen.add(row.id)
            results.append(await job_definition(row.task_name).func(db, **row.args))


def signed_form(
    path: str, params: dict[str, str], settings: Settings | None = None, token: str | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """(form, headers) of a post to ``path`` signed as Twilio signs (offline token by default)."""
    settings = settings or get_settings()
    secret = token or webhook_auth_token(settings)
    url = public_url(settings, path)
    return params, {"X-Twilio-Signature": signature(secret, url, params)}


def reply_params(from_: str, to: str, body: str, sid: str | None = None) -> dict[str, str]:
    sid = sid or "SM" + uuid.uuid4().hex
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": from_,
        "To": to,
        "Body": body,
        "NumMedia": "0",
    }


def report_params(sid: str, status: str, to: str = MOBILE) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "MessageStatus": status,
        "SmsStatus": status,
        "To": to,
        "From": "+13055550100",
    }


class FailingSender:
    """A provider that refuses every text."""

    provider = "twilio"

    def __init__(self) -> None:
        self.calls = 0

    async def send(self, to: str, from_: str, body: str, status_callback: str) -> SentSms:
        self.calls += 1
        raise SmsSendError("Twilio refused the message (HTTP 400, error 21610)")


class RecordingSender:
    """A provider that accepts every text and remembers it."""

    provider = "twilio"

    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []

    async def send(self, to: str, from_: str, body: str, status_callback: str) -> SentSms:
        self.sent.append({"to": to, "from": from_, "body": body, "callback": status_callback})
        return SentSms(sid="SM" + uuid.uuid4().hex, status="queued")


async def count(db: AsyncSession, sql: str, **params: Any) -> int:
    return int(await db.scalar(text(sql), params) or 0)
