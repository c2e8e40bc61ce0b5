"""Validation errors for people: pydantic's errors as one message per field (dotted location),
in the request's language. Our own validators already speak it (their messages are translated);
the generic checks of pydantic get short translated equivalents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from propintel.kit.i18n import _


def message_of(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Must be at least {limit}.").format(limit=context.get("ge", context.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most {limit}.").format(limit=context.get("le", context.get("lt")))
    if kind in ("int_parsing", "float_parsing", "int_from_float", "finite_number"):
        return _("Enter a number.")
    if kind in ("string_too_long", "too_long"):
        return _("Too long.")
    if kind == "missing":
        return _("This field is required.")
    if kind in ("enum", "literal_error"):
        return _("Choose one of the options.")
    if kind == "extra_forbidden":
        return _("This field cannot be set here.")
    return _("Check this value.")


def field_errors(error: ValidationError, prefix: str = "") -> dict[str, str]:
    """``{"service_area.radius_miles": "…"}``: the first message of each field."""
    errors: dict[str, str] = {}
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "form"
        errors.setdefault(prefix + field, message_of(item))
    return errors
