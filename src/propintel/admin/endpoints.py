"""Admin API."""

from __future__ import annotations

from fastapi import APIRouter

from propintel.admin.schemas import AdminSummaryOut, PoolOut, ScheduledJobOut
from propintel.auth.deps import AdminUser
from propintel.db.session import DbSession
from propintel.web import dashboard

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get("/summary", response_model=AdminSummaryOut)
async def summary(_admin: AdminUser, db: DbSession) -> AdminSummaryOut:
    """User counts per type, the company token pool and the last run of each scheduled job."""
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
        )
        for status in figures["scheduled_jobs"]
    ]
    pool = PoolOut(**figures["pool"]) if figures["pool"] else None
    return AdminSummaryOut(user_counts=figures["user_counts"], pool=pool, scheduled_jobs=jobs)
