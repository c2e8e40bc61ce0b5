"""Florida DOR NAL (Name-Address-Legal) tax roll → ``properties`` (+ sales 1/2, owner markers).

Per row, Python parses and validates (folio, numbers in range, owner name, addresses, mailing
state); the rows are COPYed into a staging table and one set-based upsert writes only the
properties whose values changed. See docs/data.md for the column mapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from psycopg import sql

from propintel.ingest import landuse
from propintel.ingest.counties import MIAMI_DADE, county_name
from propintel.ingest.errors import ImportRefused
from propintel.ingest.matching import STORED_KEYS, legal_key, owner_key
from propintel.ingest.parse.addresses import normalize_street
from propintel.ingest.parse.folios import format_folio, normalize_folio
from propintel.ingest.parse.numbers import parse_int
from propintel.ingest.parse.owner_names import parse_owner_name
from propintel.ingest.parse.states import is_out_of_state
from propintel.ingest.rows import SALE_STAGING_COLUMNS, CsvRow, dor_sale, raw_line, staged_csv_rows
from propintel.ingest.runs import ImportContext, issues_json, staging_column_names
from propintel.ingest.sales import SALE_SUMMARY_CTES, SUMMARY_PARAMS
from propintel.ingest.source import CsvSource, open_csv, require_columns
from propintel.kit.i18n import _

REQUIRED = ("CO_NO", "PARCEL_ID", "DOR_UC", "JV", "OWN_NAME", "PHY_ADDR1", "PHY_CITY", "PHY_ZIPCD")
THIS_YEAR = date.today().year
SALE_COLUMNS = (
    "SALE_YR",
    "SALE_MO",
    "SALE_PRC",
    "QUAL_CD",
    "VI_CD",
    "OR_BOOK",
    "OR_PAGE",
    "CLERK_NO",
    "MULTI_PAR_SAL",
)
USED_COLUMNS = (
    "CO_NO",
    "PARCEL_ID",
    "DOR_UC",
    "JV",
    "AV_NSD",
    "LND_SQFOOT",
    "TOT_LVG_AREA",
    "ACT_YR_BLT",
    "JV_HMSTD",
    "EXMPT_01",
    "OWN_NAME",
    "OWN_ADDR1",
    "OWN_ADDR2",
    "OWN_CITY",
    "OWN_STATE",
    "OWN_ZIPCD",
    "PHY_ADDR1",
    "PHY_ADDR2",
    "PHY_CITY",
    "PHY_ZIPCD",
    "S_LEGAL",
    *(f"{column}{n}" for n in (1, 2) for column in SALE_COLUMNS),
)

# (column, lowest, highest): outside the range the field is nulled and the reason recorded.
RANGES = {
    "JV": (0, 2_000_000_000),
    "AV_NSD": (0, 2_000_000_000),
    "LND_SQFOOT": (0, 2_000_000_000),
    "TOT_LVG_AREA": (0, 5_000_000),
    "ACT_YR_BLT": (1700, THIS_YEAR + 2),
    "SALE_PRC1": (0, 2_000_000_000),
    "SALE_PRC2": (0, 2_000_000_000),
}

STAGING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("folio", "text"),
    ("parcel_id", "text"),
    ("county", "text"),
    ("dor_use_code", "text"),
    ("property_type", "text"),
    ("market_value", "integer"),
    ("assessed_value", "integer"),
    ("lot_size_sqft", "integer"),
    ("square_feet", "integer"),
    ("year_built", "integer"),
    ("homestead", "boolean"),
    ("owner_name", "text"),
    ("owner_first_name", "text"),
    ("owner_last_name", "text"),
    ("owner_type", "text"),
    ("owner_is_estate", "boolean"),
    ("owner_is_heirs", "boolean"),
    ("mailing_address", "text"),
    ("mailing_state", "text"),
    ("out_of_state_owner", "boolean"),
    ("mailing_street", "text"),
    ("mailing_city", "text"),
    ("mailing_zip", "text"),
    ("absentee_owner", "boolean"),
    ("street_address", "text"),
    ("city", "text"),
    ("zip_code", "text"),
    ("full_address", "text"),
    ("address_key", "text"),
    ("legal_description", "text"),
    ("legal_key", "text"),
    ("owner_key", "text"),
    *((f"s{n}_{name}", kind) for n in (1, 2) for name, kind in SALE_STAGING_COLUMNS),
)
COLUMN_NAMES = staging_column_names(STAGING_COLUMNS)
EMPTY_VALUES: tuple[None, ...] = (None,) * len(STAGING_COLUMNS)


class NalImporter:
    kind = "nal"

    def check(self, path: Path) -> None:
        source = open_csv(path)
        try:
            require_columns(path.name, source.header, REQUIRED)
            self._refuse_other_county(path, source)
        finally:
            source.close()

    @staticmethod
    def _refuse_other_county(path: Path, source: CsvSource) -> None:
        column = source.column_index()["CO_NO"]
        for _line, fields in source.rows():
            number = parse_int(fields[column]) if column < len(fields) else None
            if number is not None and number != MIAMI_DADE:
                raise ImportRefused(
                    _(
                        "{file}: this roll is for county {number} ({county}); PropIntel imports "
                        "Miami-Dade (CO_NO {miami_dade}) rolls only"
                    ).format(
                        file=path.name,
                        number=number,
                        county=county_name(number),
                        miami_dade=MIAMI_DADE,
                    )
                )
            return

    def load(self, ctx: ImportContext) -> None:
        staging = ctx.create_staging("staging_nal", STAGING_COLUMNS)
        source = open_csv(ctx.facts.path, ctx.on_progress)
        try:
            rows = staged_csv_rows(source, _parse_row, RANGES, EMPTY_VALUES, USED_COLUMNS)
            ctx.summary.read = ctx.copy_into(staging, COLUMN_NAMES, rows)
        finally:
            source.close()
        with ctx.phase("quarantine"):
            ctx.quarantine_duplicates(staging, ("folio",), "folio")
            ctx.null_overlong(
                staging, "properties", [name for name, _ in STAGING_COLUMNS], STORED_KEYS
            )
            ctx.settle_staging(staging)
        # Sales first: the upsert then writes each property once, sale summary included.
        with ctx.phase("sales"):
            ctx.summary.extra["sales_added"] = ctx.conn.execute(
                INSERT_SALES.format(staging=staging)
            ).rowcount
        with ctx.phase("upsert"):
            ctx.count_outcomes(_upsert(staging), SUMMARY_PARAMS)
        with ctx.phase("owner_markers"):
            ctx.summary.extra["owner_markers_changed"] = _sync_owner_markers(ctx, staging)


def _parse_row(line_no: int, row: CsvRow) -> Sequence[Any]:
    folio = normalize_folio(row.text("PARCEL_ID"))
    county_number = parse_int(row.text("CO_NO"))
    if folio is None:
        reason = "missing or invalid folio (PARCEL_ID)"
    elif county_number != MIAMI_DADE:
        reason = f"county {row.text('CO_NO')!r} is not Miami-Dade ({MIAMI_DADE})"
    else:
        reason = None
    if reason is not None:
        return (line_no, reason, None, raw_line(row.fields), *EMPTY_VALUES)
    values = _property_values(row, folio)  # type: ignore[arg-type]
    raw = raw_line(row.fields) if row.issues else None
    return (line_no, None, issues_json(row.issues), raw, *values)


def _property_values(row: CsvRow, folio: str) -> tuple[Any, ...]:
    v = row.values
    code = landuse.dor_code(v["DOR_UC"])
    owner = parse_owner_name(v["OWN_NAME"])
    street, unit = v["PHY_ADDR1"], v.get("PHY_ADDR2", "")
    city = v["PHY_CITY"].upper() or None
    zip_code = v["PHY_ZIPCD"][:5] or None
    street_line = f"{street} {unit}".strip() if unit and unit not in street else street
    homestead = (parse_int(v.get("JV_HMSTD")) or 0) > 0 or (parse_int(v.get("EXMPT_01")) or 0) > 0
    mailing_state = v.get("OWN_STATE") or None
    legal = v.get("S_LEGAL") or None
    sales = [dor_sale(row, "1"), dor_sale(row, "2")]
    return (
        folio,
        format_folio(folio),
        county_name(MIAMI_DADE),
        code,
        landuse.property_type(code),
        row.number("JV", "market_value"),
        row.number("AV_NSD", "assessed_value"),
        row.number("LND_SQFOOT", "lot_size_sqft"),
        row.number("TOT_LVG_AREA", "square_feet"),
        row.number("ACT_YR_BLT", "year_built"),
        homestead,
        owner.full,
        owner.first,
        owner.last,
        owner.owner_type,
        owner.is_estate,
        owner.is_heirs,
        _mailing_address(row),
        mailing_state,
        bool(is_out_of_state(mailing_state)),
        *_mailing_parts(row),
        _is_absentee(row, street, unit, zip_code, homestead),
        street_line or None,
        city,
        zip_code,
        _full_address(street_line, city, zip_code, folio),
        normalize_street(street, unit or None) if street else None,
        legal,
        legal_key(legal),
        owner_key(owner.full),
        *sales[0],
        *sales[1],
    )


def _mailing_address(row: CsvRow) -> str | None:
    v = row.values
    locality = " ".join(
        part for part in (v.get("OWN_CITY"), v.get("OWN_STATE"), v.get("OWN_ZIPCD")) if part
    )
    joined = ", ".join(part for part in (v.get("OWN_ADDR1"), v.get("OWN_ADDR2"), locality) if part)
    return joined or None


def _mailing_parts(row: CsvRow) -> tuple[str | None, str | None, str | None]:
    """Street line(s), city and ZIP of the owner's mailing address, as a mail house wants them."""
    v = row.values
    street = " ".join(part for part in (v.get("OWN_ADDR1"), v.get("OWN_ADDR2")) if part)
    return street or None, v.get("OWN_CITY") or None, v.get("OWN_ZIPCD") or None


