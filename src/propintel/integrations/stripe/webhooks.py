"""Stripe's webhook signatures: ``Stripe-Signature: t=<unix>,v1=<hex>``, an HMAC-SHA256 with the
endpoint's ``whsec_…`` secret over ``f"{t}.{raw_body}"``, checked on the raw body within 5 minutes
either way: Stripe's own check only refuses old timestamps, so one dated in the future (a replay
signed ahead, a clock far off) is refused here too.
The offline simulator signs its events the same way, so both are verified by the same code."""

from __future__ import annotations

import json
import time
from typing import Any

import stripe

from propintel.integrations.payments import BadSignature

SIGNATURE_TOLERANCE_S = 300


def verified_event(
    raw_body: bytes, signature_header: str | None, secret: str, now: float | None = None
) -> dict[str, Any]:
    """The event, if ``signature_header`` signs ``raw_body`` with ``secret`` within 5 minutes
    (before or after ``now``, by default the current time)."""
    if not signature_header:
        raise BadSignature("Missing Stripe-Signature header.")
    signed_at = _timestamp(signature_header)
    if signed_at is None:
        raise BadSignature("Invalid Stripe signature.")
    if abs(signed_at - (time.time() if now is None else now)) > SIGNATURE_TOLERANCE_S:
        raise BadSignature("Stripe signature too old or dated in the future.")
    try:
        # The clock was checked above, both ways (Stripe's tolerance looks only backwards).
        stripe.WebhookSignature.verify_header(raw_body.decode("utf-8"), signature_header, secret)
        event = json.loads(raw_body)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise BadSignature("Invalid Stripe signature.") from error
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise BadSignature("Not a Stripe event.")
    return event


def _timestamp(signature_header: str) -> int | None:
    """The header's ``t=`` (Unix seconds); None if absent or not a number."""
    for part in signature_header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def signature_header(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` Stripe would send with ``payload``, signed now (or at
    ``timestamp``, Unix seconds)."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
