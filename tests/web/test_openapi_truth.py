"""The OpenAPI document is true to the responses (issue 18, item 5): every timestamp an API
response holds carries its offset (``format: date-time`` requires one; the database holds naive New
York wall-clock time), every operation documents the errors it answers with their real body, and a
wrong method answers 405 with ``Allow``."""

from __future__ import annotations

import re
import types
import typing
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, PlainSerializer
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from propintel.auth.models import Plan
from propintel.kit.clock import in_new_york
from propintel.web.openapi import ErrorBody
from tests.factories import api_as

OFFSET = re.compile(r"[+-]\d\d:\d\d$")


def _offset_serializer(metadata: list[Any]) -> bool:
    return any(isinstance(m, PlainSerializer) and m.func is in_new_york for m in metadata)


def naive_datetimes(
    annotation: Any, where: str, seen: set[type], metadata: list[Any] | None = None
) -> Iterator[str]:
    """The places under ``annotation`` where a datetime would be written without its offset."""
    metadata = metadata or []
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        yield from naive_datetimes(inner, where, seen, [*metadata, *extra])
    elif annotation is datetime:
        if not _offset_serializer(metadata):
            yield where
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for name, info in annotation.model_fields.items():
            yield from naive_datetimes(
                info.annotation, f"{annotation.__name__}.{name}", seen, list(info.metadata)
            )
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from naive_datetimes(arg, where, seen, metadata)
    elif origin is not None:  # list[X], dict[str, X], tuple[...]
        for arg in typing.get_args(annotation):
            yield from naive_datetimes(arg, where, seen)


def api_routes(engine: AsyncEngine) -> list[Any]:
    """Every API route as served (included routers flattened: ``RouteContext``)."""
    from propintel.app import create_app

    app = create_app(engine=engine)
    return [
        route
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
        and route.path.startswith("/api/")
        and route.original_route.include_in_schema
    ]


def test_the_walk_finds_a_naive_datetime() -> None:
    """The check can fail: a plain ``datetime`` field, nested in a list, is found."""

    class Inner(BaseModel):
        at: datetime | None

    class Outer(BaseModel):
        items: list[Inner]

    assert list(naive_datetimes(Outer, "Outer", set())) == ["Inner.at"]


def test_every_response_timestamp_carries_its_offset(engine: AsyncEngine) -> None:
    found = set()
    for route in api_routes(engine):
        original = route.original_route
        models = [original.response_model] + [
            response.get("model") for response in (original.responses or {}).values()
        ]
        for model in models:
            if model is not None:
                for where in naive_datetimes(model, route.path, set()):
                    found.add(f"{sorted(route.methods)} {route.path}: {where}")
    assert not found, "\n".join(sorted(found))


async def test_a_timestamp_in_an_api_answer_has_its_offset(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    """End to end: a knowledge entry's timestamps (``TIMESTAMP`` columns) show the offset."""
    headers = await api_as(client, db, Plan.FULL)
    entry = {"title": "Hours", "content": "Open 9 to 5.", "content_type": "faq"}
    response = await client.post("/api/v1/assistant/knowledge", json=entry, headers=headers)
    assert response.status_code == 201, response.text
    created = response.json()["created_at"]
    assert OFFSET.search(created), created
    assert datetime.fromisoformat(created).utcoffset() in (timedelta(hours=-4), timedelta(hours=-5))


# ---- documented errors ---------------------------------------------------------------------------


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


async def test_every_operation_documents_its_errors_with_the_real_body(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/api/openapi.json")).json()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas  # FastAPI's 422 body, never sent
    assert set(schemas["Error"]["properties"]) == {"detail", "field", "errors"}
    error = {"$ref": "#/components/schemas/Error"}
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        where = f"{method} {path}"
        assert responses["422"]["content"]["application/json"]["schema"] == error, where
        assert "default" not in responses, where  # every status is named
        assert "Retry-After" in responses["503"]["headers"], where
        if "security" in operation:
            assert {"401", "403"} <= set(responses), where
        if "{" in path:
            assert "404" in responses, where
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == error, where
    # A description an operation gave itself is kept.
    calls = document["paths"]["/api/v1/voice/calls"]["post"]["responses"]
    assert calls["402"]["description"] == "Not enough credits for even 3 minutes."


async def test_error_answers_have_the_documented_shape(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await api_as(client, db, Plan.FULL)
    malformed = await client.get("/api/v1/leads", params={"min_score": "many"}, headers=headers)
    assert malformed.status_code == 422
    body = ErrorBody.model_validate(malformed.json())  # extra keys are refused
    assert body.errors and body.errors[0].field == "min_score"
    anonymous = await client.get("/api/v1/leads")
    assert anonymous.status_code == 401
    ErrorBody.model_validate(anonymous.json())
    missing = await client.get(f"/api/v1/voice/calls/{uuid.uuid4()}", headers=headers)
    assert missing.status_code in (403, 404)
    ErrorBody.model_validate(missing.json())


# ---- 405 and Allow -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/v1/leads", "GET, HEAD, POST"),  # two routes share the path
        # A fixed id: parameters must be the same in every xdist worker's collection.
        ("PUT", f"/api/v1/assistant/knowledge/{uuid.UUID(int=1)}", "DELETE, GET, HEAD, PATCH"),
        ("DELETE", "/api/v1/me", "GET, HEAD"),
        ("PATCH", "/login", "GET, HEAD, POST"),  # a page
    ],
)
async def test_a_wrong_method_answers_405_with_allow(
    client: httpx.AsyncClient, method: str, path: str, allowed: str
) -> None:
    response = await client.request(method, path)
    assert response.status_code == 405
    assert response.headers["Allow"] == allowed
