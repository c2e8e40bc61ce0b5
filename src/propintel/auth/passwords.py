"""Password hashing (argon2id) and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from propintel.kit.errors import Invalid

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()

# Verifying against this when the account does not exist keeps the timing of
# "unknown email" and "wrong password" alike, so responses do not reveal which emails exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing-only")


def validate_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            f"Password must be at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    if len(password) > 256:
        raise Invalid("Password must be at most 256 characters.", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
