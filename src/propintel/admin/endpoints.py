"""Admin API: summary, users (search, facts, ledger), the audit log and the Economics report."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from propintel.admin import economics
from propintel.admin.schemas import (
    AdminSummaryOut,
    AuditEntryOut,
    AuditPageOut,
    EconomicsOut,
    PoolOut,
    ScheduledJobOut,
    UserDetailOut,
    UserOut,
)
from propintel.audit import service as audit_service
from propintel.audit.entries import MAX_PAGE as MAX_AUDIT_PAGE
from propintel.audit.entries import AuditFilters
from propintel.auth import service as auth_service
from propintel.auth.deps import AdminUser
from propintel.auth.schemas import UserFilters
from propintel.db.session import DbSession
from propintel.home import service as dashboard
from propintel.kit.pagination import MAX_LIMIT, Page
from propintel.tokens import history
from propintel.tokens import service as token_service
from propintel.tokens.schemas import HistoryEntryOut

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get("/summary", response_model=AdminSummaryOut)
async def summary(_admin: AdminUser, db: DbSession) -> AdminSummaryOut:
    """User counts per type, the company token pool and, for each scheduled job, its last run,
    its next run and whether it is overdue."""
    figures = await dashboard.admin_summary(db)
    jobs = [
        ScheduledJobOut(
            name=status.job.name,
            cron=status.job.cron,
            timezone=status.job.timezone,
            description=status.job.description,
            last_started_at=status.last_run.started_at if status.last_run else None,
            last_duration_ms=status.last_run.duration_ms if status.last_run else None,
            last_outcome=status.last_run.outcome if status.last_run else None,
            last_detail=status.last_run.detail if status.last_run else None,
            next_run_at=status.next_run,
            overdue_since=status.overdue_since,
        )
        for status in figures["scheduled_jobs"]
    ]
    pool = PoolOut(**figures["pool"]) if figures["pool"] else None
    return AdminSummaryOut(user_counts=figures["user_counts"], pool=pool, scheduled_jobs=jobs)


@router.get("/users", response_model=Page[UserOut])
async def list_users(
    _admin: AdminUser,
    db: DbSession,
    filters: Annotated[UserFilters, Query()],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> Page[UserOut]:
    """Users by email, filtered by part of the email, type, tier and account status."""
    rows, next_cursor = await auth_service.search_users(db, filters, limit, cursor)
    items = [UserOut.model_validate(row) for row in rows]
    return Page[UserOut](items=items, next_cursor=next_cursor)


@router.get("/users/{user_id}", response_model=UserDetailOut)
async def get_user(user_id: uuid.UUID, _admin: AdminUser, db: DbSession) -> UserDetailOut:
    facts = await auth_service.user_facts(db, user_id)
    balance = await token_service.balance_summary(db, user_id)
    return UserDetailOut.model_validate(
        {
            **vars(facts),
            "held": balance.held,
            "used_today": balance.used_today,
            "daily_limit": balance.daily_limit,
        }
    )


@router.get("/users/{user_id}/ledger", response_model=Page[HistoryEntryOut])
async def user_ledger(
    user_id: uuid.UUID,
    _admin: AdminUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: str | None = None,
) -> Page[HistoryEntryOut]:
    """One user's purchases, grants, holds, refunds and usage with the running balance."""
    await auth_service.user_facts(db, user_id)  # 404 for an unknown user
    entries, next_cursor = await history.history_page(db, user_id, limit, cursor)
    items = [HistoryEntryOut(**vars(entry)) for entry in entries]
    return Page[HistoryEntryOut](items=items, next_cursor=next_cursor)


@router.get("/audit", response_model=AuditPageOut)
async def list_audit(
    _admin: AdminUser,
    db: DbSession,
    filters: Annotated[AuditFilters, Query()],
    limit: Annotated[int, Query(ge=1, le=MAX_AUDIT_PAGE)] = 50,
    cursor: str | None = None,
) -> AuditPageOut:
    """Audit entries newest first; dates are New York days, both inclusive."""
    entries, next_cursor = await audit_service.audit_page(db, filters, limit, cursor)
    return AuditPageOut(
        entries=[AuditEntryOut.model_validate(entry) for entry in entries],
        next_cursor=next_cursor,
    )


@router.get("/economics", response_model=EconomicsOut)
async def get_economics(
    _admin: AdminUser,
    db: DbSession,
    period: economics.Period = "day",
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
) -> EconomicsOut:
    """Tokens sold / granted / consumed and revenue per New York period (only periods with
    activity are listed; the totals cover the whole range); cost and realised markup per action;
    the company pool (definitions: docs/billing-admin.md)."""
    start, end = economics.resolve_range(period, date_from, date_to)
    report = await economics.economics(db, period, start, end)
    return EconomicsOut.model_validate(report)
