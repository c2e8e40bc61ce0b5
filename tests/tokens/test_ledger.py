"""The ledger's rules, one behaviour per test (service level, in the rolled-back test database)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.maintenance.tokens import balance_discrepancies
from propintel.tokens import service
from propintel.tokens.errors import (
    AccountSuspended,
    AlreadyRefunded,
    DailyLimitReached,
    InsufficientTokens,
    ReservationClosed,
    SettlementExceedsHold,
    UnknownAction,
)
from tests.factories import NOON, funded_subscriber, token_balance, token_pool
from tests.tokens.helpers import set_daily_limit

BEFORE_MIDNIGHT = datetime(2026, 3, 10, 23, 59, 59, 999999)
MIDNIGHT = datetime(2026, 3, 11, 0, 0)


async def test_charge_writes_usage_with_actual_cost_and_moves_the_pool(db: AsyncSession) -> None:
    user = await funded_subscriber(db, 100)
    before = await token_pool(db)
    charged = await service.charge(db, user.user_id, "ai_chat_1k_tokens", 3, "chat-1", now=NOON)
    assert (charged.tokens, charged.balance) == (15, 85)
    row = (
        await db.execute(
            text(
                "SELECT tokens_used, actual_cost, reference, timestamp FROM token_usage_logs "
                "WHERE log_id = :id"
            ),
            {"id": charged.usage_log_id},
        )
    ).one()
    assert tuple(row) == (15, Decimal("0.000600"), "chat-1", NOON)
    assert await token_pool(db) == (before[0], before[1] + 15, before[2] - 15)


async def test_balance_exactly_enough_is_charged_one_token_short_is_refused(
    db: AsyncSession,
) -> None:
    user = await funded_subscriber(db, 20)
    await service.charge(db, user.user_id, "sms_send", 2, now=NOON)
    assert await token_balance(db, user.user_id) == 0
    with pytest.raises(InsufficientTokens) as refused:
        await service.charge(db, user.user_id, "email_send", 1, now=NOON)
    assert (refused.value.status_code, refused.value.rule) == (402, "insufficient_balance")


async def test_unknown_action_is_refused_with_422_and_changes_nothing(db: AsyncSession) -> None:
    user = await funded_subscriber(db, 100)
    with pytest.raises(UnknownAction) as refused:
        await service.charge(db, user.user_id, "fax_send", 1, now=NOON)
    assert (refused.value.status_code, refused.value.field) == (422, "action_type")
    assert await token_balance(db, user.user_id) == 100


async def test_daily_limit_resets_at_new_york_midnight(db: AsyncSession) -> None:
    user = await funded_subscriber(db, 100)
    await set_daily_limit(db, user.user_id, 20)
    await service.charge(db, user.user_id, "sms_send", 2, now=BEFORE_MIDNIGHT)
    with pytest.raises(DailyLimitReached) as refused:
        await service.charge(db, user.user_id, "email_send", 1, now=BEFORE_MIDNIGHT)
    assert (refused.value.rule, refused.value.used_today, refused.value.status_code) == (
        "daily_limit",
        20,
        409,
    )
    charged = await service.charge(db, user.user_id, "sms_send", 2, now=MIDNIGHT)
    assert charged.balance == 60


async def test_open_holds_count_towards_the_daily_limit(db: AsyncSession) -> None:
    user = await funded_subscriber(db, 100)
    await set_daily_limit(db, user.user_id, 30)
    await service.reserve(db, user.user_id, "ai_voice_call_3min", 1, now=NOON)
    await service.charge(db, user.user_id, "sms_send", 1, now=NOON)
    with pytest.raises(DailyLimitReached):
        await service.charge(db, user.user_id, "email_send", 1, now=NOON)


async def test_refund_credits_once_and_frees_the_daily_limit(db: AsyncSession) -> None:
    user = await funded_subscriber(db, 100)
    await set_daily_limit(db, user.user_id, 10)
    charged = await service.charge(db, user.user_id, "sms_send", 1, now=NOON)
    assert await service.refund(db, user.user_id, charged.usage_log_id, "failed", now=NOON) == 100
    with pytest.raises(AlreadyRefunded):
        await service.refund(db, user.user_id, charged.usage_log_id, "again", now=NOON)
    await service.charge(db, user.user_id, "sms_send", 1, now=NOON)  # refunded use is free
    assert await balance_discrepancies(db) == (0, [])


async def test_settle_charges_the_actual_units_and_releases_the_rest(db: AsyncSession) -> None:
    user = await funded_subscriber(db, 100)
    held = await service.reserve(db, user.user_id, "ai_voice_call_3min", 3, "call-9", now=NOON)
    assert (held.tokens_held, held.balance) == (60, 40)
    settled = await service.settle(db, user.user_id, held.reservation_id, 2, now=NOON)
    assert (settled.tokens_charged, settled.tokens_released, settled.balance) == (40, 20, 60)
    with pytest.raises(ReservationClosed):
        await service.release(db, user.user_id, held.reservation_id, now=NOON)
    assert await balance_discrepancies(db) == (0, [])


async def test_release_returns_everything_and_settling_beyond_the_hold_is_refused(
    db: AsyncSession,
) -> None:
    user = await funded_subscriber(db, 100)
    held = await service.reserve(db, user.user_id, "ai_voice_call_3min", 1, now=NOON)
    with pytest.raises(SettlementExceedsHold):
        await service.settle(db, user.user_id, held.reservation_id, 2, now=NOON)
    released = await service.release(db, user.user_id, held.reservation_id, now=NOON)
    assert (released.tokens_charged, released.balance, released.usage_log_id) == (0, 100, None)
    assert await balance_discrepancies(db) == (0, [])


async def test_suspended_user_cannot_spend(db: AsyncSession) -> None:
    user = await funded_subscriber(db, 100)
    await db.execute(
        text("UPDATE users SET suspended_at = :now WHERE user_id = :u"),
        {"now": NOON, "u": user.user_id},
    )
    with pytest.raises(AccountSuspended):
        await service.charge(db, user.user_id, "sms_send", 1, now=NOON)
    assert await token_balance(db, user.user_id) == 100


async def test_a_payment_intent_is_credited_once(db: AsyncSession) -> None:
    user = await funded_subscriber(db, 0)
    first = await service.credit_purchase(db, user.user_id, 500, Decimal("39.00"), "pi_1")
    again = await service.credit_purchase(db, user.user_id, 500, Decimal("39.00"), "pi_1")
    assert (first, again) == (500, None)
    assert await token_balance(db, user.user_id) == 500