def _is_absentee(
    row: CsvRow, street: str, unit: str, zip_code: str | None, homestead: bool
) -> bool | None:
    """Whether the owner lives elsewhere: a mailing address that is not the property (street key
    or 5-digit ZIP differ) and no homestead exemption (which the owner claims only on the home
    they live in). None when the roll publishes no mailing street."""
    v = row.values
    mailing_street = v.get("OWN_ADDR1")
    if not mailing_street:
        return None
    if homestead:
        return False
    same_street = bool(street) and normalize_street(mailing_street, v.get("OWN_ADDR2") or None) in (
        normalize_street(street, unit or None),
        normalize_street(street, None),
    )
    same_zip = (v.get("OWN_ZIPCD") or "")[:5] == (zip_code or "")
    return not (same_street and same_zip)


def _full_address(street: str, city: str | None, zip_code: str | None, folio: str) -> str:
    """The spec requires a full address; vacant parcels often have no situs address."""
    locality = " ".join(part for part in (f"{city}," if city else None, "FL", zip_code) if part)
    if not street:
        return f"No situs address (folio {format_folio(folio)}), {locality}"
    return f"{street}, {locality}"


UPDATED_COLUMNS = (
    "parcel_id",
    "county",
    "dor_use_code",
    "property_type",
    "market_value",
    "assessed_value",
    "lot_size_sqft",
    "square_feet",
    "year_built",
    "homestead",
    "owner_name",
    "owner_first_name",
    "owner_last_name",
    "owner_type",
    "mailing_address",
    "mailing_state",
    "out_of_state_owner",
    "mailing_street",
    "mailing_city",
    "mailing_zip",
    "absentee_owner",
    "street_address",
    "city",
    "zip_code",
    "full_address",
    "address_key",
    "legal_description",
    "legal_key",
    "owner_key",
    "last_sale_price",
    "last_sale_date",
    "sale_date",
)
_assignments = sql.SQL(", ").join(
    sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(column)) for column in UPDATED_COLUMNS
)
_current = sql.SQL(", ").join(sql.SQL("p.{}").format(sql.Identifier(c)) for c in UPDATED_COLUMNS)
_incoming = sql.SQL(", ").join(
    sql.SQL("EXCLUDED.{}").format(sql.Identifier(c)) for c in UPDATED_COLUMNS
)
_insert_columns = sql.SQL(", ").join(map(sql.Identifier, UPDATED_COLUMNS))

