"""Token API: a subscriber's balance, history and preferences; admin grants, deductions and
account suspension. Every subscriber query is scoped by the caller's own user id."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from propintel.auth.deps import AdminUser, SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from propintel.tokens import admin as admin_service
from propintel.tokens import history, preferences, service
from propintel.tokens.schemas import (
    AdjustmentIn,
    AdjustmentOut,
    BalanceOut,
    HistoryEntryOut,
    SuspensionIn,
    SuspensionOut,
    TokenPreferences,
)

router = APIRouter(prefix="/api/v1", tags=["tokens"])


@router.get("/tokens/balance", response_model=BalanceOut)
async def get_balance(user: SubscriberUser, db: DbSession) -> BalanceOut:
    summary = await service.balance_summary(db, user.user_id)
    return BalanceOut(
        balance=summary.balance,
        held=summary.held,
        used_today=summary.used_today,
        daily_limit=summary.daily_limit,
        remaining_today=summary.remaining_today,
        suspended=summary.suspended,
    )


@router.get("/tokens/history", response_model=Page[HistoryEntryOut])
async def get_history(
    user: SubscriberUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[HistoryEntryOut]:
    """Purchases, grants, holds, refunds and usage, newest first, with the running balance."""
    entries, next_cursor = await history.history_page(db, user.user_id, limit, cursor)
    items = [HistoryEntryOut(**vars(entry)) for entry in entries]
    return Page[HistoryEntryOut](items=items, next_cursor=next_cursor)


@router.get("/tokens/preferences", response_model=TokenPreferences)
async def get_preferences(user: SubscriberUser, db: DbSession) -> TokenPreferences:
    return await preferences.get_preferences(db, user.user_id)


@router.put("/tokens/preferences", response_model=TokenPreferences)
async def put_preferences(
    body: TokenPreferences, user: SubscriberUser, db: DbSession
) -> TokenPreferences:
    return await preferences.update_preferences(db, user.user_id, body)


@router.post("/admin/users/{user_id}/tokens", response_model=AdjustmentOut, status_code=201)
async def adjust_tokens(
    user_id: uuid.UUID, body: AdjustmentIn, admin: AdminUser, db: DbSession
) -> AdjustmentOut:
    """Grant or deduct tokens with a reason (audit-logged); a deduction never goes below 0."""
    done = await admin_service.adjust_tokens(
        db, admin, user_id, body.action, body.tokens, body.reason
    )
    return AdjustmentOut(
        user_id=user_id,
        transaction_id=done.transaction_id,
        tokens_amount=done.tokens_amount,
        balance=done.balance,
    )


@router.post("/admin/users/{user_id}/suspend", response_model=SuspensionOut)
async def suspend(
    user_id: uuid.UUID, body: SuspensionIn, admin: AdminUser, db: DbSession
) -> SuspensionOut:
    """Suspend an account: it can no longer log in, use its sessions or spend (audit-logged)."""
    at = await admin_service.set_suspended(db, admin, user_id, True, body.reason)
    return SuspensionOut(user_id=user_id, suspended_at=at)


@router.post("/admin/users/{user_id}/reactivate", response_model=SuspensionOut)
async def reactivate(
    user_id: uuid.UUID, body: SuspensionIn, admin: AdminUser, db: DbSession
) -> SuspensionOut:
    at = await admin_service.set_suspended(db, admin, user_id, False, body.reason)
    return SuspensionOut(user_id=user_id, suspended_at=at)
