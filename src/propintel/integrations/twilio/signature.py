"""Twilio's webhook signature: ``X-Twilio-Signature`` is Base64(HMAC-SHA1(auth token, the full URL
Twilio requested + every form parameter's name and value, sorted by name)). There is no timestamp,
so no replay window: replays are made harmless by storing each event once (the inbox).

The URL is the one Twilio was given (``PROPINTEL_PUBLIC_BASE_URL`` + path), not the one a proxy
forwarded to us. The offline simulator signs with the same function, so one check verifies both.
"""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator

SIGNATURE_HEADER = "X-Twilio-Signature"


def signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The ``X-Twilio-Signature`` Twilio would send for a form post of ``params`` to ``url``."""
    return str(RequestValidator(auth_token).compute_signature(url, dict(params)))


def is_valid(auth_token: str, url: str, params: Mapping[str, str], given: str | None) -> bool:
    """Whether ``given`` signs this post (compared in constant time by the SDK)."""
    if not given:
        return False
    return bool(RequestValidator(auth_token).validate(url, dict(params), given))