UPSERT_SQL = (
    "WITH"
    + SALE_SUMMARY_CTES
    + """,
    upserted AS (
      INSERT INTO properties AS p (folio_number, {insert_columns}, data_issues, source)
      SELECT s.folio, s.parcel_id, s.county, s.dor_use_code, s.property_type, s.market_value,
             s.assessed_value, s.lot_size_sqft, s.square_feet, s.year_built, s.homestead,
             s.owner_name, s.owner_first_name, s.owner_last_name, s.owner_type,
             s.mailing_address, s.mailing_state, s.out_of_state_owner, s.mailing_street,
             s.mailing_city, s.mailing_zip, s.absentee_owner, s.street_address, s.city,
             s.zip_code, s.full_address, s.address_key, s.legal_description,
             s.legal_key, s.owner_key, sm.last_sale_price, sm.last_sale_date, sm.arms_length_date,
             CASE WHEN s.issues IS NULL THEN NULL ELSE jsonb_build_object('nal', s.issues) END,
             'dor_nal'
      FROM {staging} s LEFT JOIN sale_summary sm ON sm.folio_number = s.folio
      WHERE s.reject_reason IS NULL
      ON CONFLICT (folio_number) DO UPDATE SET {assignments},
        data_issues = NULLIF(
          (COALESCE(p.data_issues, '{{}}'::jsonb) - 'nal')
          || COALESCE(EXCLUDED.data_issues, '{{}}'::jsonb), '{{}}'::jsonb),
        last_updated = now()
      WHERE ({current}, p.data_issues -> 'nal') IS DISTINCT FROM
            ({incoming}, EXCLUDED.data_issues -> 'nal')
      RETURNING (xmax = 0) AS inserted
    )
    SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
"""
)


