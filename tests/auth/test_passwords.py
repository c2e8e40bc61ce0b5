"""Password hashes: their cost comes from the settings, the tests' cost is not production's, and a
hash made at another cost still verifies and is upgraded at the next log-in."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher, extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import LocalCredential, User
from propintel.auth.passwords import hash_password, needs_rehash, verify_password
from propintel.config import Settings, get_settings
from tests.factories import make_user

PASSWORD = "long-enough-pw"


def settings_with(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


def cost_of(settings: Settings) -> tuple[int, int, int]:
    return (settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)


def cost_of_hash(password_hash: str) -> tuple[int, int, int]:
    parameters = extract_parameters(password_hash)
    return (parameters.time_cost, parameters.memory_cost, parameters.parallelism)


def test_production_default_is_argon2s_and_not_the_tests_cheap_cost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tests_cost = cost_of(settings_with())  # tests/conftest.py sets PROPINTEL_ARGON2_* for the run
    for name in ("TIME_COST", "MEMORY_KIB", "PARALLELISM"):
        monkeypatch.delenv(f"PROPINTEL_ARGON2_{name}")
    default = cost_of(settings_with())
    profile = RFC_9106_LOW_MEMORY
    assert default == (profile.time_cost, profile.memory_cost, profile.parallelism)
    assert tests_cost == (1, 8, 1)
    assert default != tests_cost


async def test_a_hash_is_made_at_the_cost_the_settings_give() -> None:
    settings = settings_with(argon2_time_cost=2, argon2_memory_kib=64, argon2_parallelism=2)
    password_hash = await hash_password("long-enough-pw", settings)
    assert cost_of_hash(password_hash) == (2, 64, 2)
    assert await verify_password(password_hash, "long-enough-pw", settings)
    assert not await verify_password(password_hash, "another-password", settings)
    assert not needs_rehash(password_hash, settings)


async def test_a_hash_made_at_another_cost_still_verifies_but_needs_rehashing() -> None:
    old_hash = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash("long-enough-pw")
    assert await verify_password(old_hash, "long-enough-pw", get_settings())
    assert needs_rehash(old_hash, get_settings())


async def test_unknown_accounts_are_checked_against_a_dummy_hash_at_the_same_cost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[str] = []
    original = PasswordHasher.verify

    def recording(self: PasswordHasher, password_hash: str | bytes, password: str) -> bool:
        checked.append(str(password_hash))
        return original(self, password_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", recording)
    settings = settings_with(argon2_time_cost=2, argon2_memory_kib=32, argon2_parallelism=1)
    assert not await verify_password(None, "long-enough-pw", settings)
    assert [cost_of_hash(password_hash) for password_hash in checked] == [(2, 32, 1)]


def test_argon2_needs_8_kib_of_memory_per_lane() -> None:
    with pytest.raises(ValidationError, match="at least 8 KiB per lane"):
        settings_with(argon2_memory_kib=16, argon2_parallelism=4)
    assert settings_with(argon2_memory_kib=32, argon2_parallelism=4).argon2_parallelism == 4


async def user_with_an_older_hash(db: AsyncSession) -> tuple[User, LocalCredential]:
    """A user whose password hash was made at another cost than the tests' (2, 16 KiB, 1)."""
    user = await make_user(db, password=PASSWORD)
    credential = await db.get(LocalCredential, user.user_id)
    assert credential is not None
    credential.password_hash = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(
        PASSWORD
    )
    await db.flush()
    return user, credential


async def test_log_in_upgrades_a_hash_made_at_another_cost(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user, credential = await user_with_an_older_hash(db)

    response = await client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    await db.refresh(credential)
    assert cost_of_hash(credential.password_hash) == cost_of(get_settings())
    assert await verify_password(credential.password_hash, PASSWORD, get_settings())


async def test_a_failed_log_in_leaves_the_old_hash(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    user, credential = await user_with_an_older_hash(db)
    old_hash = credential.password_hash

    response = await client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": "wrong-password!"}
    )
    assert response.status_code == 401, response.text
    await db.refresh(credential)
    assert credential.password_hash == old_hash
