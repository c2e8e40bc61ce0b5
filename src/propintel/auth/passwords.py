"""Password hashing (argon2id) and the rules a new password must meet.

Hashing and verifying run in a worker thread: at the production cost each takes a good tenth of a
second of CPU, which on the event loop would hold up every other request. The cost of new hashes
comes from the settings (``PROPINTEL_ARGON2_*``); a hash records its own cost, so hashes made at
another cost still verify, and ``needs_rehash`` tells when one should be made again.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from propintel.config import Settings
from propintel.kit.errors import Invalid
from propintel.kit.i18n import _

MIN_PASSWORD_LENGTH = 10

Cost = tuple[int, int, int]  # time cost, memory in KiB, parallelism


def validate_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            _("Password must be at least {count} characters.").format(count=MIN_PASSWORD_LENGTH),
            field="password",
        )
    if len(password) > 256:
        raise Invalid(_("Password must be at most 256 characters."), field="password")


def _cost(settings: Settings) -> Cost:
    return (settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)


@lru_cache(maxsize=4)
def _hasher(cost: Cost) -> PasswordHasher:
    time_cost, memory_kib, parallelism = cost
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


@lru_cache(maxsize=4)
def _dummy_hash(cost: Cost) -> str:
    """Verified against when the account does not exist, so that "unknown email" and "wrong
    password" take as long (at the same cost) and responses do not reveal which emails exist."""
    return _hasher(cost).hash("not-a-real-password-used-for-timing-only")


def _verify(cost: Cost, password_hash: str | None, password: str) -> bool:
    try:
        verified = _hasher(cost).verify(password_hash or _dummy_hash(cost), password)
    except (VerificationError, InvalidHashError):
        return False
    return verified and password_hash is not None


async def hash_password(password: str, settings: Settings) -> str:
    return await asyncio.to_thread(_hasher(_cost(settings)).hash, password)


async def verify_password(password_hash: str | None, password: str, settings: Settings) -> bool:
    """Whether ``password`` matches ``password_hash`` (None: no such account, always False)."""
    return await asyncio.to_thread(_verify, _cost(settings), password_hash, password)


def needs_rehash(password_hash: str, settings: Settings) -> bool:
    """Whether a (verified) hash was made at another cost than the settings give now."""
    return _hasher(_cost(settings)).check_needs_rehash(password_hash)
