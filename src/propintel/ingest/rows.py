"""Row helpers shared by the CSV importers: field access by name with range checks that record
why a field was nulled, the raw line for the quarantine, and the DOR sale columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any

from propintel.ingest.parse.dates import sale_month_date
from propintel.ingest.parse.numbers import parse_int
from propintel.ingest.source import CsvSource

Range = tuple[int, int]
MAX_INTEGER = 2_000_000_000


def raw_line(fields: Sequence[str]) -> str:
    """The row as CSV text again, for the quarantine's ``raw_content``."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(fields)
    return buffer.getvalue().rstrip("\r\n")


class CsvRow:
    """The values an importer uses, by (upper-case) column name, stripped; ``number`` checks
    ranges and records issues. ``fields`` is the whole raw row, for the quarantine."""

    __slots__ = ("fields", "issues", "ranges", "values")

    def __init__(
        self, fields: list[str], values: dict[str, str], ranges: Mapping[str, Range]
    ) -> None:
        self.fields = fields
        self.values = values
        self.ranges = ranges
        self.issues: list[tuple[str, str]] = []

    def text(self, column: str) -> str:
        return self.values.get(column, "")

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
        self.record = {str(key).upper(): value for key, value in record.items()}
        values = {
            key: "" if value is None else str(value).strip() for key, value in self.record.items()
        }
        super().__init__([], values, ranges)


def staged_csv_rows(
    source: CsvSource,
    parse: Callable[[int, CsvRow], Sequence[Any]],
    ranges: Mapping[str, Range],
    empty_values: tuple[None, ...],
    columns: Iterable[str] | None = None,
) -> Iterator[Sequence[Any]]:
    """Staging tuples ``(line_no, reject_reason, issues, raw, *values)`` for every row read;
    rows of the wrong width are rejected here, the rest are ``parse``d.

    Only ``columns`` (default: all) are picked, with one ``itemgetter`` call per row: on a
    million-row roll of 158 columns, per-field lookups would cost more than the parsing."""
    index = source.column_index()
    names = [name for name in (columns or index) if name in index]
    pick = itemgetter(*(index[name] for name in names))
    width = len(source.header)
    for line_no, fields in source.rows():
        if len(fields) != width:
            reason = f"row has {len(fields)} fields, the header has {width}"
            yield (line_no, reason, None, raw_line(fields), *empty_values)
            continue
        picked = pick(fields) if len(names) > 1 else (pick(fields),)
        values = dict(zip(names, map(str.strip, picked), strict=True))
        yield parse(line_no, CsvRow(fields, values, ranges))


SALE_FIELDS = 9  # year, month, price, qualification, vacant/improved, book, page, clerk, multi
NO_SALE: tuple[None, ...] = (None,) * SALE_FIELDS


def dor_sale(row: CsvRow, suffix: str = "") -> tuple[Any, ...]:
    """A DOR sale (NAL sale ``1``/``2`` or the SDF's unsuffixed columns): year and month only."""
    v = row.values
    raw_year, raw_month = v.get(f"SALE_YR{suffix}", ""), v.get(f"SALE_MO{suffix}", "")
    if raw_year in ("", "0") and raw_month in ("", "0"):
        return NO_SALE
    year, month = parse_int(raw_year), parse_int(raw_month)
    if year is None or month is None or sale_month_date(year, month) is None:
        label = f"sale{suffix}" if suffix else "sale"
        row.issues.append((label, f"sale date {year}/{month} is not a valid year/month"))
        return NO_SALE
    label = f"sale{suffix}" if suffix else "sale"
    return (
        year,
        month,
        row.number(f"SALE_PRC{suffix}", f"sale{suffix}_price"),
        _sale_code(row, f"QUAL_CD{suffix}", label),
        _sale_text(row, f"VI_CD{suffix}", 1, label, upper=True),
        _sale_text(row, f"OR_BOOK{suffix}", 12, label),
        _sale_text(row, f"OR_PAGE{suffix}", 12, label),
        _sale_text(row, f"CLERK_NO{suffix}", 20, label),
        v.get(f"MULTI_PAR_SAL{suffix}", "").upper() in ("M", "Y", "1"),
    )


def _sale_code(row: CsvRow, column: str, label: str) -> str | None:
    """DOR qualification code: one or two digits, zero-padded (``1`` → ``01``)."""
    value = row.values.get(column, "")
    if not value:
        return None
    if not (value.isdigit() and len(value) <= 2):
        row.issues.append((f"{label}_qualification", f"{column} {value!r} is not a DOR code"))
        return None
    return value.zfill(2)


def _sale_text(
    row: CsvRow, column: str, width: int, label: str, *, upper: bool = False
) -> str | None:
    value = row.values.get(column, "")
    if len(value) > width:
        row.issues.append((f"{label}_{column.lower()}", f"{column} is longer than {width}"))
        return None
    return (value.upper() if upper else value) or None


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
