"""Issue 18, item 4: the log-in throttle cannot be raced. Forty wrong passwords for one account at
the same moment check at most the limit of them against the hash; the rest are refused (429)
without a password check, because each attempt counts and records its failure under a lock of
the account's address."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text

from propintel.auth import service
from propintel.config import get_settings
from propintel.db.engine import create_engine_for, unit_of_work
from propintel.kit.errors import LoginFailed, RateLimited
from tests.factories import make_user

ATTEMPTS = 40


async def test_concurrent_wrong_passwords_check_at_most_the_limit(
    import_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = get_settings()
    engine = create_engine_for(import_url, pool_size=5)
    checked = 0
    verify = service.verify_password

    async def counted(*args: Any) -> bool:
        nonlocal checked
        checked += 1
        await asyncio.sleep(0.01)  # widen the window between the count and the record
        return await verify(*args)

    monkeypatch.setattr(service, "verify_password", counted)
    try:
        async with unit_of_work(engine) as session:
            email = (await make_user(session)).email

        async def attempt(n: int) -> str:
            try:
                async with unit_of_work(engine) as session:
                    ip = f"203.0.113.{n}"  # many addresses: only the account's limit applies
                    await service.authenticate(session, settings, email, "wrong-password", ip)
            except LoginFailed:
                return "failed"
            except RateLimited:
                return "throttled"
            return "logged in"

        outcomes = await asyncio.gather(*(attempt(n) for n in range(ATTEMPTS)))

        limit = settings.login_max_failures_per_account
        assert checked <= limit, f"{checked} passwords checked against a limit of {limit}"
        assert outcomes.count("failed") == checked
        assert outcomes.count("throttled") == ATTEMPTS - checked
        async with engine.connect() as connection:
            recorded = await connection.scalar(
                text("SELECT count(*) FROM login_attempts WHERE email = :e AND NOT succeeded"),
                {"e": email},
            )
        assert recorded == checked
    finally:
        await engine.dispose()
