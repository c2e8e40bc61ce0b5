"""Token tests' own helpers: a count of ledger rows, a daily limit set through the preferences.
The funded subscriber and the balance and pool: ``tests.factories``."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def count(db: AsyncSession, sql: str, user_id: uuid.UUID) -> int:
    return int(await db.scalar(text(sql), {"u": user_id}) or 0)


async def set_daily_limit(db: AsyncSession, user_id: uuid.UUID, limit: int | None) -> None:
    from propintel.tokens import preferences
    from propintel.tokens.schemas import TokenPreferences

    await preferences.update_preferences(db, user_id, TokenPreferences(daily_limit=limit))
