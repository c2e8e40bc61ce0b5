"""Admin report pages: /admin/audit (filtered, paged audit trail with readable before/after) and
/admin/economics (tokens, revenue, cost and markup per New York period)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from propintel.admin import economics
from propintel.audit import service as audit_service
from propintel.audit.entries import AuditFilters
from propintel.auth.deps import AdminUser
from propintel.db.session import DbSession
from propintel.kit.errors import Invalid
from propintel.kit.i18n import _
from propintel.voice import numbers as voice_numbers
from propintel.web.field_messages import field_message
from propintel.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)
PAGE_SIZE = 50


def _present(params: dict[str, str], *names: str) -> dict[str, str]:
    return {name: params[name] for name in names if params.get(name)}


@router.get("/audit")
async def audit_page(request: Request, _admin: AdminUser, db: DbSession) -> Response:
    params = dict(request.query_params)
    names = ("admin_user_id", "action", "entity", "date_from", "date_to")
    chosen = _present(params, *names)
    try:
        filters = AuditFilters.model_validate(chosen)
    except ValidationError as error:
        first = error.errors()[0]
        message = f"{first['loc'][0]}: {field_message(first)}"
        raise Invalid(message, field=str(first["loc"][0])) from error
    entries, next_cursor = await audit_service.audit_page(
        db, filters, PAGE_SIZE, params.get("cursor") or None
    )
    context: dict[str, Any] = {
        "entries": entries,
        "chosen": chosen,
        "options": await audit_service.filter_options(db),
        "next_query": {**chosen, "cursor": next_cursor} if next_cursor else None,
        "paged": bool(params.get("cursor")),
    }
    return render(request, "admin/audit.html", context)


def _date(params: dict[str, str], name: str) -> date | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as error:
        message = _("{field}: enter a date as YYYY-MM-DD.").format(field=name)
        raise Invalid(message, field=name) from error


@router.get("/economics")
async def economics_page(request: Request, _admin: AdminUser, db: DbSession) -> Response:
    params = dict(request.query_params)
    period = economics.parse_period(params.get("period"))
    start, end = economics.resolve_range(period, _date(params, "from"), _date(params, "to"))
    report = await economics.economics(db, period, start, end)
    context = {
        "report": report,
        "rows": economics.timeline(report),
        "periods": economics.PERIODS,
        "number_costs": await voice_numbers.number_costs_between(
            db, report.date_from, report.date_to
        ),
    }
    return render(request, "admin/economics.html", context)
