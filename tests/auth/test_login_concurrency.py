"""A log-in hashes in a worker thread: other requests are served while it does."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import LocalCredential
from propintel.auth.passwords import hash_password
from propintel.config import Settings, get_settings
from tests.factories import make_user

PASSWORD = "long-enough-pw"


@pytest.fixture
def costly() -> Settings:
    """The test run's settings at the production cost: a hash clearly outlasts a trivial request."""
    return get_settings().model_copy(
        update={
            "argon2_time_cost": RFC_9106_LOW_MEMORY.time_cost,
            "argon2_memory_kib": RFC_9106_LOW_MEMORY.memory_cost,
            "argon2_parallelism": RFC_9106_LOW_MEMORY.parallelism,
        }
    )


@pytest.fixture
def app_options(costly: Settings) -> dict[str, Any]:
    return {"settings": costly}


async def test_other_requests_are_served_while_a_log_in_checks_the_password(
    client: httpx.AsyncClient,
    db: AsyncSession,
    costly: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = await make_user(db, password=PASSWORD)
    credential = await db.get(LocalCredential, user.user_id)
    assert credential is not None
    started = time.perf_counter()
    credential.password_hash = await hash_password(PASSWORD, costly)
    hash_seconds = time.perf_counter() - started
    await db.flush()

    verifying, verified = threading.Event(), threading.Event()
    verify = PasswordHasher.verify

    def observed(self: PasswordHasher, password_hash: str | bytes, password: str) -> bool:
        verifying.set()
        try:
            return verify(self, password_hash, password)
        finally:
            verified.set()

    monkeypatch.setattr(PasswordHasher, "verify", observed)
    log_in = asyncio.create_task(
        client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    )
    assert await asyncio.to_thread(verifying.wait, 60)

    started = time.perf_counter()
    health = await client.get("/healthz")
    health_seconds = time.perf_counter() - started
    # Had the hash run on the event loop, this request could only have started after it.
    still_verifying, still_logging_in = not verified.is_set(), not log_in.done()

    response = await log_in
    assert health.status_code == 200
    assert response.status_code == 200, response.text
    timings = f"hash {hash_seconds:.3f} s, trivial request {health_seconds:.3f} s"
    assert still_verifying, timings
    assert still_logging_in, timings
