"""Catalog pages for admins: /admin/plans, /admin/bundles, /admin/pricing (token pricing and AI
cost config on one page). Lists with an "add" form, an edit page per row, deactivation after a
confirmation page. The forms call the same services as the API, so rules and audit are shared.

Each table's form is read by FastAPI into a form model of the text typed in each field (features
are one checkbox each, kept as extra fields), then validated by the table's own model here, so an
invalid form re-renders with its field messages. This module does not use postponed annotations:
FastAPI reads each generated route's form model from its annotation (see endpoints.py).
"""

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from propintel.auth.deps import AdminUser
from propintel.auth.models import User
from propintel.catalog import service
from propintel.catalog.features import (
    PLAN_FEATURES,
    feature_summary,
    features_as_form,
    features_from_form,
    unknown_features,
)
from propintel.catalog.mapping import ACTION_COST_SERVICE
from propintel.catalog.schemas import SLUG_PATTERN
from propintel.catalog.tables import AI_COSTS, BUNDLES, PLANS, PRICING, Catalog, Column, Row
from propintel.db.session import DbSession
from propintel.kit.errors import DomainError
from propintel.kit.i18n import N_, _
from propintel.kit.pagination import DEFAULT_LIMIT
from propintel.web.field_messages import field_message as web_field_message
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)

# Each list page and the catalogs it shows.
PAGES: dict[str, tuple[Catalog, ...]] = {
    "/admin/plans": (PLANS,),
    "/admin/bundles": (BUNDLES,),
    "/admin/pricing": (PRICING, AI_COSTS),
}
PAGE_TITLES = {
    "/admin/plans": N_("Plans"),
    "/admin/bundles": N_("Bundles"),
    "/admin/pricing": N_("Pricing"),
}


def form_model(catalog: Catalog) -> type[BaseModel]:
    """The posted form of ``catalog``: every column's text as typed; other fields (the feature
    checkboxes, the CSRF token) are kept as extra fields."""
    fields: dict[str, Any] = {
        column.name: (str, "") for column in catalog.columns if column.kind != "features"
    }
    return create_model(
        f"{catalog.noun.title()}Form", __config__=ConfigDict(extra="allow"), **fields
    )


