"""Retention: the spec's "Clean Old Data", with the periods from settings.

A row is deleted when it is *older than* the period: ``conversation_history.timestamp`` (or
``email_workflow_logs.sent_at``) strictly before now minus N days, with now taken as New York wall
time because the spec's ``TIMESTAMP`` columns hold New York time. A row exactly N days old stays
until the next run. An assistant conversation whose last message is past the period goes with
it. Email logs that were never sent (``sent_at`` NULL) are kept.

Our own job history goes the same way after ``job_history_days``: ``job_runs`` rows started before
the cutoff (the heartbeat alone adds 1,440 a day), except the latest run of each task, which the
admin pages show however old it is; and Procrastinate's finished jobs (succeeded, failed,
cancelled, aborted) whose last event is older than the period, with their events (cascade).
Jobs waiting or running are never touched.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings
from propintel.jobs.queue import delete_finished_jobs
from propintel.jobs.runs import delete_old_runs
from propintel.maintenance.repository import MaintenanceRepository


@dataclass(frozen=True)
class RetentionPolicy:
    conversation_days: int = 90
    email_log_days: int = 180
    job_history_days: int = 30

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        return cls(
            settings.retention_conversation_days,
            settings.retention_email_log_days,
            settings.retention_job_history_days,
        )


@dataclass(frozen=True)
class CleanupReport:
    conversation_days: int
    conversations_deleted: int
    email_log_days: int
    email_logs_deleted: int
    job_history_days: int
    job_runs_deleted: int
    queue_jobs_deleted: int

    def to_detail(self) -> dict[str, Any]:
        return asdict(self)


async def clean_old_data(session: AsyncSession, policy: RetentionPolicy) -> CleanupReport:
    """Delete what the policy no longer keeps; returns the counts (flushes, no commit)."""
    repo = MaintenanceRepository.from_session(session)
    return CleanupReport(
        conversation_days=policy.conversation_days,
        conversations_deleted=await repo.delete_conversations_older_than(policy.conversation_days),
        email_log_days=policy.email_log_days,
        email_logs_deleted=await repo.delete_email_logs_older_than(policy.email_log_days),
        job_history_days=policy.job_history_days,
        job_runs_deleted=await delete_old_runs(session, policy.job_history_days),
        queue_jobs_deleted=await delete_finished_jobs(session, policy.job_history_days),
    )
