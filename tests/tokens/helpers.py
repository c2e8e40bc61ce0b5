"""Builders for token tests: a funded subscriber in one line, ledger figures to assert on."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.tokens import service
from tests.factories import make_subscriber

NOON = datetime(2026, 3, 10, 12, 0)


async def funded_subscriber(db: AsyncSession, tokens: int = 100) -> User:
    user = await make_subscriber(db)
    await db.flush()
    if tokens:
        await service.credit_purchase(db, user.user_id, tokens, Decimal("9.99"), None, now=NOON)
    return user


async def balance(db: AsyncSession, user_id: uuid.UUID) -> int:
    value = await db.scalar(
        text("SELECT token_balance FROM users WHERE user_id = :u"), {"u": user_id}
    )
    return int(value)


async def count(db: AsyncSession, sql: str, user_id: uuid.UUID) -> int:
    return int(await db.scalar(text(sql), {"u": user_id}) or 0)


async def pool(db: AsyncSession) -> tuple[int, int, int]:
    row = (
        await db.execute(
            text("SELECT tokens_purchased, tokens_consumed, total_tokens FROM company_token_pool")
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


async def set_daily_limit(db: AsyncSession, user_id: uuid.UUID, limit: int | None) -> None:
    from propintel.tokens import preferences
    from propintel.tokens.schemas import TokenPreferences

    await preferences.update_preferences(db, user_id, TokenPreferences(daily_limit=limit))
