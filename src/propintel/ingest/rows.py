"""Row helpers shared by the CSV importers: field access by name with range checks that record
why a field was nulled, the raw line for the quarantine, and the DOR sale columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from propintel.ingest.normalize import parse_int, sale_month_date
from propintel.ingest.source import CsvSource

Range = tuple[int, int]
MAX_INTEGER = 2_000_000_000


def raw_line(fields: Sequence[str]) -> str:
    """The row as CSV text again, for the quarantine's ``raw_content``."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(fields)
    return buffer.getvalue().rstrip("\r\n")


class CsvRow:
    """Field access by (upper-case) column name; ``number`` checks ranges and records issues."""

    __slots__ = ("fields", "index", "issues", "ranges")

    def __init__(
        self, fields: list[str], index: dict[str, int], ranges: Mapping[str, Range]
    ) -> None:
        self.fields = fields
        self.index = index
        self.ranges = ranges
        self.issues: list[tuple[str, str]] = []

    def text(self, column: str) -> str:
        position = self.index.get(column)
        return self.fields[position].strip() if position is not None else ""

    def code(self, column: str, width: int = 2) -> str | None:
        """A code such as QUAL_CD, zero-padded (``1`` → ``01``); None when empty."""
        value = self.text(column)
        return value.zfill(width) if value else None

    def number(self, column: str, field_name: str | None = None) -> int | None:
        raw = self.text(column)
        if not raw:
            return None
        value = parse_int(raw)
        low, high = self.ranges.get(column, (0, MAX_INTEGER))
        if value is None or not low <= value <= high:
            name = field_name or column.lower()
            self.issues.append((name, f"{column} {raw!r} is not a valid value ({low}–{high})"))
            return None
        return value


class RecordRow(CsvRow):
    """The same access over a JSON record (GeoJSON ``properties`` / ArcGIS ``attributes``)."""

    __slots__ = ("record",)

    def __init__(self, record: Mapping[str, Any], ranges: Mapping[str, Range]) -> None:
        super().__init__([], {}, ranges)
        self.record = {str(key).upper(): value for key, value in record.items()}

    def text(self, column: str) -> str:
        value = self.record.get(column)
        return "" if value is None else str(value).strip()


def staged_csv_rows(
    source: CsvSource,
    parse: Callable[[int, CsvRow], Sequence[Any]],
    ranges: Mapping[str, Range],
    empty_values: tuple[None, ...],
) -> Iterator[Sequence[Any]]:
    """Staging tuples ``(line_no, reject_reason, issues, raw, *values)`` for every row read;
    rows of the wrong width are rejected here, the rest are ``parse``d."""
    index = source.column_index()
    width = len(source.header)
    for line_no, fields in source.rows():
        if len(fields) != width:
            reason = f"row has {len(fields)} fields, the header has {width}"
            yield (line_no, reason, None, raw_line(fields), *empty_values)
            continue
        yield parse(line_no, CsvRow(fields, index, ranges))


SALE_FIELDS = 9  # year, month, price, qualification, vacant/improved, book, page, clerk, multi


def dor_sale(row: CsvRow, suffix: str = "") -> tuple[Any, ...]:
    """A DOR sale (NAL sale ``1``/``2`` or the SDF's unsuffixed columns): year and month only."""
    year, month = parse_int(row.text(f"SALE_YR{suffix}")), parse_int(row.text(f"SALE_MO{suffix}"))
    if not year and not month:
        return (None,) * SALE_FIELDS
    if year is None or month is None or sale_month_date(year, month) is None:
        label = f"sale{suffix}" if suffix else "sale"
        row.issues.append((label, f"sale date {year}/{month} is not a valid year/month"))
        return (None,) * SALE_FIELDS
    return (
        year,
        month,
        row.number(f"SALE_PRC{suffix}", f"sale{suffix}_price"),
        row.code(f"QUAL_CD{suffix}"),
        row.text(f"VI_CD{suffix}").upper() or None,
        row.text(f"OR_BOOK{suffix}") or None,
        row.text(f"OR_PAGE{suffix}") or None,
        row.text(f"CLERK_NO{suffix}") or None,
        row.text(f"MULTI_PAR_SAL{suffix}").upper() in ("M", "Y", "1"),
    )


SALE_STAGING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("year", "integer"),
    ("month", "integer"),
    ("price", "integer"),
    ("qual", "text"),
    ("vi", "text"),
    ("book", "text"),
    ("page", "text"),
    ("clerk", "text"),
    ("multi", "boolean"),
)
