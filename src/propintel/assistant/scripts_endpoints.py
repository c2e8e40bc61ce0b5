"""The API of scripts and AI call templates (``/api/v1/assistant/scripts``,
``/api/v1/assistant/templates``). Scoped by the caller: another subscriber's row is a 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from propintel.assistant import scripts, templates
from propintel.assistant.scripts_schemas import (
    ScriptIn,
    ScriptOut,
    ScriptPatch,
    TemplateIn,
    TemplateOut,
    TemplatePatch,
)
from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.pagination import Page

router = APIRouter(prefix="/api/v1/assistant", tags=["assistant scripts and templates"])
MAX_PAGE = 100


@router.get("/scripts", response_model=Page[ScriptOut])
async def list_scripts(
    user: SubscriberUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: str | None = None,
    script_type: Annotated[str | None, Query(alias="type", max_length=20)] = None,
    active: bool | None = None,
) -> Page[ScriptOut]:
    """Your scripts by name (optionally of one type, active or not)."""
    rows, next_cursor = await scripts.scripts_page(
        db, user.user_id, limit=limit, cursor=cursor, script_type=script_type, active=active
    )
    return Page(items=[ScriptOut.of(row) for row in rows], next_cursor=next_cursor)


@router.post("/scripts", response_model=ScriptOut, status_code=201)
async def add_script(body: ScriptIn, user: SubscriberUser, db: DbSession) -> ScriptOut:
    """Add a script (unknown {variables} are refused, named)."""
    row = await scripts.create_script(
        db,
        user.user_id,
        script_type=body.script_type,
        name=body.name,
        content=body.content,
        active=body.is_active,
    )
    return ScriptOut.of(row)


@router.get("/scripts/{script_id}", response_model=ScriptOut)
async def get_script(script_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> ScriptOut:
    return ScriptOut.of(await scripts.script(db, user.user_id, script_id))


@router.patch("/scripts/{script_id}", response_model=ScriptOut)
async def change_script(
    script_id: uuid.UUID, body: ScriptPatch, user: SubscriberUser, db: DbSession
) -> ScriptOut:
    """Change the given fields of one of your scripts (never its use counter)."""
    row = await scripts.update_script(
        db,
        user.user_id,
        script_id,
        script_type=body.script_type,
        name=body.name,
        content=body.content,
        active=body.is_active,
    )
    return ScriptOut.of(row)


@router.delete("/scripts/{script_id}", status_code=204)
async def delete_script(script_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> Response:
    await scripts.delete_script(db, user.user_id, script_id)
    return Response(status_code=204)


@router.get("/templates", response_model=Page[TemplateOut])
async def list_templates(
    user: SubscriberUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: str | None = None,
    template_type: Annotated[str | None, Query(alias="type", max_length=20)] = None,
) -> Page[TemplateOut]:
    """Your AI call templates by name (optionally of one type)."""
    rows, next_cursor = await templates.templates_page(
        db, user.user_id, limit=limit, cursor=cursor, template_type=template_type
    )
    return Page(items=[TemplateOut.of(row) for row in rows], next_cursor=next_cursor)


@router.post("/templates", response_model=TemplateOut, status_code=201)
async def add_template(body: TemplateIn, user: SubscriberUser, db: DbSession) -> TemplateOut:
    """Add a call template; its declared variables must match its content exactly."""
    row = await templates.create_template(
        db,
        user.user_id,
        template_type=body.template_type,
        name=body.name,
        content=body.content,
        variables=body.variables,
    )
    return TemplateOut.of(row)


@router.get("/templates/{template_id}", response_model=TemplateOut)
async def get_template(template_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> TemplateOut:
    return TemplateOut.of(await templates.template(db, user.user_id, template_id))


@router.patch("/templates/{template_id}", response_model=TemplateOut)
async def change_template(
    template_id: uuid.UUID, body: TemplatePatch, user: SubscriberUser, db: DbSession
) -> TemplateOut:
    """Change the given fields (content and variables are checked together)."""
    row = await templates.update_template(
        db,
        user.user_id,
        template_id,
        template_type=body.template_type,
        name=body.name,
        content=body.content,
        variables=body.variables,
    )
    return TemplateOut.of(row)


@router.delete("/templates/{template_id}", status_code=204)
async def delete_template(template_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> Response:
    await templates.delete_template(db, user.user_id, template_id)
    return Response(status_code=204)
