"""Real concurrent transactions (50 connections) against one balance: no double spending."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from propintel.db.engine import create_engine_for, unit_of_work
from propintel.tokens import service
from propintel.tokens.errors import DailyLimitReached, InsufficientTokens
from tests.factories import NOON, funded_subscriber, token_balance, token_pool
from tests.tokens.helpers import count, set_daily_limit

CHARGES = 50


@pytest.fixture
async def scratch_engine(import_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_for(import_url, pool_size=CHARGES)
    yield engine
    await engine.dispose()


async def _subscriber(engine: AsyncEngine, daily_limit: int | None) -> uuid.UUID:
    async with unit_of_work(engine) as db:
        user = await funded_subscriber(db, 100)
        if daily_limit is not None:
            await set_daily_limit(db, user.user_id, daily_limit)
        return user.user_id


async def _charge_once(engine: AsyncEngine, user_id: uuid.UUID, gate: asyncio.Event) -> str:
    """One request: its own connection and transaction; 'sms_send' costs 10 tokens."""
    async with engine.connect() as warm:  # open the connection before the start signal
        await warm.close()
    await gate.wait()
    try:
        async with unit_of_work(engine) as db:
            await service.charge(db, user_id, "sms_send", 1, "race", now=NOON)
    except (InsufficientTokens, DailyLimitReached) as refusal:
        return refusal.rule
    return "charged"


async def _race(engine: AsyncEngine, user_id: uuid.UUID) -> Counter[str]:
    gate = asyncio.Event()
    tasks = [asyncio.create_task(_charge_once(engine, user_id, gate)) for _ in range(CHARGES)]
    await asyncio.sleep(0.2)
    gate.set()
    return Counter(await asyncio.gather(*tasks))


async def test_fifty_concurrent_charges_spend_a_balance_of_100_exactly_once(
    scratch_engine: AsyncEngine,
) -> None:
    user_id = await _subscriber(scratch_engine, daily_limit=None)
    outcomes = await _race(scratch_engine, user_id)
    assert outcomes == {"charged": 10, "insufficient_balance": 40}
    async with unit_of_work(scratch_engine) as db:
        assert await token_balance(db, user_id) == 0
        usage = "SELECT COUNT(*) FROM token_usage_logs WHERE user_id = :u"
        assert await count(db, usage, user_id) == 10
        assert await token_pool(db) == (100, 100, 0)


async def test_fifty_concurrent_charges_stop_exactly_at_a_daily_limit_of_50(
    scratch_engine: AsyncEngine,
) -> None:
    user_id = await _subscriber(scratch_engine, daily_limit=50)
    outcomes = await _race(scratch_engine, user_id)
    assert outcomes == {"charged": 5, "daily_limit": 45}
    async with unit_of_work(scratch_engine) as db:
        assert await token_balance(db, user_id) == 50
        usage = "SELECT COALESCE(SUM(tokens_used), 0) FROM token_usage_logs WHERE user_id = :u"
        assert await count(db, usage, user_id) == 50
        assert await token_pool(db) == (100, 50, 50)
