"""Text that may reach SQL, and integers that fit its columns.

PostgreSQL refuses the NUL character (``\\x00``) in text and JSON, so a NUL in a query parameter,
a form field or a JSON string would fail in the database (a 500). Every text input that reaches
SQL goes through one of these instead and is refused with a 422 naming the field:

- ``Text``: a pydantic type (schemas, query parameters: ``Annotated[Text, Query(...)]``),
- ``refuse_nul(value, field)``: for values a page reads from the form or the query string itself.

``INT4_MAX`` / ``INT8_MAX`` bound integer parameters compared with INTEGER / BIGINT columns
(``Field(le=INT4_MAX)``), so that an oversized number is a 422, not "integer out of range".
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator

from propintel.kit.errors import Invalid
from propintel.kit.i18n import N_, gettext

INT4_MAX = 2**31 - 1
INT8_MAX = 2**63 - 1

NUL_MESSAGE = N_("contains a NUL character")


def has_nul(value: Any) -> bool:
    """Whether ``value`` (text, or a list/dict of them, as JSON holds) has a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    return False


def _no_nul(value: Any) -> Any:
    if has_nul(value):
        raise ValueError(gettext(NUL_MESSAGE))
    return value


def refuse_nul(value: Any, field: str) -> Any:
    """``value`` as it is, or ``Invalid`` (422, ``field``) when it holds a NUL character."""
    if has_nul(value):
        raise Invalid(gettext(NUL_MESSAGE), field=field)
    return value


NoNul = AfterValidator(_no_nul)
"""Add to any ``Annotated`` type (a list of strings, a JSON object) to refuse NUL characters."""

Text = Annotated[str, NoNul]
"""A string without NUL characters (422 "contains a NUL character" otherwise)."""
