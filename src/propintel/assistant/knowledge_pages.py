"""The assistant's pages owned by the knowledge base: ``/assistant`` (the index: knowledge base,
scripts, call templates, the starter library and "Search your knowledge") and
``/assistant/knowledge`` (list with keyset pages and filters, new/edit forms, delete with a
confirmation page)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from propintel.assistant import knowledge, retrieval, starters
from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.kit.errors import DomainError
from propintel.kit.i18n import _
from propintel.web.field_messages import domain_error_fields
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
INDEX = "/assistant"
PAGE = "/assistant/knowledge"
PER_PAGE = 25
SEARCH_RESULTS = 5


def _starter_choices() -> list[dict[str, str]]:
    """Each (trade, language) with starter entries, with its button's words."""
    choices = []
    for trade, trade_label in starters.TRADES.items():
        for language, language_label in starters.LANGUAGES.items():
            chosen = starters.starter_set(trade, language)
            if chosen is None or not chosen.knowledge:
                continue
            choices.append(
                {
                    "trade": trade,
                    "language": language,
                    "label": _("Add the starter entries for {trade} ({language})").format(
                        trade=_(trade_label), language=_(language_label)
                    ),
                }
            )
    return choices


def _type_choices() -> list[tuple[str, str]]:
    return [(slug, _(label)) for slug, label in knowledge.CONTENT_TYPES.items()]


HELPERS = {"type_label": knowledge.content_type_label}


@router.get(INDEX)
async def assistant_index(
    request: Request, user: SubscriberUser, db: DbSession, q: str = ""
) -> Response:
    passages = await retrieval.search(db, user.user_id, q, limit=SEARCH_RESULTS) if q else []
    entries, more = await knowledge.entries_page(db, user.user_id, limit=3)
    context = {
        "q": q,
        "passages": passages,
        "recent": entries,
        "more_entries": more is not None,
        "starter_choices": _starter_choices(),
        **HELPERS,
    }
    return render(request, "assistant/index.html", context)


@router.get(PAGE)
async def knowledge_list(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    cursor: str | None = None,
    content_type: Annotated[str, Query(alias="type", max_length=50)] = "",
    tag: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    filters = {key: value for key, value in (("type", content_type), ("tag", tag)) if value}
    try:
        rows, next_cursor = await knowledge.entries_page(
            db, user.user_id, limit=PER_PAGE, cursor=cursor, content_type=content_type, tag=tag
        )
        error = None
    except DomainError as refused:
        rows, next_cursor, error = [], None, refused.message
    context = {
        "entries": rows,
        "filters": filters,
        "filter_type": content_type,
        "filter_tag": tag,
        "types": _type_choices(),
        "tags": await knowledge.tag_names(db, user.user_id),
        "next_url": f"{PAGE}?{urlencode({**filters, 'cursor': next_cursor})}"
        if next_cursor
        else None,
        "first_url": f"{PAGE}?{urlencode(filters)}" if cursor else None,
        "error": error,
        "starter_choices": _starter_choices(),
        **HELPERS,
    }
    return render(request, "assistant/knowledge_list.html", context)


def _form_context(values: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "values": values,
        "types": _type_choices(),
        "errors": {},
        "max_title": knowledge.MAX_TITLE,
        "max_content": knowledge.MAX_CONTENT,
        **extra,
    }


def _empty_values() -> dict[str, str]:
    return {"title": "", "content": "", "content_type": "faq", "tags": ""}


@router.get(PAGE + "/new")
async def new_entry_form(request: Request, user: SubscriberUser) -> Response:
    context = _form_context(_empty_values(), entry=None)
    return render(request, "assistant/knowledge_form.html", context)


@router.post(PAGE)
async def add_entry(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    title: str = Form(""),
    content: str = Form(""),
    content_type: str = Form(""),
    tags: str = Form(""),
) -> Response:
    values = {"title": title, "content": content, "content_type": content_type, "tags": tags}
    try:
        await knowledge.create_entry(
            db,
            user.user_id,
            title=title,
            content=content,
            content_type=content_type,
            tags=knowledge.split_tags(tags),
            now=now_new_york(),
        )
    except DomainError as error:
        context = _form_context(values, entry=None, errors=domain_error_fields(error))
        return render(request, "assistant/knowledge_form.html", context, status_code=422)
    return redirect_with_flash(request, PAGE, _("Entry added to your knowledge base."), "success")


@router.post(PAGE + "/starters")
async def add_starters(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    trade: str = Form(""),
    language: str = Form(""),
) -> Response:
    try:
        count = await knowledge.copy_starters(db, user.user_id, trade, language, now=now_new_york())
    except DomainError as error:
        return redirect_with_flash(request, PAGE, error.message, "error")
    if not count:
        message = _("Those starter entries are already in your knowledge base.")
        return redirect_with_flash(request, PAGE, message, "info")
    message = _("{count} starter entries added: edit them to match your business.").format(
        count=count
    )
    return redirect_with_flash(request, PAGE, message, "success")


@router.get(PAGE + "/{kb_id}/edit")
async def edit_entry_form(
    request: Request, kb_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    row = await knowledge.entry(db, user.user_id, kb_id)
    values = {
        "title": row.title,
        "content": row.content,
        "content_type": row.content_type or "other",
        "tags": ", ".join(row.tags),
    }
    return render(request, "assistant/knowledge_form.html", _form_context(values, entry=row))


@router.post(PAGE + "/{kb_id}")
async def save_entry(
    request: Request,
    kb_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    title: str = Form(""),
    content: str = Form(""),
    content_type: str = Form(""),
    tags: str = Form(""),
) -> Response:
    row = await knowledge.entry(db, user.user_id, kb_id)  # another subscriber's: 404
    values = {"title": title, "content": content, "content_type": content_type, "tags": tags}
    try:
        await knowledge.update_entry(
            db,
            user.user_id,
            kb_id,
            title=title,
            content=content,
            content_type=content_type,
            tags=knowledge.split_tags(tags),
            now=now_new_york(),
        )
    except DomainError as error:
        context = _form_context(values, entry=row, errors=domain_error_fields(error))
        return render(request, "assistant/knowledge_form.html", context, status_code=422)
    return redirect_with_flash(request, PAGE, _("Entry saved."), "success")


@router.get(PAGE + "/{kb_id}/delete")
async def confirm_delete(
    request: Request, kb_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    row = await knowledge.entry(db, user.user_id, kb_id)
    return render(request, "assistant/knowledge_delete.html", {"entry": row})


@router.post(PAGE + "/{kb_id}/delete")
async def delete_entry(
    request: Request, kb_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    await knowledge.delete_entry(db, user.user_id, kb_id)
    return redirect_with_flash(request, PAGE, _("Entry deleted."), "success")
