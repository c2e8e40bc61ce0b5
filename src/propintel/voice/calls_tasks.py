"""The job that handles a call's status callback (``call_status``)."""

from __future__ import annotations

import uuid

from procrastinate import RetryStrategy
from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.jobs.registry import WEBHOOKS_QUEUE, job
from propintel.voice import call_status


# A callback racing its call's commit is retried for ~20 minutes (5 s, 10 s, 20 s, … doubling).
@job(
    call_status.HANDLE_EVENT_JOB,
    queue=WEBHOOKS_QUEUE,
    retry=RetryStrategy(max_attempts=8, exponential_wait=5),
)
async def twilio_call_event_job(session: AsyncSession, *, event_pk: str) -> JSONDict:
    outcome = await call_status.handle_event(session, uuid.UUID(event_pk))
    return {"event_pk": event_pk, "outcome": outcome}
