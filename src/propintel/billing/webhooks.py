"""Stripe webhook intake: verify the signature on the raw body before anything else, store the
event once, hand it to a job. Used by ``POST /webhooks/stripe`` and by the offline simulator, so
both paths are the same code."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import stripe
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.billing.repository import BillingRepository
from propintel.jobs.enqueue import defer_in_transaction
from propintel.kit.clock import NEW_YORK
from propintel.kit.errors import DomainError

SOURCE = "stripe"
HANDLE_EVENT_JOB = "billing.handle_event"
SIGNATURE_TOLERANCE_S = 300


class BadSignature(DomainError):
    """Missing, malformed, wrong or stale ``Stripe-Signature``: nothing is stored."""

    status_code = 400


def verified_event(raw_body: bytes, signature_header: str | None, secret: str) -> dict[str, object]:
    """The event, if ``signature_header`` signs ``raw_body`` with ``secret`` within 5 minutes."""
    if not signature_header:
        raise BadSignature("Missing Stripe-Signature header.")
    try:
        stripe.WebhookSignature.verify_header(
            raw_body.decode("utf-8"), signature_header, secret, SIGNATURE_TOLERANCE_S
        )
        event = json.loads(raw_body)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise BadSignature("Invalid Stripe signature.") from error
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise BadSignature("Not a Stripe event.")
    return event


def _created_at(event: dict[str, object]) -> datetime:
    """Stripe's ``created`` (Unix seconds) as New York wall time, like every stored timestamp."""
    created = event.get("created")
    seconds = int(created) if isinstance(created, int | float | str) else 0
    return datetime.fromtimestamp(seconds, UTC).astimezone(NEW_YORK).replace(tzinfo=None)


async def receive(
    session: AsyncSession, raw_body: bytes, signature_header: str | None, secret: str
) -> uuid.UUID | None:
    """Verify, store once, defer its handling in the same transaction. Returns the stored row's
    id, or None for an event received before (a replay: nothing happens)."""
    event = verified_event(raw_body, signature_header, secret)
    event_pk = await BillingRepository(session).store_event(
        SOURCE,
        str(event["id"]),
        str(event["type"]),
        _created_at(event),
        raw_body.decode("utf-8"),
    )
    if event_pk is not None:
        await defer_in_transaction(session, HANDLE_EVENT_JOB, event_pk=str(event_pk))
    return event_pk