class FormErrors(Exception):
    """Field messages of a form that did not validate, keyed by column name."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _form_value(column: Column, form: dict[str, Any], stored: Row | None) -> Any:
    """A form field as the API would receive it: empty optional fields are null, features are
    one checkbox each (merged with what the stored row has that the form does not show)."""
    if column.kind == "features":
        return features_from_form(form, column.name, stored[column.name] if stored else None)
    raw = str(form.get(column.name, "")).strip()
    if not raw and not column.required:
        return None
    return raw


def field_message(item: Mapping[str, Any]) -> str:
    """What to fix in one refused field, in the reader's language (``web.field_messages``), with
    the form a catalog name must have."""
    ctx = item.get("ctx") or {}
    if item["type"] == "string_pattern_mismatch" and ctx.get("pattern") == SLUG_PATTERN:
        return _("Use 2 to 50 lowercase letters, digits or _, starting with a letter.")
    return web_field_message(item)


def parse_form(
    model: type[BaseModel],
    columns: tuple[Column, ...],
    form: dict[str, Any],
    stored: Row | None = None,
) -> BaseModel:
    """The form as ``model``; ``stored`` is the row an edit form changes (None: a new row)."""
    data = {column.name: _form_value(column, form, stored) for column in columns}
    try:
        return model.model_validate(data)
    except ValidationError as error:
        errors: dict[str, str] = {}
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else "form"
            detail = ".".join(str(part) for part in item["loc"][1:])
            message = field_message(item)
            errors.setdefault(name, f"{detail}: {message}" if detail else message)
        raise FormErrors(errors) from error


def form_values(catalog: Catalog, row: dict[str, Any]) -> dict[str, str]:
    """A stored row as the fields of its edit form."""
    values: dict[str, str] = {}
    for column in catalog.columns:
        value = row.get(column.name)
        if column.kind == "features":
            values |= features_as_form(column.name, value)
        else:
            values[column.name] = "" if value is None else str(value)
    return values


def _edit_context(
    catalog: Catalog, row: Row, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "catalog": catalog,
        "row": row,
        "values": values,
        "errors": errors,
        "plan_features": PLAN_FEATURES,
        "unknown_features": unknown_features(row.get("features")),
    }


async def _list_context(
    db: DbSession, page: str, paging: tuple[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    """The page's sections, each a page of its table; ``paging`` (list, cursor) continues the
    section whose slug is ``list``."""
    sections = []
    for catalog in PAGES[page]:
        cursor = paging[1] if paging and paging[0] == catalog.slug else None
        rows = await service.page(db, catalog, cursor, DEFAULT_LIMIT)
        sections.append((catalog, rows, cursor))
    return {
        "title": _(PAGE_TITLES[page]),
        "page": page,
        "sections": sections,
        "mapping": ACTION_COST_SERVICE if page == "/admin/pricing" else None,
        "default_prices": await service.defaults_in_use(db) if page == "/admin/pricing" else [],
        "plan_features": PLAN_FEATURES,
        "feature_summary": feature_summary,
        "unknown_features": [],
        "errors": {},
        "values": {},
        "open_new": None,
        **extra,
    }


async def _list_page(
    request: Request, db: DbSession, page: str, section: str | None, cursor: str | None
) -> Response:
    paging = (section, cursor) if section and cursor else None
    return render(request, "catalog/list.html", await _list_context(db, page, paging))


async def _create(
    request: Request, admin: User, db: DbSession, catalog: Catalog, posted: BaseModel
) -> Response:
    form = posted.model_dump()
    try:
        data = parse_form(catalog.create_model, catalog.columns, form)
        row = await service.create(db, catalog, admin, data)
    except (FormErrors, DomainError) as error:
        context = await _list_context(
            db, catalog.page, errors=_errors_of(error), values=form, open_new=catalog.slug
        )
        return render(request, "catalog/list.html", context, status_code=422)
    message = _("Added {noun} {name}.").format(noun=catalog.shown_noun, name=_name(catalog, row))
    return redirect_with_flash(request, catalog.page, message, "success")


def _errors_of(error: Exception) -> dict[str, str]:
    if isinstance(error, FormErrors):
        return error.errors
    assert isinstance(error, DomainError)
    return {error.field or "form": error.message}


def _name(catalog: Catalog, row: dict[str, Any]) -> str:
    return str(row.get(catalog.columns[0].name) or row[catalog.key])


async def _edit_page(request: Request, db: DbSession, catalog: Catalog, raw_key: str) -> Response:
    row = await service.get(db, catalog, service.parse_key(catalog, raw_key))
    context = _edit_context(catalog, row, form_values(catalog, row), {})
    return render(request, "catalog/edit.html", context)


async def _update(
    request: Request,
    admin: User,
    db: DbSession,
    catalog: Catalog,
    raw_key: str,
    posted: BaseModel,
) -> Response:
    key = service.parse_key(catalog, raw_key)
    stored = await service.get(db, catalog, key)
    form = posted.model_dump()
    try:
        patch = parse_form(catalog.patch_model, catalog.editable(), form, stored)
        row = await service.update(db, catalog, admin, key, patch)
    except (FormErrors, DomainError) as error:
        context = _edit_context(catalog, stored, form, _errors_of(error))
        return render(request, "catalog/edit.html", context, status_code=422)
    message = _("Saved {noun} {name}.").format(noun=catalog.shown_noun, name=_name(catalog, row))
    return redirect_with_flash(request, catalog.page, message, "success")


async def _confirm_deactivate(
    request: Request, db: DbSession, catalog: Catalog, raw_key: str
) -> Response:
    if not catalog.deactivatable:
        raise service.not_found(catalog)
    row = await service.get(db, catalog, service.parse_key(catalog, raw_key))
    return render(request, "catalog/confirm.html", {"catalog": catalog, "row": row})


async def _set_active(
    request: Request, admin: User, db: DbSession, catalog: Catalog, raw_key: str, active: bool
) -> Response:
    key = service.parse_key(catalog, raw_key)
    try:
        row = await service.set_active(db, catalog, admin, key, active)
    except DomainError as error:
        if error.status_code == 404:
            raise
        return redirect_with_flash(request, catalog.page, error.message, "error")
    done = (
        _("The {noun} {name} is active again.")
        if active
        else _("The {noun} {name} is deactivated: it is no longer offered.")
    )
    message = done.format(noun=catalog.shown_noun, name=_name(catalog, row))
    return redirect_with_flash(request, catalog.page, message, "success")


def _add_routes(catalog: Catalog) -> None:
    prefix = catalog.edit_prefix
    posted_form: Any = form_model(catalog)

    async def create(
        request: Request,
        admin: AdminUser,
        db: DbSession,
        posted: Annotated[posted_form, Form()],
    ) -> Response:
        return await _create(request, admin, db, catalog, posted)

    async def edit(request: Request, key: str, _admin: AdminUser, db: DbSession) -> Response:
        return await _edit_page(request, db, catalog, key)

    async def update(
        request: Request,
        key: str,
        admin: AdminUser,
        db: DbSession,
        posted: Annotated[posted_form, Form()],
    ) -> Response:
        return await _update(request, admin, db, catalog, key, posted)

    router.add_api_route(prefix, create, methods=["POST"], name=f"{catalog.slug}_create")
    router.add_api_route(f"{prefix}/{{key}}", edit, methods=["GET"], name=f"{catalog.slug}_edit")
    router.add_api_route(
        f"{prefix}/{{key}}", update, methods=["POST"], name=f"{catalog.slug}_update"
    )
    if catalog.deactivatable:
        _add_activation_routes(catalog)


def _add_activation_routes(catalog: Catalog) -> None:
    prefix = catalog.edit_prefix

    async def confirm(request: Request, key: str, _admin: AdminUser, db: DbSession) -> Response:
        return await _confirm_deactivate(request, db, catalog, key)

    async def deactivate(request: Request, key: str, admin: AdminUser, db: DbSession) -> Response:
        return await _set_active(request, admin, db, catalog, key, False)

    async def activate(request: Request, key: str, admin: AdminUser, db: DbSession) -> Response:
        return await _set_active(request, admin, db, catalog, key, True)

    base = f"{prefix}/{{key}}"
    router.add_api_route(f"{base}/deactivate", confirm, methods=["GET"])
    router.add_api_route(f"{base}/deactivate", deactivate, methods=["POST"])
    router.add_api_route(f"{base}/activate", activate, methods=["POST"])


def _add_list_route(page: str) -> None:
    async def list_page(
        request: Request,
        _admin: AdminUser,
        db: DbSession,
        section: Annotated[str | None, Query(alias="list")] = None,
        cursor: str | None = None,
    ) -> Response:
        return await _list_page(request, db, page, section, cursor)

    router.add_api_route(page, list_page, methods=["GET"], name=f"list_{page}")


for _page, _catalogs in PAGES.items():
    _add_list_route(_page)
    for _catalog in _catalogs:
        _add_routes(_catalog)
