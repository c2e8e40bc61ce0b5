"""Read-only figures for the dashboards (each scoped to the user it is shown to)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.auth.repository import AuthRepository
from propintel.jobs.runs import schedule_status
from propintel.kit.clock import today_new_york
from propintel.leads.followups import due_followups
from propintel.scoring.service import scores_refreshed_at
from propintel.search.service import presets_of

DUE_FOLLOWUPS_SHOWN = 10


async def subscriber_summary(db: AsyncSession, user: User) -> dict[str, Any]:
    saved_leads = await db.scalar(
        text("SELECT count(*) FROM saved_leads WHERE user_id = :user_id"), {"user_id": user.user_id}
    )
    due = await due_followups(db, user.user_id, today_new_york(), limit=DUE_FOLLOWUPS_SHOWN)
    return {
        "saved_leads": saved_leads or 0,
        "due_followups": due,
        "presets": await presets_of(db, user),
        "scores_refreshed_at": await scores_refreshed_at(db),
    }


async def homeowner_summary(db: AsyncSession, user: User) -> dict[str, Any]:
    rows = await db.execute(
        text(
            "SELECT job_id, job_title, service_category, status, created_at FROM homeowner_jobs "
            "WHERE homeowner_id = :user_id ORDER BY created_at DESC LIMIT 20"
        ),
        {"user_id": user.user_id},
    )
    return {"jobs": rows.mappings().all()}


async def admin_summary(db: AsyncSession) -> dict[str, Any]:
    pool = await db.execute(
        text(
            "SELECT total_tokens, tokens_purchased, tokens_consumed, updated_at "
            "FROM company_token_pool ORDER BY updated_at LIMIT 1"
        )
    )
    return {
        "user_counts": await AuthRepository(db).count_users_by_type(),
        "pool": pool.mappings().first(),
        "scheduled_jobs": await schedule_status(db),
    }
