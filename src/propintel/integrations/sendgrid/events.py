"""SendGrid's signed Event Webhook and its Inbound Parse secret.

Events arrive as a JSON array, signed with ECDSA (P-256, SHA-256) over ``timestamp + raw body``:
the base64 DER signature in ``X-Twilio-Email-Event-Webhook-Signature``, the Unix time in
``X-Twilio-Email-Event-Webhook-Timestamp``. The official helper
(``sendgrid.helpers.eventwebhook.EventWebhook``) checks the signature with the verification key
SendGrid shows under Mail Settings (base64 DER, no PEM armour); we add a 5-minute tolerance on
the timestamp, which SendGrid leaves to the receiver.

Offline (no SendGrid key and no verification key configured) the key pair is derived from our
signing key, so the outbox's simulator signs its events exactly as SendGrid signs and the same
code verifies them. With SendGrid configured but no verification key, every event is refused:
we cannot tell SendGrid's events from anyone's.

Inbound Parse posts are not signed: the URL carries a secret path segment instead.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sendgrid.helpers.eventwebhook import EventWebhook

from propintel.config import Settings
from propintel.integrations.email import uses_local_email

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"
TOLERANCE_S = 300
EVENTS_PURPOSE = "sendgrid-events"
INBOUND_PURPOSE = "sendgrid-inbound"

# The order of P-256: a private scalar is in [1, n - 1].
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class BadEventSignature(Exception):
    """Missing, malformed, stale or wrong signature, or no key to check it with: nothing may be
    done with the events."""


def derived_private_key(secret: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key derived deterministically from ``secret`` (hex)."""
    scalar = int(secret, 16) % (_P256_ORDER - 1) + 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


def public_key_text(private_key: ec.EllipticCurvePrivateKey) -> str:
    """The public key as SendGrid shows a verification key: base64 of its DER
    SubjectPublicKeyInfo."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode("ascii")


def local_signing_key(settings: Settings) -> ec.EllipticCurvePrivateKey | None:
    """The offline simulator's key, when events are verified with it (no SendGrid, no key)."""
    if not uses_local_email(settings) or settings.sendgrid_event_public_key:
        return None
    return derived_private_key(settings.derived_secret(EVENTS_PURPOSE))


def verification_key(settings: Settings) -> str | None:
    """The key events are verified with: the configured one; offline, the derived one; with
    SendGrid configured and no key, None (events are refused)."""
    if settings.sendgrid_event_public_key:
        return settings.sendgrid_event_public_key.strip()
    local = local_signing_key(settings)
    return public_key_text(local) if local is not None else None


def sign(raw_body: bytes, timestamp: str, private_key: ec.EllipticCurvePrivateKey) -> str:
    """The signature header SendGrid would send with ``raw_body`` at ``timestamp``."""
    signed = timestamp.encode("ascii") + raw_body
    return base64.b64encode(private_key.sign(signed, ec.ECDSA(hashes.SHA256()))).decode("ascii")


def verified_events(
    raw_body: bytes,
    signature: str | None,
    timestamp: str | None,
    public_key: str | None,
    now_unix: float,
) -> list[dict[str, Any]]:
    """The events of ``raw_body``, if ``signature`` signs it with ``public_key`` at
    ``timestamp``, within ``TOLERANCE_S`` of ``now_unix``; else ``BadEventSignature``."""
    if not public_key:
        raise BadEventSignature("No event verification key is configured.")
    if not signature or not timestamp:
        raise BadEventSignature("Missing signature headers.")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise BadEventSignature("Malformed timestamp.") from None
    if abs(now_unix - sent_at) > TOLERANCE_S:
        raise BadEventSignature("Stale or future timestamp.")
    try:
        payload = raw_body.decode("utf-8")
        verifier = EventWebhook(public_key)
        valid = verifier.verify_signature(payload, signature, timestamp)
    except (UnicodeDecodeError, ValueError, TypeError, binascii.Error):
        raise BadEventSignature("Malformed signature, key or body.") from None
    if not valid:
        raise BadEventSignature("Invalid signature.")
    try:
        events = json.loads(payload)
    except ValueError:
        raise BadEventSignature("Not a JSON array of events.") from None
    if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
        raise BadEventSignature("Not a JSON array of events.")
    return events


def inbound_secret(settings: Settings) -> str:
    """The secret path segment of the Inbound Parse URL: configured, else derived."""
    if settings.sendgrid_inbound_secret is not None:
        return settings.sendgrid_inbound_secret.get_secret_value()
    return settings.derived_secret(INBOUND_PURPOSE)[:32]


def inbound_secret_matches(settings: Settings, supplied: str) -> bool:
    return hmac.compare_digest(inbound_secret(settings).encode(), supplied.encode())
