"""Lead pages: the board (a column per status), the table with filters, a lead's page, and the
forms that save, move, annotate and delete leads. They call the same services as the API."""

from __future__ import annotations

import math
import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict, DomainError, Forbidden, Invalid
from propintel.leads import service
from propintel.leads.models import ContactChannel, LeadStatus, lead_moves, move_label
from propintel.leads.repository import LeadFilters, LeadRepository
from propintel.leads.schemas import ContactCreate, NoteCreate
from propintel.search.criteria import Intent
from propintel.web.security import verify_csrf
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
BOARD = "/leads"
TABLE = "/leads/table"
BOARD_COLUMN_LIMIT = 50
TABLE_PAGE = 25
STATUSES = list(LeadStatus)
HELPERS = {"lead_moves": lead_moves, "move_label": move_label}


def _lead_url(lead_id: uuid.UUID) -> str:
    return f"/leads/{lead_id}"


def _return_url(return_to: str, lead_id: uuid.UUID) -> str:
    """Where a form goes back to: the board, or the lead's page (nothing else: no open redirect)."""
    return BOARD if return_to == "board" else _lead_url(lead_id)


@router.get(BOARD)
async def board_page(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    repo = LeadRepository(db)
    columns = []
    for status in STATUSES:
        rows, total = await repo.list_for_user(
            user.user_id, LeadFilters(status=status), limit=BOARD_COLUMN_LIMIT, offset=0
        )
        columns.append({"status": status, "rows": rows, "total": total})
    has_leads = any(column["total"] for column in columns)
    context = {"columns": columns, "has_leads": has_leads, **HELPERS}
    return render(request, "leads/board.html", context)


def _filters(request: Request) -> tuple[LeadFilters, dict[str, str]]:
    """Table filters from the query string; unknown values are ignored (shown as "any")."""
    query = request.query_params
    status = query.get("status", "")
    source = query.get("lead_source", "")
    raw_score = query.get("min_score", "").strip()
    filters = LeadFilters(
        status=status if status in {s.value for s in LeadStatus} else None,
        lead_source=source if source in {s.value for s in Intent} else None,
        min_score=int(raw_score) if raw_score.isdigit() else None,
        address=(query.get("address", "").strip()[:200] or None),
    )
    values = {
        "status": filters.status or "",
        "lead_source": filters.lead_source or "",
        "min_score": "" if filters.min_score is None else str(filters.min_score),
        "address": filters.address or "",
    }
    return filters, values


@router.get(TABLE)
async def table_page(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    filters, values = _filters(request)
    raw_page = request.query_params.get("page", "1")
    page = max(int(raw_page), 1) if raw_page.isdigit() else 1
    rows, total = await LeadRepository(db).list_for_user(
        user.user_id, filters, limit=TABLE_PAGE, offset=(page - 1) * TABLE_PAGE
    )
    query = urlencode({key: value for key, value in values.items() if value})
    context = {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(math.ceil(total / TABLE_PAGE), 1),
        "values": values,
        "query": query,
        "statuses": STATUSES,
        "sources": list(Intent),
    }
    return render(request, "leads/table.html", context)


async def _lead_context(
    db: DbSession, user: SubscriberUser, lead_id: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    detail = await service.lead_detail(LeadRepository(db), user.user_id, lead_id)
    return {
        "detail": detail,
        "lead": detail.lead,
        "facts": detail.property,
        "moves": LeadStatus(detail.lead.status).allowed_moves(),
        "channels": list(ContactChannel),
        "errors": {},
        **HELPERS,
        **extra,
    }


@router.get("/leads/{lead_id}")
async def lead_page(
    request: Request, lead_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    return render(request, "leads/lead.html", await _lead_context(db, user, lead_id))


@router.post(BOARD)
async def save_lead(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    property_id: uuid.UUID = Form(...),
    lead_source: Intent = Form(...),
    back: str = Form(""),
) -> Response:
    """The "Save lead" form of search results and property pages. From the results it returns
    to the same search; from a property page to the new lead. A refusal (plan, unknown property)
    goes back with the reason."""
    search_page = back if _is_search_url(back) else None
    try:
        saved = await service.save_lead(
            LeadRepository(db), user, property_id, lead_source, now_new_york()
        )
    except (Forbidden, Invalid) as error:
        refused_to = search_page or f"/properties/{property_id}"
        return redirect_with_flash(request, refused_to, error.message, "error")
    message = "Lead saved." if saved.created else "This property is already in your leads."
    return redirect_with_flash(
        request, search_page or _lead_url(saved.lead.lead_id), message, "success"
    )


def _is_search_url(url: str) -> bool:
    """Only our own search page (no open redirect)."""
    return url == "/search" or url.startswith("/search?")


@router.post("/leads/{lead_id}/status")
async def move_lead(
    request: Request,
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    status: LeadStatus = Form(...),
    return_to: str = Form("lead"),
) -> Response:
    back = _return_url(return_to, lead_id)
    try:
        await service.move_lead(LeadRepository(db), user.user_id, lead_id, status, now_new_york())
    except service.IllegalMove as error:
        return redirect_with_flash(request, back, error.message, "error")
    return redirect_with_flash(request, back, f"Lead moved to {status.label}.", "success")


async def _form_error(
    request: Request, db: DbSession, user: SubscriberUser, lead_id: uuid.UUID, error: Exception
) -> Response:
    """The lead page again with the form's error next to its field (422)."""
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        errors = {str(first["loc"][0]): first["msg"]}
    else:
        assert isinstance(error, DomainError)
        errors = {error.field or "form": error.message}
    context = await _lead_context(db, user, lead_id, errors=errors)
    return render(request, "leads/lead.html", context, status_code=422)


@router.post("/leads/{lead_id}/notes")
async def add_note(
    request: Request, lead_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    form = await request.form()
    try:
        note = NoteCreate(body=str(form.get("body", "")))
    except ValidationError as error:
        return await _form_error(request, db, user, lead_id, error)
    await service.add_note(LeadRepository(db), user.user_id, lead_id, note.body, now_new_york())
    return redirect_with_flash(request, _lead_url(lead_id), "Note added.", "success")


@router.post("/leads/{lead_id}/contacts")
async def log_contact(
    request: Request, lead_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    form = await request.form()
    try:
        contact = ContactCreate.model_validate(
            {"channel": form.get("channel", ""), "body": str(form.get("body", "")) or None}
        )
    except ValidationError as error:
        return await _form_error(request, db, user, lead_id, error)
    await service.log_contact(
        LeadRepository(db), user.user_id, lead_id, contact.channel, contact.body, now_new_york()
    )
    return redirect_with_flash(request, _lead_url(lead_id), "Contact logged.", "success")


@router.get("/leads/{lead_id}/delete")
async def confirm_delete(
    request: Request, lead_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    return render(request, "leads/delete.html", await _lead_context(db, user, lead_id))


@router.post("/leads/{lead_id}/delete")
async def delete_lead(
    request: Request, lead_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    try:
        await service.delete_lead(LeadRepository(db), user.user_id, lead_id)
    except Conflict as error:
        return redirect_with_flash(request, _lead_url(lead_id), error.message, "error")
    return redirect_with_flash(request, BOARD, "Lead deleted.", "success")
