"""Admin pages: data imports (upload, runs, quarantine pages by cursor)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from propintel.audit.service import audit_queued_job
from propintel.auth.deps import AdminUser
from propintel.db.session import DbSession
from propintel.ingest import service as ingest_service
from propintel.ingest.errors import ImportRefused
from propintel.ingest.registry import (
    importer_for,
    importers,
    kind_label,
    quarantine_action_label,
    status_label,
)
from propintel.ingest.tasks import IMPORT_FILE, upload_store
from propintel.jobs.enqueue import defer_in_transaction
from propintel.kit.i18n import _
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(prefix="/admin", include_in_schema=False)
QUARANTINE_PAGE = 100


@router.get("/imports")
async def imports_page(request: Request, _admin: AdminUser, db: DbSession) -> Response:
    runs = await ingest_service.recent_runs(db, limit=50)
    return render(request, "admin/imports.html", _imports_context(runs))


def _imports_context(runs: Sequence[object], **extra: object) -> dict[str, object]:
    kinds = [(kind, kind_label(kind)) for kind in importers()]
    return {
        "runs": runs,
        "kinds": kinds,
        "kind_label": kind_label,
        "status_label": status_label,
        **extra,
    }


@router.post("/imports")
async def upload_import(
    request: Request,
    admin: AdminUser,
    db: DbSession,
    kind: str = Form(...),
    file: UploadFile = File(...),
) -> Response:
    """Store the upload, check it at once (a refused file is reported here), then queue it,
    audit-logged (a refused file changes nothing and is not logged)."""
    filename = file.filename or "upload"
    try:
        importer = importer_for(kind)
    except KeyError:
        return await _refused(request, db, _("Unknown import kind {kind}.").format(kind=repr(kind)))
    store = upload_store()
    key = await asyncio.to_thread(store.save, file.file, filename)
    try:
        await asyncio.to_thread(importer.check, store.local_path(key))
    except ImportRefused as error:  # the stored file keeps its name: the message names it
        store.delete(key)
        return await _refused(request, db, error.message)
    job_id = await defer_in_transaction(
        db, IMPORT_FILE, kind=kind, key=key, filename=filename, user_id=str(admin.user_id)
    )
    await audit_queued_job(
        db, admin, "import.upload", IMPORT_FILE, job_id, kind=kind, filename=filename
    )
    message = _(
        "{filename} is queued for import as {format}; this page shows it when the worker "
        "starts, and the scores of what it changes are refreshed right after."
    ).format(filename=filename, format=kind_label(kind))
    return redirect_with_flash(request, "/admin/imports", message, "success")


async def _refused(request: Request, db: DbSession, message: str) -> Response:
    runs = await ingest_service.recent_runs(db, limit=50)
    context = _imports_context(runs, error=message)
    return render(request, "admin/imports.html", context, status_code=422)


@router.get("/imports/{run_id}")
async def import_run_page(
    request: Request,
    run_id: uuid.UUID,
    _admin: AdminUser,
    db: DbSession,
    cursor: str | None = None,
) -> Response:
    run = await ingest_service.import_run(db, run_id)
    rows, next_cursor = await ingest_service.quarantine_page(db, run_id, QUARANTINE_PAGE, cursor)
    page = f"/admin/imports/{run_id}"
    context = {
        "run": run,
        "rows": rows,
        "next_url": f"{page}?{urlencode({'cursor': next_cursor})}" if next_cursor else None,
        "first_url": page if cursor else None,
        "kind_label": kind_label,
        "status_label": status_label,
        "quarantine_action_label": quarantine_action_label,
    }
    return render(request, "admin/import_run.html", context)
