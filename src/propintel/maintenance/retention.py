"""Retention: the spec's "Clean Old Data", with the periods from settings.

A row is deleted when it is *older than* the period: ``conversation_history.timestamp`` (or
``email_workflow_logs.sent_at``) strictly before now minus N days, with now taken as New York wall
time because the spec's ``TIMESTAMP`` columns hold New York time. A row exactly N days old stays
until the next run. Email logs that were never sent (``sent_at`` NULL) are kept.
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


@dataclass(frozen=True)
class RetentionPolicy:
    conversation_days: int = 90
    email_log_days: int = 180

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        return cls(settings.retention_conversation_days, settings.retention_email_log_days)


@dataclass(frozen=True)
class CleanupReport:
    conversation_days: int
    conversations_deleted: int
    email_log_days: int
    email_logs_deleted: int

    def to_detail(self) -> dict[str, Any]:
        return asdict(self)


async def clean_old_data(session: AsyncSession, policy: RetentionPolicy) -> CleanupReport:
    """Delete what the policy no longer keeps; returns the counts (flushes, no commit)."""
    conversations = await session.execute(_DELETE_CONVERSATIONS, {"days": policy.conversation_days})
    email_logs = await session.execute(_DELETE_EMAIL_LOGS, {"days": policy.email_log_days})
    return CleanupReport(
        conversation_days=policy.conversation_days,
        conversations_deleted=_rowcount(conversations),
        email_log_days=policy.email_log_days,
        email_logs_deleted=_rowcount(email_logs),
    )


def _rowcount(result: Any) -> int:
    return int(result.rowcount or 0)
