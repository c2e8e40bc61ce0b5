"""Lead pages: the board (a column per status), the table with filters, a lead's page, the
follow-ups list, and the forms that save (one or many), move, annotate, tag and delete leads and
manage their follow-up tasks. They call the same services as the API."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york, today_new_york
from propintel.kit.errors import Conflict, DomainError, Forbidden, Invalid
from propintel.kit.i18n import N_, _, ngettext
from propintel.kit.tags import MAX_TAG_LENGTH, spelled_as
from propintel.kit.text import refuse_nul
from propintel.leads import service
from propintel.leads.followup_schemas import TaskCreate
from propintel.leads.models import (
    MAX_SCORE,
    ContactChannel,
    LeadFilters,
    LeadStatus,
    channel_name,
    lead_moves,
    move_label,
    status_name,
)
from propintel.leads.schemas import ContactCreate, NoteCreate
from propintel.scoring.readable import indicator_label
from propintel.search.criteria import Intent
from propintel.search.labels import lead_kind_name, property_type_name
from propintel.web.field_messages import field_message
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
BOARD = "/leads"
TABLE = "/leads/table"
FOLLOWUPS = "/leads/followups"
BOARD_COLUMN_LIMIT = 50
TABLE_PAGE = 25
FOLLOWUPS_PAGE = 50
STATUSES = list(LeadStatus)
# The names of the lead page's form fields, before their error message.
FIELD_NAMES = {
    "body": N_("Text"),
    "channel": N_("Channel"),
    "tag": N_("Tag"),
    "title": N_("What to do"),
    "due_date": N_("Due date"),
    "form": N_("Form"),
}


def field_name(field: str) -> str:
    name = FIELD_NAMES.get(field)
    return _(name) if name else field.replace("_", " ")


def indicator_list(names: Any) -> str:
    """The names of a property's detected indicators, for people, in one line."""
    return ", ".join(indicator_label(name) for name in names)


HELPERS = {
    "lead_moves": lead_moves,
    "move_label": move_label,
    "status_name": status_name,
    "source_name": lead_kind_name,
    "channel_name": channel_name,
    "property_type_name": property_type_name,
    "field_name": field_name,
    "indicator_list": indicator_list,
}


class BulkSaveForm(BaseModel):
    """The search results' "Save selected" form: repeated ``selected`` fields, each
    ``<property_id>:<lead_source>``, an optional ``tag`` and ``back``, the search to return to."""

    model_config = ConfigDict(extra="ignore")

    selected: list[str] = Field(default_factory=list)
    tag: str = ""
    back: str = ""


class LeadForm(BaseModel):
    """A lead page form as typed (note, contact, tag, follow-up): each field's text, empty when
    the form has no such field. The handler checks it with the API's schema, so the page shows
    the API's errors, next to the form filled in as it was typed."""

    model_config = ConfigDict(extra="ignore")

    body: str = ""
    channel: str = ""
    tag: str = ""
    title: str = ""
    due_date: str = ""


def _lead_url(lead_id: uuid.UUID) -> str:
    return f"/leads/{lead_id}"


def _return_url(return_to: str, lead_id: uuid.UUID) -> str:
    """Where a form goes back to: the board, the follow-ups list or the lead's page (nothing
    else: no open redirect)."""
    return {"board": BOARD, "followups": FOLLOWUPS}.get(return_to, _lead_url(lead_id))


