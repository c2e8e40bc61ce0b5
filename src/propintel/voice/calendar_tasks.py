"""Calendar jobs: an appointment created in its subscriber's Google or Microsoft calendar."""

from __future__ import annotations

import uuid

from procrastinate import RetryStrategy
from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.jobs.registry import WEBHOOKS_QUEUE, job
from propintel.kit.clock import now_new_york
from propintel.voice import calendar


# A provider's outage (timeout, 429, 5xx) is retried for about two hours (30 s doubling); the
# event stays pending meanwhile. The row lock and the provider's idempotent create keep a retried
# job from booking twice.
@job(
    calendar.BOOK_JOB,
    queue=WEBHOOKS_QUEUE,
    retry=RetryStrategy(max_attempts=8, exponential_wait=30),
)
async def book_calendar_event_job(session: AsyncSession, *, event_id: str) -> JSONDict:
    async with calendar.new_http_client() as http:
        outcome = await calendar.book_event(
            session, uuid.UUID(event_id), settings=get_settings(), now=now_new_york(), http=http
        )
    return {"event_id": event_id, "outcome": outcome}
