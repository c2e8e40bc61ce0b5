"""Miami-Dade folio numbers: ``normalize_folio`` (13 undashed digits) and ``format_folio``
(``MM-TRSS-SSS-PPPP``)."""

from __future__ import annotations

from typing import Final

FOLIO_DIGITS: Final = 13
# Municipality codes run 01..36, so a spreadsheet can only ever drop ONE leading zero: a 12-digit
# number is a folio that lost it; anything shorter is not a folio (it would match a wrong parcel).
FOLIO_MIN_DIGITS: Final = 12
_FOLIO_DELETE: Final = str.maketrans("", "", "- \t\r\n\u00a0")


def normalize_folio(raw: str | int | None) -> str | None:
    """A folio as 13 undashed digits, or None when the value is not a folio.

    Accepts ``30-5904-037-0010``, ``3059040370010``, ``" 3059040370010 "``, ``"30 5904 037 0010"``
    and 12-digit numbers whose leading zero a spreadsheet dropped (``132310521760`` ->
    ``0132310521760``; also ``"132310521760.0"``). Returns None for empty values, placeholders
    (``Property Appraiser``, ``N/A``), anything non-numeric, shorter than 12 or longer than 13
    digits, and all zeros.
    """
    if raw is None:
        return None
    text = raw if isinstance(raw, str) else str(raw)
    digits = text.translate(_FOLIO_DELETE)
    if digits.endswith(".0"):
        digits = digits[:-2]
    size = len(digits)
    if size < FOLIO_MIN_DIGITS or size > FOLIO_DIGITS or not digits.isascii():
        return None
    if not digits.isdigit():
        return None
    if size < FOLIO_DIGITS:
        digits = "0" * (FOLIO_DIGITS - size) + digits
    if digits == "0000000000000":
        return None
    return digits


def format_folio(folio: str) -> str:
    """``MM-TRSS-SSS-PPPP`` (2-4-3-4) display form of any accepted folio spelling.

    Raises ValueError when ``folio`` is not a folio (see ``normalize_folio``).
    """
    digits = normalize_folio(folio)
    if digits is None:
        raise ValueError(f"not a Miami-Dade folio number: {folio!r}")
    return f"{digits[:2]}-{digits[2:6]}-{digits[6:9]}-{digits[9:]}"
