"""Builders for billing tests: signed Stripe-shaped events, running the deferred billing jobs."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import stripe
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.billing import local
from propintel.billing.provider import local_payments
from propintel.billing.webhooks import receive
from propintel.jobs.registry import job_definition

SECRET = "whsec_test_secret"
PLANS = "SELECT plan_id FROM subscription_plans WHERE plan_name = :name"


def signed(
    payload: dict[str, Any], secret: str = SECRET, at: int | None = None
) -> tuple[bytes, str]:
    raw = json.dumps(payload)
    return raw.encode(), stripe.WebhookSignature.generate_signature_header(raw, secret, at)


def envelope(event_type: str, obj: dict[str, Any], created: int | None = None) -> dict[str, Any]:
    event = local.event(event_type, obj)
    if created is not None:
        event["created"] = created
    return event


async def deliver(db: AsyncSession, *events: dict[str, Any]) -> None:
    """Events through the webhook intake, signed as Stripe signs them (verified by the
    simulator, whose secret is ``SECRET``)."""
    for event in events:
        await receive(db, local_payments(db, SECRET), *signed(event))


async def run_deferred(db: AsyncSession, seen: set[int] | None = None) -> list[Any]:
    """Run, in this transaction, every billing job deferred so far and not run yet (as the
    worker would, one after the other); returns their results."""
    seen = seen if seen is not None else set()
    results = []
    while True:
        rows = (
            await db.execute(
                text(
                    "SELECT id, task_name, args FROM procrastinate_jobs "
                    "WHERE task_name LIKE 'billing.%' ORDER BY id"
                )
            )
        ).all()
        pending = [row for row in rows if row.id not in seen]
        if not pending:
            return results
        for row in pending:
            seen.add(row.id)
            results.append(await job_definition(row.task_name).func(db, **row.args))


async def plan_id(db: AsyncSession, name: str) -> uuid.UUID:
    return uuid.UUID(str(await db.scalar(text(PLANS), {"name": name})))


def subscription(
    user_id: uuid.UUID,
    plan: uuid.UUID,
    *,
    sub_id: str = "sub_1",
    status: str = "active",
    interval: str = "month",
    cancel: bool = False,
    customer: str = "cus_1",
) -> dict[str, Any]:
    metadata = {"user_id": str(user_id), "plan_id": str(plan), "interval": interval}
    obj = local.subscription_object(
        sub_id, customer, {"name": "plan", "amount_cents": 4900, "interval": interval}, metadata
    )
    obj["status"] = status
    obj["cancel_at_period_end"] = cancel
    return obj


def now() -> int:
    return int(time.time())
