"""Catalog API for admins: list, create, update and (plans, bundles) deactivate/activate.

    GET    /api/v1/admin/{plans|bundles|token-pricing|ai-costs}   a page: items, next_cursor
    POST   /api/v1/admin/{...}                      create (201)
    PATCH  /api/v1/admin/{...}/{key}                 update the fields given
    POST   /api/v1/admin/{plans|bundles}/{key}/deactivate | /activate

The same routes for every table are built from its ``Catalog`` description. This module does not
use postponed annotations: FastAPI reads the body model of each generated route from its
annotation, which must be the class itself, not a string naming a local variable.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel

from propintel.auth.deps import AdminUser
from propintel.catalog import service
from propintel.catalog.tables import CATALOGS, Catalog
from propintel.db.session import DbSession
from propintel.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page

router = APIRouter(prefix="/api/v1/admin", tags=["admin catalog"])


def _add_routes(catalog: Catalog) -> None:
    create_model: Any = catalog.create_model
    patch_model: Any = catalog.patch_model
    out: Any = catalog.out_model
    base = f"/{catalog.slug}"
    noun = catalog.noun.replace("_", " ")

    async def list_rows(
        _admin: AdminUser,
        db: DbSession,
        cursor: str | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    ) -> Page[Any]:
        page = await service.page(db, catalog, cursor, limit)
        items = [out.model_validate(row) for row in page.items]
        return Page[out](items=items, next_cursor=page.next_cursor)

    async def create_row(
        body: Annotated[create_model, Body()], admin: AdminUser, db: DbSession
    ) -> BaseModel:
        return out.model_validate(await service.create(db, catalog, admin, body))

    async def update_row(
        key: str, body: Annotated[patch_model, Body()], admin: AdminUser, db: DbSession
    ) -> BaseModel:
        parsed = service.parse_key(catalog, key)
        return out.model_validate(await service.update(db, catalog, admin, parsed, body))

    router.add_api_route(
        base,
        list_rows,
        methods=["GET"],
        response_model=Page[out],
        summary=f"List {noun}s",
        operation_id=f"admin_{catalog.noun}_list",
    )
    router.add_api_route(
        base,
        create_row,
        methods=["POST"],
        response_model=out,
        status_code=201,
        summary=f"Create a {noun} (audit-logged)",
        operation_id=f"admin_{catalog.noun}_create",
    )
    router.add_api_route(
        base + "/{key}",
        update_row,
        methods=["PATCH"],
        response_model=out,
        summary=f"Update a {noun}: the fields given (audit-logged)",
        operation_id=f"admin_{catalog.noun}_update",
    )
    if catalog.deactivatable:
        _add_activation_routes(catalog, base, out, noun)


def _activation_endpoint(catalog: Catalog, out: Any, active: bool) -> Any:
    async def set_active(key: str, admin: AdminUser, db: DbSession) -> BaseModel:
        parsed = service.parse_key(catalog, key)
        return out.model_validate(await service.set_active(db, catalog, admin, parsed, active))

    return set_active


def _add_activation_routes(catalog: Catalog, base: str, out: Any, noun: str) -> None:
    for verb, active in (("deactivate", False), ("activate", True)):
        router.add_api_route(
            f"{base}/{{key}}/{verb}",
            _activation_endpoint(catalog, out, active),
            methods=["POST"],
            response_model=out,
            summary=f"{verb.capitalize()} a {noun} (audit-logged)",
            operation_id=f"admin_{catalog.noun}_{verb}",
        )


for _catalog in CATALOGS:
    _add_routes(_catalog)
