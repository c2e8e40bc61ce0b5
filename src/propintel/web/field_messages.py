"""What to fix in a refused form field, in the reader's language.

Pydantic's own messages are English ("Input should be greater than or equal to 1"); the HTML
forms show this short instruction instead, built from the error's type and context. Our own
validators' messages (already translated where they were raised) and any other error pass through
``web.errors.validation_message`` as they are. The JSON API keeps pydantic's wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from propintel.kit.errors import DomainError
from propintel.kit.i18n import _, format_number, ngettext
from propintel.web.errors import validation_message

_NUMBER = ("decimal_parsing", "decimal_type", "finite_number", "float_parsing", "float_type")
_WHOLE_NUMBER = ("int_parsing", "int_type", "int_from_float")
_DATE = ("date_parsing", "date_from_datetime_parsing", "date_type")


def field_message(item: Mapping[str, Any]) -> str:
    """The instruction for one pydantic error item (``ValidationError.errors()``)."""
    kind, ctx = str(item["type"]), item.get("ctx") or {}
    if kind == "greater_than_equal":
        return _("Enter {limit} or more.").format(limit=format_number(ctx["ge"]))
    if kind == "less_than_equal":
        return _("Enter {limit} or less.").format(limit=format_number(ctx["le"]))
    if kind == "decimal_max_places":
        places = int(ctx["decimal_places"])
        return ngettext(
            "Use at most {count} decimal place.", "Use at most {count} decimal places.", places
        ).format(count=places)
    if kind == "decimal_max_digits":
        return _("Use at most {count} digits in all.").format(count=ctx["max_digits"])
    if kind == "decimal_whole_digits":
        return _("Use at most {count} digits before the decimal point.").format(
            count=ctx["whole_digits"]
        )
    if kind in _NUMBER:
        return _("Enter a number with a decimal point, such as 12.50.")
    if kind in _WHOLE_NUMBER:
        return _("Enter a whole number, without separators.")
    if kind == "string_pattern_mismatch":
        return _("Use letters, digits and _ only.")
    if kind == "missing" or (kind == "string_too_short" and int(ctx["min_length"]) <= 1):
        return _("Required.")
    if kind == "string_too_short":
        length = int(ctx["min_length"])
        return ngettext(
            "Use at least {count} character.", "Use at least {count} characters.", length
        ).format(count=length)
    if kind == "string_too_long":
        length = int(ctx["max_length"])
        return ngettext(
            "Use at most {count} character.", "Use at most {count} characters.", length
        ).format(count=length)
    if kind in ("enum", "literal_error", "uuid_parsing"):
        return _("Choose one of the options.")
    if kind in _DATE:
        return _("Enter a date as YYYY-MM-DD.")
    return validation_message(item)


def domain_error_fields(error: DomainError) -> dict[str, str]:
    """A service's refusal as a form's errors: its message under the field it names (the first
    part of a dotted field such as ``tags.2``), else under ``form``."""
    return {(error.field or "form").split(".")[0]: error.message}
