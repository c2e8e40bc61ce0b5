"""Dates as the sources write them: ``parse_date_flexible`` (US, ISO, compact, epoch) and
``sale_month_date`` (a DOR sale year and month), which never raise."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Final

from propintel.ingest.parse.numbers import parse_int

_MIN_YEAR: Final = 1800
_MAX_YEAR: Final = 2200


def _make_date(year: int, month: int, day: int) -> date | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_from_epoch(seconds: float) -> date | None:
    try:
        return _make_date_from(datetime.fromtimestamp(seconds, tz=UTC).date())
    except (OverflowError, OSError, ValueError):
        return None


def _make_date_from(value: date) -> date | None:
    return value if _MIN_YEAR <= value.year <= _MAX_YEAR else None


def parse_date_flexible(raw: object) -> date | None:
    """A date from ``07/13/2026`` (also ``7/13/26``, with a trailing time), ``2026-07-13``,
    ``2026/07/13``, ``20260713`` (PA ``DOS_1``), ISO datetimes, epoch milliseconds (ArcGIS
    ``CASE_DATE``; 10-digit values are epoch seconds) read as UTC, or date/datetime objects.
    None for junk, empty, ``0`` and dates outside 1800..2200. Never raises."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float):
        if raw != raw or raw <= 0:  # NaN, zero, negative
            return None
        return _date_from_epoch(raw / 1000 if raw >= 1e11 else raw) if raw >= 1e9 else None
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text:
        return None
    size = len(text)
    if text.isascii() and text.isdigit():
        if size == 8:
            return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if 9 <= size <= 13:
            number = int(text)
            return _date_from_epoch(number / 1000 if size >= 12 else number) if number else None
        return None
    head = text.split("T", 1)[0].split(" ", 1)[0] if size > 10 else text
    if len(head) < 6 or not head.isascii():
        return None
    if head[4:5] in ("-", "/") and head[:4].isdigit():
        pieces = head.replace("/", "-").split("-")
        if len(pieces) != 3:
            return None
        year, month, day = pieces
    elif "/" in head or "-" in head:
        pieces = head.replace("-", "/").split("/")
        if len(pieces) != 3:
            return None
        month, day, year = pieces
        if len(year) == 2 and year.isdigit():
            year = ("20" if int(year) < 70 else "19") + year
    else:
        return None
    if not (year.isdigit() and month.isdigit() and day.isdigit()):
        return None
    if len(year) != 4 or len(month) > 2 or len(day) > 2:
        return None
    return _make_date(int(year), int(month), int(day))


def sale_month_date(year: object, month: object) -> date | None:
    """First day of a DOR sale month (``SALE_YR``/``SALE_MO`` carry no day); None when either is
    missing, 0 or out of range."""
    y = parse_int(year)
    m = parse_int(month)
    if y is None or m is None or not 1 <= m <= 12:
        return None
    return _make_date(y, m, 1)
