"""Billing jobs: handling a stored webhook event, and an auto-recharge."""

from __future__ import annotations

import uuid

from procrastinate import RetryStrategy
from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.billing import events, service
from propintel.billing.provider import configured_payment_providers
from propintel.billing.webhooks import HANDLE_EVENT_JOB
from propintel.jobs.registry import PAYMENTS_QUEUE, job

# Deferred by the token ledger (tokens/recharge.py) when a spend opens a recharge.
AUTO_RECHARGE_JOB = "billing.auto_recharge"

# An event whose user or plan is not known yet (delivered before the event that introduces
# them) is retried with growing waits: 10 s, 20 s, 40 s, … about an hour in all.
EVENT_RETRY = RetryStrategy(max_attempts=9, exponential_wait=10)


@job(HANDLE_EVENT_JOB, queue=PAYMENTS_QUEUE, retry=EVENT_RETRY)
async def handle_event_job(session: AsyncSession, *, event_pk: str) -> JSONDict:
    outcome = await events.handle_event(session, uuid.UUID(event_pk))
    return {"event_pk": event_pk, "outcome": outcome}


# One recharge at a time per user is already guaranteed by the pending-row index; the lock keeps
# two workers from charging the same recharge concurrently on a retry.
@job(AUTO_RECHARGE_JOB, queue=PAYMENTS_QUEUE, retry=RetryStrategy(max_attempts=3, wait=30))
async def auto_recharge_job(session: AsyncSession, *, recharge_id: str) -> JSONDict:
    provider = configured_payment_providers()(session)
    outcome = await service.run_recharge(session, provider, uuid.UUID(recharge_id))
    return {"recharge_id": recharge_id, "outcome": outcome}
