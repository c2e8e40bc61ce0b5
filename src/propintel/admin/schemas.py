"""API shapes of the admin domain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class PoolOut(BaseModel):
    total_tokens: int | None
    tokens_purchased: int | None
    tokens_consumed: int | None
    updated_at: datetime | None


class ScheduledJobOut(BaseModel):
    name: str
    cron: str
    timezone: str
    description: str
    last_started_at: datetime | None
    last_duration_ms: int | None
    last_outcome: str | None
    last_detail: dict[str, Any] | None


class AdminSummaryOut(BaseModel):
    user_counts: dict[str, int]
    pool: PoolOut | None
    scheduled_jobs: list[ScheduledJobOut]
