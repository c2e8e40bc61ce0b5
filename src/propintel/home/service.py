"""Read-only figures for the dashboards (each scoped to the user it is shown to), gathered from
each domain's service."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth import service as auth_service
from propintel.auth.models import User
from propintel.jobs.runs import schedule_status
from propintel.kit.clock import today_new_york
from propintel.leads import service as leads_service
from propintel.leads.service import due_followups
from propintel.marketplace import jobs as marketplace_jobs
from propintel.scoring.service import scores_refreshed_at
from propintel.search.service import presets_of
from propintel.tokens import service as tokens_service

DUE_FOLLOWUPS_SHOWN = 10
RECENT_JOBS_SHOWN = 20


async def subscriber_summary(db: AsyncSession, user: User) -> dict[str, Any]:
    due = await due_followups(db, user.user_id, today_new_york(), limit=DUE_FOLLOWUPS_SHOWN)
    return {
        "saved_leads": await leads_service.count_saved_leads(db, user.user_id),
        "due_followups": due,
        "presets": await presets_of(db, user),
        "scores_refreshed_at": await scores_refreshed_at(db),
    }


async def homeowner_summary(db: AsyncSession, user: User) -> dict[str, Any]:
    jobs = await marketplace_jobs.recent_jobs(db, user.user_id, RECENT_JOBS_SHOWN)
    return {"jobs": jobs}


async def admin_summary(db: AsyncSession) -> dict[str, Any]:
    return {
        "user_counts": await auth_service.count_users_by_type(db),
        "pool": await tokens_service.company_pool(db),
        "scheduled_jobs": await schedule_status(db),
    }
