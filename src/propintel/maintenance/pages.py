"""Admin pages: scheduled maintenance (last runs, "Run now") and database reports."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from procrastinate.exceptions import AlreadyEnqueued

from propintel.audit.service import audit_queued_job
from propintel.auth.deps import AdminUser
from propintel.db.session import DbSession
from propintel.jobs.enqueue import defer_in_transaction
from propintel.jobs.schedule import SCHEDULE
from propintel.kit.errors import NotFound
from propintel.kit.i18n import _
from propintel.maintenance.database import SlowQueriesUnavailable, index_usage, slow_queries
from propintel.maintenance.overview import maintenance_overview
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(prefix="/admin/maintenance", include_in_schema=False)
PAGE = "/admin/maintenance"
SLOW_QUERY_ROWS = 20


@router.get("")
async def maintenance_page(request: Request, _admin: AdminUser, db: DbSession) -> Response:
    overview = await maintenance_overview(db)
    return render(request, "admin/maintenance.html", {"overview": overview})


@router.post("/run")
async def run_now(
    request: Request, admin: AdminUser, db: DbSession, job: str = Form(...)
) -> Response:
    """Queue a scheduled job in this request's transaction: it exists once the request commits."""
    if job not in {entry.name for entry in SCHEDULE}:
        raise NotFound(_("No scheduled job is called {job}.").format(job=repr(job)))
    try:
        job_id = await defer_in_transaction(db, job)
    except AlreadyEnqueued:
        message = _("{job} is already waiting for a worker; it was not queued twice.").format(
            job=job
        )
        return redirect_with_flash(request, PAGE, message, "info")
    # Cleanup deletes data and backup writes files: who started one by hand is on record.
    await audit_queued_job(db, admin, "maintenance.run_now", job, job_id)
    message = _("{job} is queued; this page shows its run when a worker has taken it.").format(
        job=job
    )
    return redirect_with_flash(request, PAGE, message, "success")


@router.get("/database")
async def database_page(request: Request, _admin: AdminUser, db: DbSession) -> Response:
    """The spec's index-usage and slow-query reports, read-only."""
    unavailable: str | None = None
    try:
        slow = await slow_queries(db, limit=SLOW_QUERY_ROWS)
    except SlowQueriesUnavailable as error:
        slow, unavailable = [], _(str(error))
    context = {
        "indexes": await index_usage(db),
        "slow_queries": slow,
        "slow_unavailable": unavailable,
    }
    return render(request, "admin/maintenance_database.html", context)
