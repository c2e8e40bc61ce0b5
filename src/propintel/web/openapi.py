"""The OpenAPI document tells the errors as they are answered (issue 18, item 5).

Every error of the API is one JSON body (``web/errors.error_response``): ``detail`` (the message,
in the caller's language), ``field`` when one field is at fault (``Invalid``, ``Conflict``...),
``errors`` (each field and message) when the request itself did not validate, ``retry_after_s``
never (it travels as the ``Retry-After`` header). FastAPI documents its own ``HTTPValidationError``
for 422, which our handler never sends: every operation of the document gets the real body instead,
for the errors that apply to it (no catch-all ``default``: the fuzz run checks that every status
answered is documented).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field


class FieldError(BaseModel):
    model_config = ConfigDict(extra="forbid", title="FieldError")

    field: str = Field(description="The field at fault: `name`, or `part.name` inside a body.")
    message: str


class ErrorBody(BaseModel):
    """The body of every error answer of the API."""

    model_config = ConfigDict(extra="forbid", title="Error")

    detail: str = Field(description="What went wrong, in the caller's language.")
    field: str | None = Field(default=None, description="The field at fault, when one is.")
    errors: list[FieldError] | None = Field(
        default=None, description="Each field that did not validate (422 on a malformed request)."
    )


ERROR_REF = {"$ref": "#/components/schemas/Error"}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer"},
    }
}
# status: (description, applies to the operation?, headers)
Rule = Callable[[str, str, dict[str, Any]], bool]
ERRORS: dict[str, tuple[str, Rule, dict[str, Any] | None]] = {
    "401": (
        "Not logged in: no or an invalid token (on log-in: wrong e-mail or password).",
        lambda m, p, op: "security" in op or p.startswith("/api/v1/auth/"),
        None,
    ),
    "403": (
        "Logged in, but your account type or plan does not allow it.",
        lambda m, p, op: "security" in op,
        None,
    ),
    "402": (
        "Not enough credits for what this costs (writes that spend credits).",
        lambda m, p, op: m != "get",
        None,
    ),
    "404": (
        "No such resource among yours (in the path, the query or the body).",
        lambda m, p, op: "{" in p or "requestBody" in op or "parameters" in op,
        None,
    ),
    "409": ("Conflicts with the current state.", lambda m, p, op: m != "get", None),
    "422": (
        "The request is invalid: `errors` or `field` tells where.",
        lambda m, p, op: True,
        None,
    ),
    "429": ("Too many requests: wait as `Retry-After` says.", lambda m, p, op: True, RETRY_AFTER),
    "503": (
        "Temporarily unavailable: try again after `Retry-After`.",
        lambda m, p, op: True,
        RETRY_AFTER,
    ),
}
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
_UNUSED = ("HTTPValidationError", "ValidationError")


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (an OpenAPI document) with the error answers of every operation."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (FieldError, ErrorBody):
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
        definition.pop("$defs", None)
        components[str(model.model_config["title"])] = definition
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, (description, applies, headers) in ERRORS.items():
                if not applies(method, path, operation):
                    continue
                documented = responses.setdefault(status, {"description": description})
                if status == "422" and documented.get("description") == "Validation Error":
                    documented["description"] = description
                documented["content"] = {"application/json": {"schema": ERROR_REF}}
                if headers:
                    documented["headers"] = headers
            for status, documented in responses.items():  # one an operation declared itself
                if status.startswith(("4", "5")) and "content" not in documented:
                    documented["content"] = {"application/json": {"schema": ERROR_REF}}
    text = repr(schema.get("paths"))
    for name in _UNUSED:
        if not re.search(rf"#/components/schemas/{name}'", text):
            components.pop(name, None)
    return schema


def install_error_documentation(app: FastAPI) -> None:
    """``app.openapi()`` (the document at ``/api/openapi.json``) documents the errors."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