@router.get(BOARD)
async def board_page(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    columns = [
        {"status": status, "rows": rows, "total": total}
        for status, rows, total in await service.board(
            db, user.user_id, per_status=BOARD_COLUMN_LIMIT
        )
    ]
    has_leads = any(column["total"] for column in columns)
    context = {"columns": columns, "has_leads": has_leads, **HELPERS}
    return render(request, "leads/board.html", context)


def _filters(request: Request) -> tuple[LeadFilters, dict[str, str]]:
    """Table filters from the query string; unknown values are ignored (shown as "any")."""
    query = request.query_params
    status = query.get("status", "")
    source = query.get("lead_source", "")
    raw_score = query.get("min_score", "").strip()
    min_score = int(raw_score) if raw_score.isascii() and raw_score.isdigit() else None
    if min_score is not None and min_score > MAX_SCORE:
        message = _("The minimum score is at most {limit}.").format(limit=f"{MAX_SCORE:,}")
        raise Invalid(message, field="min_score")
    filters = LeadFilters(
        status=status if status in {s.value for s in LeadStatus} else None,
        lead_source=source if source in {s.value for s in Intent} else None,
        min_score=min_score,
        address=(refuse_nul(query.get("address", ""), "address").strip()[:200] or None),
        tag=(refuse_nul(query.get("tag", ""), "tag").strip()[:MAX_TAG_LENGTH] or None),
    )
    values = {
        "status": filters.status or "",
        "lead_source": filters.lead_source or "",
        "min_score": "" if filters.min_score is None else str(filters.min_score),
        "address": filters.address or "",
        "tag": filters.tag or "",
    }
    return filters, values


def _pager(
    path: str, query: str, cursor: str | None, next_cursor: str | None
) -> dict[str, str | None]:
    """The links of ``_cursor_pager.html``: the next page (``query``, the list's filters, and its
    cursor) and, on a page reached by a cursor, the first page."""
    first = f"{path}?{query}" if query else path
    next_query = urlencode({"cursor": next_cursor})
    return {
        "next_url": f"{first}{'&' if query else '?'}{next_query}" if next_cursor else None,
        "first_url": first if cursor else None,
    }


@router.get(TABLE)
async def table_page(
    request: Request, user: SubscriberUser, db: DbSession, cursor: str | None = None
) -> Response:
    filters, values = _filters(request)
    # The links carry the filters as read (the cursor is bound to them), before the tag is
    # shown as the user spells it.
    query = urlencode({key: value for key, value in values.items() if value})
    listed = await service.list_leads(db, user.user_id, filters, limit=TABLE_PAGE, cursor=cursor)
    tag_names = await service.tag_names(db, user.user_id)
    if values["tag"]:  # shown as the user's own spelling of the list
        values["tag"] = spelled_as(values["tag"], tag_names)
    context = {
        "tag_names": tag_names,
        "rows": listed.rows,
        "total": listed.total,
        "values": values,
        "query": query,
        "statuses": STATUSES,
        "sources": list(Intent),
        **_pager(TABLE, query, cursor, listed.next_cursor),
        **HELPERS,
    }
    return render(request, "leads/table.html", context)


@router.get(FOLLOWUPS)
async def followups_page(
    request: Request, user: SubscriberUser, db: DbSession, cursor: str | None = None
) -> Response:
    """Open follow-ups across leads, soonest due first; ``due`` narrows to overdue, today or
    upcoming (anything else: all open ones)."""
    raw_due = request.query_params.get("due", "")
    due = service.Due(raw_due) if raw_due in set(service.Due) else None
    today = today_new_york()
    listed = await service.open_tasks(
        db, user.user_id, due, today, limit=FOLLOWUPS_PAGE, cursor=cursor
    )
    query = urlencode({"due": due.value}) if due else ""
    context = {
        "rows": listed.rows,
        "total": listed.total,
        "today": today,
        "due": due,
        "views": list(service.Due),
        **_pager(FOLLOWUPS, query, cursor, listed.next_cursor),
    }
    return render(request, "leads/followups.html", context)


async def _lead_context(
    db: DbSession, user: SubscriberUser, lead_id: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    detail = await service.lead_detail(db, user.user_id, lead_id)
    today = today_new_york()
    return {
        "detail": detail,
        "lead": detail.lead,
        "facts": detail.property,
        "moves": LeadStatus(detail.lead.status).allowed_moves(),
        "channels": list(ContactChannel),
        "tasks": await service.lead_tasks(db, user.user_id, lead_id),
        "today": today,
        "tomorrow": today + timedelta(days=1),
        "tag_names": await service.tag_names(db, user.user_id),
        "max_tag_length": MAX_TAG_LENGTH,
        "errors": {},
        "form": {},
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
        saved = await service.save_lead(db, user, property_id, lead_source, now_new_york())
    except (Forbidden, Invalid) as error:
        refused_to = search_page or f"/properties/{property_id}"
        return redirect_with_flash(request, refused_to, error.message, "error")
    message = _("Lead saved.") if saved.created else _("This property is already in your leads.")
    return redirect_with_flash(
        request, search_page or _lead_url(saved.lead.lead_id), message, "success"
    )


def _is_search_url(url: str) -> bool:
    """Only our own search page (no open redirect)."""
    return url == "/search" or url.startswith("/search?")


@router.post("/leads/bulk")
async def save_leads(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    form: Annotated[BulkSaveForm, Form()],
) -> Response:
    """The search results' "Save selected" form (``BulkSaveForm``); its tag goes on every lead
    saved, new or not. A refusal changes nothing and goes back with the reason."""
    return_to = form.back if _is_search_url(form.back) else BOARD
    tag = form.tag.strip()
    try:
        picks = [_pick(value) for value in form.selected]
        saved = await service.save_leads(db, user, picks, [tag] if tag else [], now_new_york())
    except (Forbidden, Invalid) as error:
        return redirect_with_flash(request, return_to, error.message, "error")
    return redirect_with_flash(request, return_to, _saved_message(saved), "success")


def _pick(value: str) -> tuple[uuid.UUID, Intent]:
    """One ``selected`` value: ``<property_id>:<lead_source>``."""
    property_id, _separator, source = value.partition(":")
    try:
        return uuid.UUID(property_id), Intent(source)
    except ValueError as error:
        raise Invalid(
            _("{value} is not a property to save (expected <property id>:<lead type>).").format(
                value=repr(value)
            ),
            field="selected",
        ) from error


def _saved_message(saved: service.BulkSaved) -> str:
    """E.g. 12 leads saved (3 were already in your leads), tagged “May mailer”."""
    total = saved.created + saved.already_saved
    message = ngettext("{count} lead saved", "{count} leads saved", total).format(count=total)
    if saved.already_saved:
        message += ngettext(
            " ({count} was already in your leads)",
            " ({count} were already in your leads)",
            saved.already_saved,
        ).format(count=saved.already_saved)
    if saved.tags:
        message += _(", tagged {tags}").format(tags=", ".join(f"“{tag}”" for tag in saved.tags))
    return message + "."


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
        await service.move_lead(db, user.user_id, lead_id, status, now_new_york())
    except service.IllegalMove as error:
        return redirect_with_flash(request, back, error.message, "error")
    return redirect_with_flash(
        request, back, _("Lead moved to {status}.").format(status=status.label), "success"
    )


async def _form_error(
    request: Request,
    db: DbSession,
    user: SubscriberUser,
    lead_id: uuid.UUID,
    form: LeadForm,
    error: Exception,
) -> Response:
    """The lead page again with the form's error next to its field (422)."""
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        errors = {str(first["loc"][0]): field_message(first)}
    else:
        assert isinstance(error, DomainError)
        errors = {error.field or "form": error.message}
    context = await _lead_context(db, user, lead_id, errors=errors, form=form.model_dump())
    return render(request, "leads/lead.html", context, status_code=422)


@router.post("/leads/{lead_id}/notes")
async def add_note(
    request: Request,
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    form: Annotated[LeadForm, Form()],
) -> Response:
    try:
        note = NoteCreate(body=form.body)
    except ValidationError as error:
        return await _form_error(request, db, user, lead_id, form, error)
    await service.add_note(db, user.user_id, lead_id, note.body, now_new_york())
    return redirect_with_flash(request, _lead_url(lead_id), _("Note added."), "success")


@router.post("/leads/{lead_id}/contacts")
async def log_contact(
    request: Request,
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    form: Annotated[LeadForm, Form()],
) -> Response:
    try:
        contact = ContactCreate.model_validate({"channel": form.channel, "body": form.body or None})
    except ValidationError as error:
        return await _form_error(request, db, user, lead_id, form, error)
    await service.log_contact(
        db, user.user_id, lead_id, contact.channel, contact.body, now_new_york()
    )
    return redirect_with_flash(request, _lead_url(lead_id), _("Contact logged."), "success")


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
        await service.delete_lead(db, user.user_id, lead_id)
    except Conflict as error:
        return redirect_with_flash(request, _lead_url(lead_id), error.message, "error")
    return redirect_with_flash(request, BOARD, _("Lead deleted."), "success")


@router.post("/leads/{lead_id}/tags")
async def add_tag(
    request: Request,
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    form: Annotated[LeadForm, Form()],
) -> Response:
    try:
        added = await service.add_tag(db, user.user_id, lead_id, form.tag)
    except Invalid as error:
        return await _form_error(request, db, user, lead_id, form, error)
    return redirect_with_flash(
        request, _lead_url(lead_id), _("Tagged “{tag}”.").format(tag=added), "success"
    )


@router.post("/leads/{lead_id}/tags/remove")
async def remove_tag(
    request: Request,
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    form: Annotated[LeadForm, Form()],
) -> Response:
    await service.drop_tag(db, user.user_id, lead_id, form.tag)
    return redirect_with_flash(
        request, _lead_url(lead_id), _("Tag “{tag}” removed.").format(tag=form.tag), "success"
    )


@router.post("/leads/{lead_id}/tasks")
async def add_task(
    request: Request,
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    form: Annotated[LeadForm, Form()],
) -> Response:
    try:
        task = TaskCreate.model_validate({"title": form.title, "due_date": form.due_date})
    except ValidationError as error:
        return await _form_error(request, db, user, lead_id, form, error)
    await service.add_task(db, user.user_id, lead_id, task.title, task.due_date)
    return redirect_with_flash(request, _lead_url(lead_id), _("Follow-up added."), "success")


@router.post("/leads/{lead_id}/tasks/{task_id}/done")
async def mark_task_done(
    request: Request,
    lead_id: uuid.UUID,
    task_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    return_to: str = Form("lead"),
) -> Response:
    await service.update_task(db, user.user_id, lead_id, task_id, now_new_york(), done=True)
    back = _return_url(return_to, lead_id)
    return redirect_with_flash(request, back, _("Follow-up marked done."), "success")


@router.post("/leads/{lead_id}/tasks/{task_id}/reopen")
async def reopen_task(
    request: Request, lead_id: uuid.UUID, task_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    await service.update_task(db, user.user_id, lead_id, task_id, now_new_york(), done=False)
    return redirect_with_flash(request, _lead_url(lead_id), _("Follow-up reopened."), "success")


@router.get("/leads/{lead_id}/tasks/{task_id}/delete")
async def confirm_delete_task(
    request: Request, lead_id: uuid.UUID, task_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    task = await service.find_task(db, user.user_id, lead_id, task_id)
    detail = await service.lead_detail(db, user.user_id, lead_id)
    context = {"task": task, "address": detail.property.get("full_address")}
    return render(request, "leads/task_delete.html", context)


@router.post("/leads/{lead_id}/tasks/{task_id}/delete")
async def delete_task(
    request: Request, lead_id: uuid.UUID, task_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    await service.delete_task(db, user.user_id, lead_id, task_id)
    return redirect_with_flash(request, _lead_url(lead_id), _("Follow-up deleted."), "success")
