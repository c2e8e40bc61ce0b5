"""Stripe's webhook signatures: ``Stripe-Signature: t=<unix>,v1=<hex>``, an HMAC-SHA256 with the
endpoint's ``whsec_…`` secret over ``f"{t}.{raw_body}"``, checked on the raw body within 5 minutes.
The offline simulator signs its events the same way, so both are verified by the same code."""

from __future__ import annotations

import json
from typing import Any

import stripe

from propintel.integrations.payments import BadSignature

SIGNATURE_TOLERANCE_S = 300


def verified_event(raw_body: bytes, signature_header: str | None, secret: str) -> dict[str, Any]:
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


def signature_header(payload: str, secret: str) -> str:
    """The ``Stripe-Signature`` Stripe would send with ``payload``, signed now."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret)
