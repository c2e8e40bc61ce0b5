"""What the admin Maintenance page shows: each scheduled job, its last run in one line, whether
one is waiting or running now, and the last reconciliation's discrepancies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.jobs.queue import pending_jobs
from propintel.jobs.runs import ScheduledJobStatus, schedule_status
from propintel.kit.i18n import _, format_date, format_number, ngettext
from propintel.maintenance import tasks
from propintel.scoring.service import REFRESH_JOB

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
    """The last run's detail in one line, in the current locale (an error as it was recorded)."""
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
        _("purchased {purchased} · consumed {consumed} · total {total}").format(
            purchased=format_number(p["tokens_purchased"]),
            consumed=format_number(p["tokens_consumed"]),
            total=format_number(p["total_tokens"]),
        )
        for p in detail["pool"]
    )
    if not pools:
        pool = _("No pool row")
    elif detail.get("pool_changed"):
        pool = _("Pool: {pools} (corrected)").format(pools=pools)
    else:
        pool = _("Pool: {pools} (already right)").format(pools=pools)
    count = int(detail["discrepancy_count"])
    found = ngettext("{count} balance discrepancy", "{count} balance discrepancies", count).format(
        count=format_number(count)
    )
    return _("{pool}. {users} users checked, {found}.").format(
        pool=pool, users=format_number(detail["users_checked"]), found=found
    )


def _cleanup(detail: dict[str, Any]) -> str:
    return _(
        "Deleted {conversations} conversation messages older than {conversation_days} days, "
        "{email_logs} email logs older than {email_log_days} days, {job_runs} job runs and "
        "{queue_jobs} finished queue jobs older than {job_history_days} days."
    ).format(
        conversations=format_number(detail["conversations_deleted"]),
        conversation_days=detail["conversation_days"],
        email_logs=format_number(detail["email_logs_deleted"]),
        email_log_days=detail["email_log_days"],
        job_runs=format_number(detail["job_runs_deleted"]),
        queue_jobs=format_number(detail["queue_jobs_deleted"]),
        job_history_days=detail["job_history_days"],
    )


def _analyze(detail: dict[str, Any]) -> str:
    notices = len(detail.get("notices") or [])
    if notices:
        vacuumed = ngettext(
            "VACUUM (ANALYZE) of {tables} tables, {notices} notice.",
            "VACUUM (ANALYZE) of {tables} tables, {notices} notices.",
            notices,
        ).format(tables=detail["tables"], notices=notices)
    else:
        vacuumed = _("VACUUM (ANALYZE) of {tables} tables.").format(tables=detail["tables"])
    reordered_ms = detail.get("properties_reordered_ms")
    if reordered_ms is None:  # given up for a busy table, or a run from before it reordered
        return vacuumed
    reordered = _("Parcels stored again in map order in {seconds} s.").format(
        seconds=format_number(reordered_ms / 1000, 1)
    )
    return f"{reordered} {vacuumed}"


def _backup(detail: dict[str, Any]) -> str:
    size = format_number(int(detail["bytes"]) / 1_000_000, 1)
    removed = len(detail.get("removed") or [])
    if not removed:
        return _("{file} ({size} MB).").format(file=detail["file"], size=size)
    return ngettext(
        "{file} ({size} MB); removed {count} old backup.",
        "{file} ({size} MB); removed {count} old backups.",
        removed,
    ).format(file=detail["file"], size=size, count=removed)


def _recovered(detail: dict[str, Any]) -> str:
    retried, failed = len(detail["retried"]), len(detail["failed"])
    runs = len(detail["import_runs_failed"])
    if not (retried or failed or runs):
        return _("Nothing had stalled.")
    return _(
        "Stalled jobs queued again: {retried}; failed: {failed}; import runs failed: {runs}."
    ).format(retried=retried, failed=failed, runs=runs)


def _refresh(detail: dict[str, Any]) -> str:
    return ngettext(
        "Scores as of {day}: {examined} property examined, {changed} changed, in {seconds} s.",
        "Scores as of {day}: {examined} properties examined, {changed} changed, in {seconds} s.",
        int(detail["examined"]),
    ).format(
        day=format_date(date.fromisoformat(detail["as_of"])),
        examined=format_number(detail["examined"]),
        changed=format_number(detail["changed"]),
        seconds=format_number(detail["duration_s"], 1),
    )


def _heartbeat(detail: dict[str, Any]) -> str:
    return _("Database time {time}.").format(time=detail["database_time"])


_DESCRIBERS = {
    tasks.RECONCILE_TOKENS: _reconcile,
    tasks.CLEANUP: _cleanup,
    tasks.ANALYZE: _analyze,
    tasks.BACKUP: _backup,
    tasks.RECOVER_STALLED: _recovered,
    REFRESH_JOB: _refresh,
    "maintenance.heartbeat": _heartbeat,
}
