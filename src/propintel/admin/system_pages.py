"""``GET /metrics`` (Prometheus text format) and the admin System page (``/admin/system``).

``/metrics`` is not public: an admin's session (or API token) reads it, or a scraper sending
``Authorization: Bearer <PROPINTEL_METRICS_TOKEN>``. Both show the request and job metrics of
``web/metrics.py`` and ``jobs/metrics.py`` (every process's, in multiprocess mode) and the
database gauges of ``system.py``, read at the time of the request.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from propintel.admin.system import HEARTBEAT_SECONDS, SnapshotCollector, system_snapshot
from propintel.auth.deps import AdminUser, optional_user
from propintel.auth.models import UserType
from propintel.db.session import DbSession
from propintel.kit.errors import Forbidden, NotAuthenticated
from propintel.kit.i18n import _
from propintel.web.metrics import (
    CONTENT_TYPE,
    exposition,
    exposition_registry,
    multiprocess_dir,
    route_families,
    samples,
)
from propintel.web.templating import render

router = APIRouter(include_in_schema=False)


async def metrics_reader(request: Request, db: DbSession) -> None:
    """The guard of ``/metrics``: the metrics token as a Bearer token, or an admin (401/403)."""
    configured = request.app.state.settings.metrics_token
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    if configured is not None and scheme.lower() == "bearer":
        expected = configured.get_secret_value().encode()
        if hmac.compare_digest(given.strip().encode(), expected):
            return
    # Not the metrics token: our API tokens and session cookies, as every route (a wrong token
    # is refused there with 401).
    user = await optional_user(request, db, None, None)
    if user is None:
        raise NotAuthenticated(
            _("Send 'Authorization: Bearer <metrics token>' or log in as an admin.")
        )
    if user.user_type != UserType.ADMIN:
        raise Forbidden(_("Only admins and the metrics scraper may read the metrics."))


metrics_reader.roles = (UserType.ADMIN,)  # type: ignore[attr-defined]  # an access guard (tests)

MetricsReader = Annotated[None, Depends(metrics_reader)]


@router.get("/metrics")
async def metrics(_reader: MetricsReader, db: DbSession) -> Response:
    snapshot = await system_snapshot(db)
    return Response(exposition(SnapshotCollector(snapshot)), media_type=CONTENT_TYPE)


@dataclass(frozen=True)
class JobOutcomes:
    task: str
    ok: int
    failed: int
    mean_seconds: float | None


def job_outcomes() -> list[JobOutcomes]:
    """Runs per task and outcome (and mean duration) from the job metrics, by task name."""
    registry = exposition_registry()
    counts: dict[str, dict[str, int]] = {}
    for labels, value in samples(registry, "propintel_jobs_total"):
        counts.setdefault(labels["task"], {})[labels["outcome"]] = int(value)
    total = {
        labels["task"]: value
        for labels, value in samples(registry, "propintel_job_duration_seconds_sum")
    }
    runs = {
        labels["task"]: value
        for labels, value in samples(registry, "propintel_job_duration_seconds_count")
    }
    return [
        JobOutcomes(
            task,
            outcomes.get("ok", 0),
            outcomes.get("failed", 0),
            total[task] / runs[task] if runs.get(task) else None,
        )
        for task, outcomes in sorted(counts.items())
    ]


@router.get("/admin/system")
async def system_page(request: Request, _admin: AdminUser, db: DbSession) -> Response:
    context = {
        "snapshot": await system_snapshot(db),
        "families": route_families(),
        "jobs": job_outcomes(),
        "multiprocess": multiprocess_dir() is not None,
        "stalled_after_s": HEARTBEAT_SECONDS,
    }
    return render(request, "admin/system.html", context)
