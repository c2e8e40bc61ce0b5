"""A bounded fuzz run of the JSON API (issue 18, item 5): schemathesis generates requests for every
operation of the app's own OpenAPI document (`/api/openapi.json`), sent as a full-plan subscriber
(bearer token) inside the test's rolled-back transaction; no answer may be a 500, and every answer
must be what the document says (status, content type, headers, body schema).

A few examples per operation keep the run short (``make test``); bench/api_fuzz.py runs many more.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from tests.factories import api_as

EXAMPLES_PER_OPERATION = 5
# Each answer: no 5xx, a status the operation documents (or its ``default``), the documented
# content type, headers and body schema (timestamps with their offset, the real error body).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def generate_cases(document: dict[str, Any], examples: int) -> list[Any]:
    """``examples`` generated requests (at most) of every operation of ``document``."""
    schema = schemathesis.openapi.from_dict(document)
    cases: list[Any] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=examples,
            database=None,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def collect(case: Any) -> None:
            cases.append(case)

        collect()
    return cases


def _pairs(files: Any) -> list[tuple[str, Any]]:
    return list(files.items()) if isinstance(files, dict) else list(files)


def _sendable(part: Any) -> Any:
    """A generated multipart part httpx can send: a non-text value (a number, ``None``) as its
    text (the fuzzer may put any JSON value where a file's content goes)."""
    if isinstance(part, tuple):
        filename, content, *rest = part
        if not isinstance(content, bytes | str):
            content = json.dumps(content)
        return (filename, content, *rest)
    return part if isinstance(part, bytes | str) else json.dumps(part)


async def send(client: httpx.AsyncClient, case: Any, headers: dict[str, str]) -> httpx.Response:
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url), headers=headers)
    passed = ("params", "headers", "json")
    request = {key: kwargs[key] for key in passed if key in kwargs}
    if kwargs.get("cookies"):  # as a header: httpx deprecates per-request cookies
        cookie = "; ".join(f"{name}={value}" for name, value in kwargs["cookies"].items())
        request["headers"] = {**request.get("headers", {}), "cookie": cookie}
    if "data" in kwargs:
        request["content" if isinstance(kwargs["data"], bytes | str) else "data"] = kwargs["data"]
    if "files" in kwargs:
        request["files"] = [(name, _sendable(part)) for name, part in _pairs(kwargs["files"])]
    return await client.request(kwargs["method"], kwargs["url"], **request)


async def test_no_operation_answers_a_server_error(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await api_as(client, db, Plan.FULL)
    document = (await client.get("/api/openapi.json")).json()
    cases = generate_cases(document, EXAMPLES_PER_OPERATION)
    assert len(cases) >= len(document["paths"])  # every operation was tried
    failures = []
    for case in cases:
        response = await send(client, case, headers)
        if response.status_code >= 500:
            failures.append(f"{case.method} {response.request.url} -> {response.status_code}")
            continue
        response.request.read()  # a multipart body is a stream until read
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as error:  # collected and shown together below
            failures.append(f"{case.method} {response.request.url}: {error}")
    assert not failures, "\n".join(failures)


async def test_the_conformance_checks_can_fail(client: httpx.AsyncClient) -> None:
    """An answer the document does not describe is caught: FastAPI's own 422 body (a list of
    ``loc``/``msg``), an undocumented status; the body our handler sends passes."""
    document = (await client.get("/api/openapi.json")).json()
    case = schemathesis.openapi.from_dict(document)["/api/v1/leads"]["GET"].Case()
    request = httpx.Request("GET", f"{client.base_url}/api/v1/leads")

    def answer(status: int, body: Any) -> httpx.Response:
        response = httpx.Response(status, json=body, request=request)
        response.elapsed = timedelta(0)
        return response

    ours = {"detail": "Invalid request", "errors": [{"field": "limit", "message": "too big"}]}
    case.validate_response(answer(422, ours), checks=CHECKS)
    fastapi_default = {"detail": [{"loc": ["query", "limit"], "msg": "too big", "type": "x"}]}
    for wrong in (answer(422, fastapi_default), answer(418, ours)):
        with pytest.raises(BaseException):  # noqa: B017 (schemathesis' FailureGroup)
            case.validate_response(wrong, checks=CHECKS)
