"""The pages of scripts (``/assistant/scripts``) and AI call templates (``/assistant/templates``):
lists with keyset pages and filters, new/edit forms with field errors, delete after a
confirmation page. Forms work without JavaScript."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from propintel.assistant import script_starters, scripts, starters, templates
from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.errors import DomainError
from propintel.kit.i18n import _
from propintel.web.field_messages import domain_error_fields
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
SCRIPTS = "/assistant/scripts"
TEMPLATES = "/assistant/templates"
PER_PAGE = 25
EXAMPLE = "{{owner_first_name}}"


def _pager(base: str, filters: dict[str, str], cursor: str | None, next_cursor: str | None) -> Any:
    return {
        "next_url": f"{base}?{urlencode({**filters, 'cursor': next_cursor})}"
        if next_cursor
        else None,
        "first_url": f"{base}?{urlencode(filters)}" if cursor else None,
    }


# ---- scripts ----------------------------------------------------------------------------------


def _script_types() -> list[tuple[str, str]]:
    return [(kind.value, kind.label) for kind in scripts.ScriptType]


def _active_filter(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


@router.get(SCRIPTS)
async def script_list(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    cursor: str | None = None,
    script_type: Annotated[str, Query(alias="type", max_length=20)] = "",
    active: Annotated[str, Query(max_length=3)] = "",
) -> Response:
    filters = {k: v for k, v in (("type", script_type), ("active", active)) if v}
    try:
        rows, next_cursor = await scripts.scripts_page(
            db,
            user.user_id,
            limit=PER_PAGE,
            cursor=cursor,
            script_type=script_type or None,
            active=_active_filter(active),
        )
        error = None
    except DomainError as refused:
        rows, next_cursor, error = [], None, refused.message
    context = {
        "scripts": rows,
        "filters": filters,
        "filter_type": script_type,
        "filter_active": active,
        "types": _script_types(),
        "type_label": scripts.type_label,
        "starter_choices": _starter_choices(),
        "error": error,
        **_pager(SCRIPTS, filters, cursor, next_cursor),
    }
    return render(request, "assistant/scripts_list.html", context)


def _script_form(values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "values": values,
        "types": _script_types(),
        "errors": {},
        "variables": ["{" + name + "}" for name in scripts.VARIABLES],
        "max_name": scripts.NAME_MAX,
        "max_content": scripts.CONTENT_MAX,
        **extra,
    }


@router.get(SCRIPTS + "/new")
async def new_script_form(request: Request, user: SubscriberUser) -> Response:
    values = {"script_type": "sms", "name": "", "content": "", "is_active": True}
    return render(request, "assistant/script_form.html", _script_form(values, script=None))


@router.post(SCRIPTS)
async def add_script(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    script_type: str = Form(""),
    name: str = Form(""),
    content: str = Form(""),
    is_active: str = Form(""),
) -> Response:
    values = {"script_type": script_type, "name": name, "content": content}
    active = bool(is_active)
    try:
        await scripts.create_script(
            db, user.user_id, script_type=script_type, name=name, content=content, active=active
        )
    except DomainError as error:
        context = _script_form(
            {**values, "is_active": active}, script=None, errors=domain_error_fields(error)
        )
        return render(request, "assistant/script_form.html", context, status_code=422)
    return redirect_with_flash(request, SCRIPTS, _("Script added."), "success")


def _starter_choices() -> list[dict[str, str]]:
    """Each (trade, language) with starter scripts or call templates, with its button's words."""
    choices = []
    for trade, trade_label in starters.TRADES.items():
        for language, language_label in starters.LANGUAGES.items():
            chosen = starters.starter_set(trade, language)
            if chosen is None or not (chosen.scripts or chosen.templates):
                continue
            label = _("Add the starter scripts and call templates for {trade} ({language})")
            choices.append(
                {
                    "trade": trade,
                    "language": language,
                    "label": label.format(trade=_(trade_label), language=_(language_label)),
                }
            )
    return choices


@router.post(SCRIPTS + "/starters")
async def add_starters(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    trade: str = Form(""),
    language: str = Form(""),
    back: str = Form(""),
) -> Response:
    """Copy a trade's starter scripts and call templates (in the profile's brand voice)."""
    url = TEMPLATES if back == "templates" else SCRIPTS
    try:
        copied = await script_starters.copy_starters(db, user, trade, language)
    except DomainError as error:
        return redirect_with_flash(request, url, error.message, "error")
    if not copied.scripts and not copied.templates:
        message = _("You already have these starters; nothing was added.")
        return redirect_with_flash(request, url, message, "info")
    message = _(
        "{scripts} starter scripts and {templates} call templates added: edit them to match "
        "your business."
    ).format(scripts=copied.scripts, templates=copied.templates)
    return redirect_with_flash(request, url, message, "success")


