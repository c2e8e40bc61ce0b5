"""Money and integers from text: ``parse_money`` and ``parse_int``, which never raise."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Final

_MAX_DIGITS: Final = 18  # larger magnitudes are junk (and would overflow BIGINT / NUMERIC columns)
_MONEY_DELETE: Final = str.maketrans("", "", "$, \t\u00a0")
_INT_DELETE: Final = str.maketrans("", "", ", \t\u00a0")


def parse_money(raw: object) -> Decimal | None:
    """``$1,417,895.60`` / ``1417895.6`` / numbers -> Decimal; ``(12.50)`` is negative; None for
    ``Hidden``, empty and anything else that is not a finite amount. Never raises."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() and raw.adjusted() <= _MAX_DIGITS else None
    if isinstance(raw, int):
        return Decimal(raw) if abs(raw) < 10**_MAX_DIGITS else None
    if isinstance(raw, float):
        raw = repr(raw)
    if not isinstance(raw, str):
        return None
    text = raw.translate(_MONEY_DELETE)
    if not text:
        return None
    negative = text[0] == "(" and text[-1] == ")"
    if negative:
        text = text[1:-1]
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value.adjusted() > _MAX_DIGITS:
        return None
    return -value if negative else value


def _integral(value: Decimal) -> int | None:
    if not value.is_finite() or value.adjusted() > _MAX_DIGITS:
        return None
    return int(value) if value == value.to_integral_value() else None


def parse_int(raw: object) -> int | None:
    """Integer of ``" 12 "``, ``"12.0"``, ``"1,234"`` or a number; None for junk, fractions
    (``"12.5"``), empty values and booleans. Never raises."""
    if type(raw) is str and raw.isdigit() and raw.isascii():  # the common case, fast
        return int(raw)
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() and abs(raw) < 1e18 else None
    if isinstance(raw, Decimal):
        return _integral(raw)
    if not isinstance(raw, str):
        return None
    text = raw.translate(_INT_DELETE)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    if len(text) > 40:  # no decimal exponent games ("1e999999") on junk input
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return _integral(value)
