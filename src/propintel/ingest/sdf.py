"""Florida DOR SDF (Sale Data File), one row per sale → ``property_sales`` (all sales kept).

Sales are keyed by deed (folio, year, month, OR book/page, price): re-importing a file adds
nothing. The sale summary of the touched properties is then recomputed (``sales.py``). Sales of
folios not (yet) on the roll are kept and counted: the NAL may arrive later.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from psycopg import sql

from propintel.ingest.counties import MIAMI_DADE
from propintel.ingest.parse.folios import normalize_folio
from propintel.ingest.parse.numbers import parse_int
from propintel.ingest.rows import (
    SALE_STAGING_COLUMNS,
    CsvRow,
    dor_sale,
    raw_line,
    staged_csv_rows,
)
from propintel.ingest.runs import ImportContext, issues_json, staging_column_names
from propintel.ingest.sales import refresh_sale_summary
from propintel.ingest.source import open_csv, require_columns

REQUIRED = ("CO_NO", "PARCEL_ID", "QUAL_CD", "SALE_YR", "SALE_MO", "SALE_PRC")
STAGING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("folio", "text"),
    ("deed_key", "text"),  # the sale's identity within the folio, never NULL (for duplicates)
    *SALE_STAGING_COLUMNS,
)
COLUMN_NAMES = staging_column_names(STAGING_COLUMNS)
EMPTY_VALUES: tuple[None, ...] = (None,) * len(STAGING_COLUMNS)
RANGES = {"SALE_PRC": (0, 2_000_000_000)}

INSERT_SALES = """
WITH added AS (
  INSERT INTO property_sales (folio_number, sale_year, sale_month, sale_date, sale_price,
    qualification_code, vacant_or_improved, or_book, or_page, clerk_number, multi_parcel, source)
  SELECT folio, year, month, make_date(year, month, 1), price, qual, vi, book, page, clerk,
         multi, 'sdf'
  FROM {staging} WHERE reject_reason IS NULL
  ON CONFLICT ON CONSTRAINT uq_property_sales_deed DO NOTHING
  RETURNING 1
)
SELECT count(*), 0 FROM added
"""
UNKNOWN_FOLIOS = """
SELECT count(DISTINCT s.folio) FROM {staging} s
WHERE s.reject_reason IS NULL
  AND NOT EXISTS (SELECT 1 FROM properties p WHERE p.folio_number = s.folio)
"""


class SdfImporter:
    kind = "sdf"

    def check(self, path: Path) -> None:
        source = open_csv(path)
        try:
            require_columns(path.name, source.header, REQUIRED)
        finally:
            source.close()

    def load(self, ctx: ImportContext) -> None:
        staging = ctx.create_staging("staging_sdf", STAGING_COLUMNS)
        source = open_csv(ctx.facts.path, ctx.on_progress)
        try:
            rows = staged_csv_rows(source, _parse_row, RANGES, EMPTY_VALUES)
            ctx.summary.read = ctx.copy_into(staging, COLUMN_NAMES, rows)
        finally:
            source.close()
        ctx.quarantine_duplicates(staging, ("folio", "deed_key"), "sale")
        ctx.settle_staging(staging)
        ctx.count_outcomes(sql.SQL(INSERT_SALES).format(staging=staging))
        unknown = ctx.conn.execute(sql.SQL(UNKNOWN_FOLIOS).format(staging=staging)).fetchone()
        ctx.summary.extra["folios_not_on_roll"] = int(unknown[0]) if unknown else 0
        refresh_sale_summary(ctx, staging)


def _parse_row(line_no: int, row: CsvRow) -> Sequence[Any]:
    folio = normalize_folio(row.text("PARCEL_ID"))
    reason = None
    if folio is None:
        reason = "missing or invalid folio (PARCEL_ID)"
    elif parse_int(row.text("CO_NO")) != MIAMI_DADE:
        reason = f"county {row.text('CO_NO')!r} is not Miami-Dade ({MIAMI_DADE})"
    sale = dor_sale(row) if reason is None else None
    if reason is None and (sale is None or sale[0] is None):
        reason = "sale without a valid year and month"
    if reason is not None or sale is None:
        return (line_no, reason, None, raw_line(row.fields), *EMPTY_VALUES)
    raw = raw_line(row.fields) if row.issues else None
    deed_key = "|".join(str(part) for part in (sale[0], sale[1], sale[5], sale[6], sale[2]))
    return (line_no, None, issues_json(row.issues), raw, folio, deed_key, *sale)
