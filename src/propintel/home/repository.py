"""The homeowner dashboard's jobs (``homeowner_jobs`` has no domain of its own yet)."""

from __future__ import annotations

import uuid

from sqlalchemy import RowMapping, text

from propintel.db.repository import Repository

_RECENT_JOBS = text(
    "SELECT job_id, job_title, service_category, status, created_at FROM homeowner_jobs "
    "WHERE homeowner_id = :user_id ORDER BY created_at DESC LIMIT :limit"
)


class HomeRepository(Repository):
    async def recent_jobs(self, homeowner_id: uuid.UUID, limit: int) -> list[RowMapping]:
        rows = await self.session.execute(_RECENT_JOBS, {"user_id": homeowner_id, "limit": limit})
        return list(rows.mappings())
