"""Retention: the spec's "Clean Old Data", with the periods from settings.

A row is deleted when it is *older than* the period: ``conversation_history.timestamp`` (or
``email_workflow_logs.sent_at``) strictly before now minus N days, with now taken as New York wall
time because the spec's ``TIMESTAMP`` columns hold New York time. A row exactly N days old stays
until the next run. Email logs that were never sent (``sent_at`` NULL) are kept.

Our own job history goes the same way after ``job_history_days``: ``job_runs`` rows started before
the cutoff (the heartbeat alone adds 1,440 a day), except the latest run of each task, which the
admin pages show however old it is; and Procrastinate's finished jobs (succeeded, failed,
cancelled, aborted) whose last event is older than the period, with their events (cascade).
Jobs waiting or running are never touched.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings

_CUTOFF = "(NOW() AT TIME ZONE 'America/New_York') - make_interval(days => :days)"
_DELETE_CONVERSATIONS = text(f"DELETE FROM conversation_history WHERE timestamp < {_CUTOFF}")
_DELETE_EMAIL_LOGS = text(f"DELETE FROM email_workflow_logs WHERE sent_at < {_CUTOFF}")
_DELETE_JOB_RUNS = text(
    f"""DELETE FROM job_runs r WHERE r.started_at < {_CUTOFF}
AND r.run_id <> (SELECT l.run_id FROM job_runs l WHERE l.task_name = r.task_name
                 ORDER BY l.started_at DESC, l.run_id DESC LIMIT 1)"""
)
# procrastinate_events.at is a timestamptz: the cutoff is an instant, no time zone involved.
_DELETE_QUEUE_JOBS = text(
    """DELETE FROM procrastinate_jobs j
WHERE j.status IN ('succeeded', 'failed', 'cancelled', 'aborted')
  AND (SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id)
      < NOW() - make_interval(days => :days)"""
)


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
    conversations = await session.execute(_DELETE_CONVERSATIONS, {"days": policy.conversation_days})
    email_logs = await session.execute(_DELETE_EMAIL_LOGS, {"days": policy.email_log_days})
    job_days = {"days": policy.job_history_days}
    job_runs = await session.execute(_DELETE_JOB_RUNS, job_days)
    queue_jobs = await session.execute(_DELETE_QUEUE_JOBS, job_days)
    return CleanupReport(
        conversation_days=policy.conversation_days,
        conversations_deleted=_rowcount(conversations),
        email_log_days=policy.email_log_days,
        email_logs_deleted=_rowcount(email_logs),
        job_history_days=policy.job_history_days,
        job_runs_deleted=_rowcount(job_runs),
        queue_jobs_deleted=_rowcount(queue_jobs),
    )


def _rowcount(result: Any) -> int:
    return int(result.rowcount or 0)
