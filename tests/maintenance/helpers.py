"""Ledger builders for maintenance tests: plain SQL rows, as the spec's tables hold them (a NULL
balance or user included, which the services never write)."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def add_user(db: AsyncSession, *, balance: int | None = 0) -> uuid.UUID:
    tag = uuid.uuid4().hex[:10]
    user_id: uuid.UUID = await db.scalar(
        text(
            "INSERT INTO users (email, firebase_uid, user_type, token_balance) "
            "VALUES (:email, :uid, 'subscriber', :balance) RETURNING user_id"
        ),
        {"email": f"ledger-{tag}@example.com", "uid": f"local:{tag}", "balance": balance},
    )
    return user_id


async def purchase(db: AsyncSession, user_id: uuid.UUID | None, tokens: int) -> None:
    await db.execute(
        text("INSERT INTO token_purchases (user_id, tokens, amount_paid) VALUES (:u, :t, 9.99)"),
        {"u": user_id, "t": tokens},
    )


async def transaction(
    db: AsyncSession, user_id: uuid.UUID, kind: str | None, amount: int | None
) -> None:
    await db.execute(
        text(
            "INSERT INTO token_transactions (user_id, transaction_type, tokens_amount) "
            "VALUES (:u, :k, :a)"
        ),
        {"u": user_id, "k": kind, "a": amount},
    )


async def usage(db: AsyncSession, user_id: uuid.UUID | None, tokens: int) -> None:
    await db.execute(
        text(
            "INSERT INTO token_usage_logs (user_id, action_type, tokens_used) "
            "VALUES (:u, 'sms_send', :t)"
        ),
        {"u": user_id, "t": tokens},
    )
