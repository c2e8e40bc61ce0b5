"""kit.secretbox: values round-trip, are not stored in clear, are bound to their purpose, and the
CRM keys stored before the move (crm's own Fernet of purpose "crm-key") still decrypt."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.fernet import Fernet, InvalidToken
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from propintel.config import get_settings
from propintel.kit import secretbox
from propintel.outreach import crm

SETTINGS = get_settings()


@given(st.text(max_size=300))
def test_round_trip(plaintext: str) -> None:
    stored = secretbox.encrypt(SETTINGS, "calendar-token", plaintext)
    assert secretbox.decrypt(SETTINGS, "calendar-token", stored) == plaintext
    if len(plaintext) >= 4:
        assert plaintext not in stored


def test_a_value_of_one_purpose_does_not_decrypt_as_another() -> None:
    stored = secretbox.encrypt(SETTINGS, "calendar-token", "1//refresh-token")
    with pytest.raises(InvalidToken):
        secretbox.decrypt(SETTINGS, "crm-key", stored)


def test_the_configured_key_is_used_for_every_purpose() -> None:
    key = Fernet.generate_key().decode()
    settings = SETTINGS.model_copy(update={"data_encryption_key": SecretStr(key)})
    stored = secretbox.encrypt(settings, "calendar-token", "secret")
    assert Fernet(key.encode()).decrypt(stored.encode()) == b"secret"
    assert secretbox.decrypt(settings, "crm-key", stored) == "secret"


def test_crm_keys_stored_before_the_move_still_decrypt() -> None:
    # What outreach/crm.py did before kit.secretbox existed.
    digest = hashlib.sha256(SETTINGS.derived_secret("crm-key").encode()).digest()
    legacy = Fernet(base64.urlsafe_b64encode(digest)).encrypt(b"tw-old-key-1234").decode()
    assert crm.decrypt_key(SETTINGS, legacy) == "tw-old-key-1234"
    assert secretbox.decrypt(SETTINGS, "crm-key", crm.encrypt_key(SETTINGS, "k-9")) == "k-9"
