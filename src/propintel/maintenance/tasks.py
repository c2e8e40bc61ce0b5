"""Scheduled maintenance jobs (see ``jobs/schedule.py`` for when they run).

Each returns the detail recorded in ``job_runs`` (and shown on /admin/maintenance). The queueing
lock keeps at most one of each waiting; the lock keeps two of the same from running at once.
VACUUM and pg_dump need connections of their own (VACUUM cannot run in a transaction block): they
go to the database of the job's session, in a thread, while the session itself stays idle.
"""

from __future__ import annotations

import asyncio

from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from propintel.config import get_settings
from propintel.db.urls import libpq_url
from propintel.ingest import service as ingest_service
from propintel.jobs.registry import BULK_QUEUE, job
from propintel.jobs.stalled import recover_stalled_jobs
from propintel.maintenance.backup import scheduled_backup
from propintel.maintenance.database import vacuum_analyze
from propintel.maintenance.retention import RetentionPolicy, clean_old_data
from propintel.maintenance.tokens import reconcile_tokens

RECONCILE_TOKENS = "maintenance.reconcile_tokens"
CLEANUP = "maintenance.cleanup"
ANALYZE = "maintenance.analyze"
BACKUP = "maintenance.backup"
RECOVER_STALLED = "maintenance.recover_stalled"


def session_database_url(session: AsyncSession) -> str:
    """The libpq URL of the database the session is bound to (password included)."""
    bind = session.bind
    if bind is None:
        raise RuntimeError("the session is not bound to an engine")
    engine = bind if isinstance(bind, AsyncEngine) else bind.engine
    return libpq_url(engine.url.render_as_string(hide_password=False))


@job(RECONCILE_TOKENS, lock=RECONCILE_TOKENS, queueing_lock=RECONCILE_TOKENS)
async def reconcile_tokens_job(session: AsyncSession, *, timestamp: int | None = None) -> JSONDict:
    """Pool from the ledgers; balance discrepancies listed, never corrected."""
    return (await reconcile_tokens(session)).to_detail()


# No `lock`: a sweep killed mid-run must not block the next one (that is what it repairs).
@job(RECOVER_STALLED, queueing_lock=RECOVER_STALLED)
async def recover_stalled_job(session: AsyncSession, *, timestamp: int | None = None) -> JSONDict:
    """Jobs whose worker died are queued again or failed; imports it left running are failed."""
    recovered = await recover_stalled_jobs(session)
    abandoned = await ingest_service.fail_abandoned_runs(session)
    return {
        "retried": [f"{job.task_name}[{job.job_id}]" for job in recovered if job.retried],
        "failed": [f"{job.task_name}[{job.job_id}]" for job in recovered if not job.retried],
        "import_runs_failed": [str(run_id) for run_id in abandoned],
    }


@job(CLEANUP, queue=BULK_QUEUE, lock=CLEANUP, queueing_lock=CLEANUP)
async def cleanup_job(session: AsyncSession, *, timestamp: int | None = None) -> JSONDict:
    settings = get_settings()
    policy = RetentionPolicy.from_settings(settings)
    detail = (await clean_old_data(session, policy)).to_detail()
    keep_days = settings.import_upload_keep_days
    detail["import_upload_keep_days"] = keep_days
    detail["import_uploads_deleted"] = await asyncio.to_thread(
        ingest_service.prune_uploads, keep_days
    )
    return detail


@job(ANALYZE, queue=BULK_QUEUE, lock=ANALYZE, queueing_lock=ANALYZE)
async def analyze_job(session: AsyncSession, *, timestamp: int | None = None) -> JSONDict:
    report = await asyncio.to_thread(vacuum_analyze, session_database_url(session))
    return report.to_detail()


@job(BACKUP, queue=BULK_QUEUE, lock=BACKUP, queueing_lock=BACKUP)
async def backup_job(session: AsyncSession, *, timestamp: int | None = None) -> JSONDict:
    """A dump under the backup directory; only the newest ``PROPINTEL_BACKUP_KEEP`` are kept."""
    settings = get_settings()
    url = session_database_url(session)
    report = await asyncio.to_thread(
        scheduled_backup, url, settings.backups_path, settings.backup_keep
    )
    return report.to_detail()
