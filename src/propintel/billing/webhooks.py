"""Webhook intake: the payment provider verifies the event's signature on the raw body before
anything else, then the inbox stores the event once and hands it to a job. Used by
``POST /webhooks/stripe`` and by the offline simulator, so both paths are the same code."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.inbox import service as inbox
from propintel.integrations.payments import PaymentProvider
from propintel.kit.clock import NEW_YORK

SOURCE = "stripe"
HANDLE_EVENT_JOB = "billing.handle_event"


def _created_at(event: dict[str, object]) -> datetime:
    """Stripe's ``created`` (Unix seconds) as New York wall time, like every stored timestamp."""
    created = event.get("created")
    seconds = int(created) if isinstance(created, int | float | str) else 0
    return datetime.fromtimestamp(seconds, UTC).astimezone(NEW_YORK).replace(tzinfo=None)


async def receive(
    session: AsyncSession,
    provider: PaymentProvider,
    raw_body: bytes,
    signature_header: str | None,
) -> uuid.UUID | None:
    """Verify (``BadSignature``: nothing is stored), store once, defer its handling in the same
    transaction. Returns the stored row's id, or None for an event received before (a replay:
    nothing happens)."""
    event = provider.verify_event(raw_body, signature_header)
    return await inbox.receive(
        session,
        source=SOURCE,
        event_id=str(event["id"]),
        event_type=str(event["type"]),
        created=_created_at(event),
        payload=raw_body.decode("utf-8"),
        handler_job=HANDLE_EVENT_JOB,
    )
