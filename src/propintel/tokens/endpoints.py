"""Token API: a subscriber's balance, history and preferences; admin grants, deductions and
account suspension. Every subscriber query is scoped by the caller's own user id."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from propintel.auth.deps import AdminUser, SubscriberUser
from propintel.db.session import DbSession
from propintel.tokens import admin as admin_service
from propintel.tokens import history, preferences, service
from propintel.tokens.repository import TokenRepository
from propintel.tokens.schemas import (
    AdjustmentIn,
    AdjustmentOut,
    BalanceOut,
    HistoryEntryOut,
    HistoryPageOut,
    SuspensionIn,
    SuspensionOut,
    TokenPreferences,
)

router = APIRouter(prefix="/api/v1", tags=["tokens"])


def _repo(db: DbSession) -> TokenRepository:
    return TokenRepository(db)


Repo = Annotated[TokenRepository, Depends(_repo)]


@router.get("/tokens/balance", response_model=BalanceOut)
async def get_balance(user: SubscriberUser, repo: Repo) -> BalanceOut:
    summary = await service.balance_summary(repo, user.user_id)
    return BalanceOut(
        balance=summary.balance,
        held=summary.held,
        used_today=summary.used_today,
        daily_limit=summary.daily_limit,
        remaining_today=summary.remaining_today,
        suspended=summary.suspended,
    )


@router.get("/tokens/history", response_model=HistoryPageOut)
async def get_history(
    user: SubscriberUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=history.MAX_PAGE)] = 50,
    cursor: str | None = None,
) -> HistoryPageOut:
    """Purchases, grants, holds, refunds and usage, newest first, with the running balance."""
    entries, next_cursor = await history.history_page(db, user.user_id, limit, cursor)
    return HistoryPageOut(
        entries=[HistoryEntryOut(**vars(entry)) for entry in entries], next_cursor=next_cursor
    )


@router.get("/tokens/preferences", response_model=TokenPreferences)
async def get_preferences(user: SubscriberUser, repo: Repo) -> TokenPreferences:
    return await preferences.get_preferences(repo, user.user_id)


@router.put("/tokens/preferences", response_model=TokenPreferences)
async def put_preferences(
    body: TokenPreferences, user: SubscriberUser, repo: Repo
) -> TokenPreferences:
    return await preferences.update_preferences(repo, user.user_id, body)


@router.post("/admin/users/{user_id}/tokens", response_model=AdjustmentOut, status_code=201)
async def adjust_tokens(
    user_id: uuid.UUID, body: AdjustmentIn, admin: AdminUser, repo: Repo
) -> AdjustmentOut:
    """Grant or deduct tokens with a reason (audit-logged); a deduction never goes below 0."""
    done = await admin_service.adjust_tokens(
        repo, admin, user_id, body.action, body.tokens, body.reason
    )
    return AdjustmentOut(
        user_id=user_id,
        transaction_id=done.transaction_id,
        tokens_amount=done.tokens_amount,
        balance=done.balance,
    )


@router.post("/admin/users/{user_id}/suspend", response_model=SuspensionOut)
async def suspend(
    user_id: uuid.UUID, body: SuspensionIn, admin: AdminUser, repo: Repo
) -> SuspensionOut:
    """Suspend an account: it can no longer log in, use its sessions or spend (audit-logged)."""
    at = await admin_service.set_suspended(repo, admin, user_id, True, body.reason)
    return SuspensionOut(user_id=user_id, suspended_at=at)


@router.post("/admin/users/{user_id}/reactivate", response_model=SuspensionOut)
async def reactivate(
    user_id: uuid.UUID, body: SuspensionIn, admin: AdminUser, repo: Repo
) -> SuspensionOut:
    at = await admin_service.set_suspended(repo, admin, user_id, False, body.reason)
    return SuspensionOut(user_id=user_id, suspended_at=at)