def _upsert(staging: sql.Identifier) -> sql.Composed:
    return sql.SQL(UPSERT_SQL).format(
        insert_columns=_insert_columns,
        assignments=_assignments,
        current=_current,
        incoming=_incoming,
        staging=staging,
    )


INSERT_SALES = sql.SQL(
    """
    INSERT INTO property_sales (folio_number, sale_year, sale_month, sale_date, sale_price,
      qualification_code, vacant_or_improved, or_book, or_page, clerk_number, multi_parcel, source)
    SELECT s.folio, v.year, v.month, make_date(v.year, v.month, 1), v.price, v.qual, v.vi,
           v.book, v.page, v.clerk, v.multi, 'nal'
    FROM {staging} s
    CROSS JOIN LATERAL (VALUES
      (s.s1_year, s.s1_month, s.s1_price, s.s1_qual, s.s1_vi, s.s1_book, s.s1_page, s.s1_clerk,
       s.s1_multi),
      (s.s2_year, s.s2_month, s.s2_price, s.s2_qual, s.s2_vi, s.s2_book, s.s2_page, s.s2_clerk,
       s.s2_multi)
    ) AS v(year, month, price, qual, vi, book, page, clerk, multi)
    WHERE s.reject_reason IS NULL AND v.year IS NOT NULL
    ON CONFLICT ON CONSTRAINT uq_property_sales_deed DO NOTHING
    """
)


def _sync_owner_markers(ctx: ImportContext, staging: sql.Identifier) -> int:
    """Estate and heirs markers in the owner's name become dated signal records (evidence for
    probate and heirship); a marker that disappeared from the roll closes its record."""
    changed = 0
    for signal, flag in (("estate_owner", "owner_is_estate"), ("heirs_owner", "owner_is_heirs")):
        params = {"signal": signal}
        changed += ctx.conn.execute(
            OPEN_MARKERS.format(staging=staging, flag=sql.Identifier(flag)), params
        ).rowcount
        changed += ctx.conn.execute(
            CLOSE_MARKERS.format(staging=staging, flag=sql.Identifier(flag)), params
        ).rowcount
    return changed


OPEN_MARKERS = sql.SQL(
    """
    INSERT INTO property_signals AS ps (property_id, folio_number, signal_type, status, source,
                                        reference, detail, match_method)
    SELECT p.property_id, s.folio, %(signal)s, 'open', 'dor_nal', s.folio,
           jsonb_build_object('owner_name', s.owner_name), 'folio'
    FROM {staging} s JOIN properties p ON p.folio_number = s.folio
    WHERE s.reject_reason IS NULL AND s.{flag}
    ON CONFLICT (source, signal_type, reference) DO UPDATE
      SET status = 'open', closed_date = NULL, detail = EXCLUDED.detail,
          property_id = EXCLUDED.property_id, updated_at = now()
      WHERE ps.status <> 'open' OR ps.detail IS DISTINCT FROM EXCLUDED.detail
    """
)
CLOSE_MARKERS = sql.SQL(
    """
    UPDATE property_signals ps SET status = 'closed', closed_date = CURRENT_DATE, updated_at = now()
    FROM {staging} s
    WHERE ps.source = 'dor_nal' AND ps.signal_type = %(signal)s AND ps.reference = s.folio
      AND ps.status = 'open' AND s.reject_reason IS NULL AND NOT s.{flag}
    """
)
