"""An account whose e-mail address is not proven may not spend credits; nothing is written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User, UserType
from propintel.tokens import service
from propintel.tokens.errors import EmailNotVerified
from tests.factories import NOON, make_user, token_balance, token_pool


async def _unverified_with_tokens(db: AsyncSession) -> User:
    user = await make_user(db, UserType.SUBSCRIBER, verified=False)
    await service.credit_purchase(db, user.user_id, 100, Decimal("9.99"), None, now=NOON)
    return user


async def test_an_unverified_account_cannot_spend_and_nothing_is_written(db: AsyncSession) -> None:
    user = await _unverified_with_tokens(db)
    pool = await token_pool(db)

    with pytest.raises(EmailNotVerified) as refused:
        await service.charge(db, user.user_id, "ai_chat_1k_tokens", 3, "chat-1", now=NOON)
    with pytest.raises(EmailNotVerified):
        await service.reserve(db, user.user_id, "ai_chat_1k_tokens", 3, "hold-1", now=NOON)

    assert (refused.value.status_code, refused.value.rule) == (403, "email_not_verified")
    assert await token_balance(db, user.user_id) == 100
    assert await token_pool(db) == pool


async def test_once_verified_the_same_account_spends(db: AsyncSession) -> None:
    user = await _unverified_with_tokens(db)
    user.email_verified_at = NOON
    await db.flush()

    charged = await service.charge(db, user.user_id, "ai_chat_1k_tokens", 3, "chat-1", now=NOON)

    assert charged.balance == 100 - charged.tokens and charged.tokens > 0
