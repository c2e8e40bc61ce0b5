"""A bounded fuzz run of the JSON API (issue 18, item 5): schemathesis generates requests for every
operation of the app's own OpenAPI document (`/api/openapi.json`), sent as a full-plan subscriber
(bearer token) inside the test's rolled-back transaction; no answer may be a 500, and every answer
must be what the document says (status, content type, headers, body schema).

A few examples per operation keep the run short (``make test``); bench/api_fuzz.py (the same
generation, sending and checks) runs many more.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
import schemathesis
from bench.api_fuzz import CHECKS, generate_cases, send
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from tests.factories import api_as

EXAMPLES_PER_OPERATION = 5


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
