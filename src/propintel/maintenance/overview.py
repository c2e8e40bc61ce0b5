"""What the admin Maintenance page shows: each scheduled job, its last run in one line, whether
one is waiting or running now, and the last reconciliation's discrepancies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.jobs.queue import pending_jobs
from propintel.jobs.runs import ScheduledJobStatus, schedule_status
from propintel.maintenance import tasks

MAX_SUMMARY_CHARS = 300


@dataclass(frozen=True)
class JobRow:
    status: ScheduledJobStatus
    summary: str
    pending: str | None  # "waiting" | "running" | None


@dataclass(frozen=True)
class MaintenanceOverview:
    jobs: list[JobRow]
    discrepancies: list[dict[str, Any]]
    discrepancy_count: int
    reconciled_at: datetime | None  # when the latest reconciliation ran, if it succeeded
    reconcile_failed: bool = False  # the latest reconciliation failed (its row says why)

    @property
    def busy(self) -> bool:
        return any(row.pending for row in self.jobs)


async def maintenance_overview(session: AsyncSession) -> MaintenanceOverview:
    statuses = await schedule_status(session)
    pending = await pending_jobs(session)
    rows = [
        JobRow(status, run_summary(status), pending.get(status.job.name)) for status in statuses
    ]
    reconcile = next((s for s in statuses if s.job.name == tasks.RECONCILE_TOKENS), None)
    run = reconcile.last_run if reconcile else None
    detail = run.detail if run and run.outcome == "ok" and run.detail else {}
    return MaintenanceOverview(
        jobs=rows,
        discrepancies=list(detail.get("discrepancies") or []),
        discrepancy_count=int(detail.get("discrepancy_count") or 0),
        reconciled_at=run.started_at if detail and run else None,
        reconcile_failed=bool(run and run.outcome == "failed"),
    )


def run_summary(status: ScheduledJobStatus) -> str:
    """The last run's detail in one line (an error as it was recorded)."""
    run = status.last_run
    if run is None or run.detail is None:
        return ""
    detail = run.detail
    if "error" in detail:
        return str(detail["error"])
    describe = _DESCRIBERS.get(status.job.name)
    try:
        line = describe(detail) if describe else _as_json(detail)
    except (KeyError, TypeError, ValueError):  # a detail of an older shape
        line = _as_json(detail)
    return line[:MAX_SUMMARY_CHARS]


def _as_json(detail: dict[str, Any]) -> str:
    return json.dumps(detail, default=str, separators=(", ", ": "))


def _reconcile(detail: dict[str, Any]) -> str:
    pools = "; ".join(
        f"purchased {p['tokens_purchased']:,} · consumed {p['tokens_consumed']:,} · "
        f"total {p['total_tokens']:,}"
        for p in detail["pool"]
    )
    changed = " (corrected)" if detail.get("pool_changed") else " (already right)"
    count = int(detail["discrepancy_count"])
    found = f"{count:,} balance discrepanc{'y' if count == 1 else 'ies'}"
    pool = f"Pool: {pools}{changed}" if pools else "No pool row"
    return f"{pool}. {detail['users_checked']:,} users checked, {found}."


def _cleanup(detail: dict[str, Any]) -> str:
    return (
        f"Deleted {detail['conversations_deleted']:,} conversation messages older than "
        f"{detail['conversation_days']} days, {detail['email_logs_deleted']:,} email logs "
        f"older than {detail['email_log_days']} days, {detail['job_runs_deleted']:,} job runs "
        f"and {detail['queue_jobs_deleted']:,} finished queue jobs older than "
        f"{detail['job_history_days']} days."
    )


def _analyze(detail: dict[str, Any]) -> str:
    notices = len(detail.get("notices") or [])
    extra = f", {notices} notices" if notices else ""
    return f"VACUUM (ANALYZE) of {detail['tables']} tables{extra}."


def _backup(detail: dict[str, Any]) -> str:
    size = int(detail["bytes"]) / 1_000_000
    removed = len(detail.get("removed") or [])
    pruned = f"; removed {removed} old backup{'s' if removed != 1 else ''}" if removed else ""
    return f"{detail['file']} ({size:,.1f} MB){pruned}."


def _heartbeat(detail: dict[str, Any]) -> str:
    return f"Database time {detail['database_time']}."


_DESCRIBERS = {
    tasks.RECONCILE_TOKENS: _reconcile,
    tasks.CLEANUP: _cleanup,
    tasks.ANALYZE: _analyze,
    tasks.BACKUP: _backup,
    "maintenance.heartbeat": _heartbeat,
}
