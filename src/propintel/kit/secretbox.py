"""Secrets at rest (a CRM's API key, a calendar's OAuth refresh token): Fernet tokens.

The key is ``PROPINTEL_DATA_ENCRYPTION_KEY`` when it is set (a Fernet key, so it can be rotated
apart from the signing key), else one derived from the signing key for each ``purpose``
(``settings.derived_secret(purpose)``): a value encrypted for one purpose does not decrypt as
another's. ``decrypt`` raises ``cryptography.fernet.InvalidToken`` when the key changed since the
value was stored (callers tell the user to connect again).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from propintel.config import Settings
from propintel.kit.errors import ServiceUnavailable
from propintel.kit.i18n import _

__all__ = ["InvalidToken", "decrypt", "encrypt"]


def _fernet(settings: Settings, purpose: str) -> Fernet:
    if settings.data_encryption_key is not None:
        key = settings.data_encryption_key.get_secret_value().encode()
    else:
        digest = hashlib.sha256(settings.derived_secret(purpose).encode()).digest()
        key = base64.urlsafe_b64encode(digest)
    try:
        return Fernet(key)
    except ValueError:
        raise ServiceUnavailable(
            _("PROPINTEL_DATA_ENCRYPTION_KEY is not a Fernet key; ask the operator to fix it.")
        ) from None


def encrypt(settings: Settings, purpose: str, plaintext: str) -> str:
    return _fernet(settings, purpose).encrypt(plaintext.encode()).decode()


def decrypt(settings: Settings, purpose: str, stored: str) -> str:
    """The plaintext; ``InvalidToken`` when the key changed since ``stored`` was encrypted."""
    return _fernet(settings, purpose).decrypt(stored.encode()).decode()
