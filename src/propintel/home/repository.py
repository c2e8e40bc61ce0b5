"""The homeowner dashboard's jobs (``homeowner_jobs`` has no domain of its own yet)."""

from __future__ import annotations

import uuid

from sqlalchemy import RowMapping, select

from propintel.db.repository import Repository
from propintel.home.tables import homeowner_jobs

_RECENT_JOBS = select(
    homeowner_jobs.c.job_id,
    homeowner_jobs.c.job_title,
    homeowner_jobs.c.service_category,
    homeowner_jobs.c.status,
    homeowner_jobs.c.created_at,
).order_by(homeowner_jobs.c.created_at.desc())


class HomeRepository(Repository):
    async def recent_jobs(self, homeowner_id: uuid.UUID, limit: int) -> list[RowMapping]:
        statement = _RECENT_JOBS.where(homeowner_jobs.c.homeowner_id == homeowner_id).limit(limit)
        rows = await self.session.execute(statement)
        return list(rows.mappings())