@router.get(SCRIPTS + "/{script_id}/edit")
async def edit_script_form(
    request: Request, script_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    row = await scripts.script(db, user.user_id, script_id)
    values = {
        "script_type": row.script_type,
        "name": row.script_name,
        "content": row.script_content,
        "is_active": row.is_active,
    }
    return render(request, "assistant/script_form.html", _script_form(values, script=row))


@router.post(SCRIPTS + "/{script_id}")
async def save_script(
    request: Request,
    script_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    script_type: str = Form(""),
    name: str = Form(""),
    content: str = Form(""),
    is_active: str = Form(""),
) -> Response:
    row = await scripts.script(db, user.user_id, script_id)  # another subscriber's: 404
    active = bool(is_active)
    values = {"script_type": script_type, "name": name, "content": content, "is_active": active}
    try:
        await scripts.update_script(
            db,
            user.user_id,
            script_id,
            script_type=script_type,
            name=name,
            content=content,
            active=active,
        )
    except DomainError as error:
        context = _script_form(values, script=row, errors=domain_error_fields(error))
        return render(request, "assistant/script_form.html", context, status_code=422)
    return redirect_with_flash(request, SCRIPTS, _("Script saved."), "success")


@router.get(SCRIPTS + "/{script_id}/delete")
async def confirm_delete_script(
    request: Request, script_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    row = await scripts.script(db, user.user_id, script_id)
    return render(request, "assistant/script_delete.html", {"script": row})


@router.post(SCRIPTS + "/{script_id}/delete")
async def delete_script(
    request: Request, script_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    await scripts.delete_script(db, user.user_id, script_id)
    return redirect_with_flash(request, SCRIPTS, _("Script deleted."), "success")


# ---- call templates ---------------------------------------------------------------------------


def _template_types() -> list[tuple[str, str]]:
    return [(kind.value, kind.label) for kind in templates.TemplateType]


@router.get(TEMPLATES)
async def template_list(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    cursor: str | None = None,
    template_type: Annotated[str, Query(alias="type", max_length=20)] = "",
) -> Response:
    filters = {"type": template_type} if template_type else {}
    try:
        rows, next_cursor = await templates.templates_page(
            db, user.user_id, limit=PER_PAGE, cursor=cursor, template_type=template_type or None
        )
        error = None
    except DomainError as refused:
        rows, next_cursor, error = [], None, refused.message
    context = {
        "templates": rows,
        "filters": filters,
        "filter_type": template_type,
        "types": _template_types(),
        "type_label": templates.type_label,
        "example": EXAMPLE,
        "starter_choices": _starter_choices(),
        "error": error,
        **_pager(TEMPLATES, filters, cursor, next_cursor),
    }
    return render(request, "assistant/templates_list.html", context)


def _template_form(values: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "values": values,
        "types": _template_types(),
        "errors": {},
        "allowed": templates.ALLOWED,
        "example": EXAMPLE,
        "escapes": "\\{ \\}",
        "max_name": templates.NAME_MAX,
        "max_content": templates.CONTENT_MAX,
        **extra,
    }


@router.get(TEMPLATES + "/new")
async def new_template_form(request: Request, user: SubscriberUser) -> Response:
    values = {"template_type": "intro", "name": "", "content": "", "variables": ""}
    return render(request, "assistant/template_form.html", _template_form(values, template=None))


@router.post(TEMPLATES)
async def add_template(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    template_type: str = Form(""),
    name: str = Form(""),
    content: str = Form(""),
    variables: str = Form(""),
) -> Response:
    values = {
        "template_type": template_type,
        "name": name,
        "content": content,
        "variables": variables,
    }
    try:
        await templates.create_template(
            db,
            user.user_id,
            template_type=template_type,
            name=name,
            content=content,
            variables=templates.split_variables(variables),
        )
    except DomainError as error:
        context = _template_form(values, template=None, errors=domain_error_fields(error))
        return render(request, "assistant/template_form.html", context, status_code=422)
    return redirect_with_flash(request, TEMPLATES, _("Call template added."), "success")


@router.get(TEMPLATES + "/{template_id}/edit")
async def edit_template_form(
    request: Request, template_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    row = await templates.template(db, user.user_id, template_id)
    values = {
        "template_type": row.template_type or "",
        "name": row.template_name,
        "content": row.template_content,
        "variables": ", ".join(row.variables),
    }
    return render(request, "assistant/template_form.html", _template_form(values, template=row))


@router.post(TEMPLATES + "/{template_id}")
async def save_template(
    request: Request,
    template_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    template_type: str = Form(""),
    name: str = Form(""),
    content: str = Form(""),
    variables: str = Form(""),
) -> Response:
    row = await templates.template(db, user.user_id, template_id)  # another subscriber's: 404
    values = {
        "template_type": template_type,
        "name": name,
        "content": content,
        "variables": variables,
    }
    try:
        await templates.update_template(
            db,
            user.user_id,
            template_id,
            template_type=template_type,
            name=name,
            content=content,
            variables=templates.split_variables(variables),
        )
    except DomainError as error:
        context = _template_form(values, template=row, errors=domain_error_fields(error))
        return render(request, "assistant/template_form.html", context, status_code=422)
    return redirect_with_flash(request, TEMPLATES, _("Call template saved."), "success")


@router.get(TEMPLATES + "/{template_id}/delete")
async def confirm_delete_template(
    request: Request, template_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    row = await templates.template(db, user.user_id, template_id)
    return render(request, "assistant/template_delete.html", {"template": row})


@router.post(TEMPLATES + "/{template_id}/delete")
async def delete_template(
    request: Request, template_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    await templates.delete_template(db, user.user_id, template_id)
    return redirect_with_flash(request, TEMPLATES, _("Call template deleted."), "success")
