"""Background imports: files uploaded by an admin are imported by a worker, which then queues
the score refresh so the new records are scored (ingest names that job; it does not depend on
the scoring domain)."""

from __future__ import annotations

import asyncio
import uuid

from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.db.urls import libpq_url
from propintel.ingest.registry import importer_for
from propintel.ingest.runs import run_import
from propintel.jobs.enqueue import defer_in_transaction
from propintel.jobs.registry import BULK_QUEUE, job
from propintel.kit.files import LocalFileStore

IMPORT_FILE = "ingest.import_file"
SCORE_REFRESH_JOB = "scoring.refresh"


def upload_store() -> LocalFileStore:
    return LocalFileStore(get_settings().data_dir / "uploads")


# A worker that died mid-import (perhaps of this very file) does not get it again: the run is
# marked failed and the admin may import it anew.
@job(IMPORT_FILE, queue=BULK_QUEUE, retry_stalled=False)
async def import_file(
    session: AsyncSession, *, kind: str, key: str, filename: str, user_id: str
) -> JSONDict:
    """Import an uploaded file into the database this job runs on (its own transactions)."""
    connection = await session.connection()
    url = libpq_url(connection.engine.url.render_as_string(hide_password=False))
    store = upload_store()
    path = store.local_path(key)
    try:
        summary = await asyncio.to_thread(
            run_import,
            importer_for(kind),
            path,
            url,
            requested_by=uuid.UUID(user_id),
            source_name=filename,
        )
    finally:
        # Kept for audit (PROPINTEL_IMPORT_UPLOAD_KEEP_DAYS, deleted by `maintenance cleanup`),
        # or deleted at once when nothing is to be kept.
        if get_settings().import_upload_keep_days == 0:
            store.delete(key)
    return summary.as_dict() | {"score_refresh": await _queue_score_refresh(session)}


def prune_uploads(keep_days: int, now: float | None = None) -> int:
    """Delete uploaded import files older than ``keep_days`` days; returns how many."""
    return upload_store().prune(keep_days * 86_400, now)


async def _queue_score_refresh(session: AsyncSession) -> str:
    """Queue the (incremental) score refresh in this job's transaction, after a successful
    import (a failed one raises before): a refresh already waiting sees this import's rows too."""
    try:
        await defer_in_transaction(session, SCORE_REFRESH_JOB)
    except AlreadyEnqueued:
        return "already queued"
    return "queued"
