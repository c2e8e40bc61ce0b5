"""Property Appraiser point layer → location, bedrooms/bathrooms, stories, exact sale day.

Accepts the three exports of the ArcGIS layer: GeoJSON (``features[].properties`` + Point
geometry), ArcGIS JSON (``features[].attributes`` + ``geometry {x, y}`` with outSR=4326) and CSV
(``LAT``/``LON`` columns, or State Plane ``X_COORD``/``Y_COORD`` in feet, EPSG:2236, which PostGIS
transforms). Values outside plausible ranges are nulled with the reason recorded (a condo with
BATHROOM_COUNT 1220 keeps its row). Folios not on the roll are added as properties from the
layer's own address and owner fields.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from psycopg import sql

from propintel.ingest import landuse
from propintel.ingest.errors import ImportRefused
from propintel.ingest.matching import STORED_KEYS, legal_key, owner_key
from propintel.ingest.parse.addresses import normalize_street
from propintel.ingest.parse.dates import parse_date_flexible
from propintel.ingest.parse.folios import format_folio, normalize_folio
from propintel.ingest.parse.owner_names import parse_owner_name
from propintel.ingest.rows import CsvRow, RecordRow, raw_line, staged_csv_rows
from propintel.ingest.runs import ImportContext, issues_json, staging_column_names
from propintel.ingest.sales import SALE_SUMMARY_CTES, SUMMARY_PARAMS
from propintel.ingest.source import json_records, open_csv, require_columns
from propintel.kit.i18n import _

THIS_YEAR = date.today().year
RANGES = {
    "BEDROOM_COUNT": (0, 30),
    "BATHROOM_COUNT": (0, 30),
    "HALF_BATHROOM_COUNT": (0, 20),
    "FLOOR_COUNT": (0, 150),
    "YEAR_BUILT": (1700, THIS_YEAR + 2),
    "BUILDING_HEATED_AREA": (0, 5_000_000),
    "LOT_SIZE": (0, 2_000_000_000),
}
# Miami-Dade's extent, with a margin (the county reaches west into the Everglades).
LATITUDE_RANGE, LONGITUDE_RANGE = (25.1, 26.0), (-80.9, -80.1)
CSV_COORDINATES = (("LAT", "LON"), ("LATITUDE", "LONGITUDE"), ("Y", "X"))

STAGING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("folio", "text"),
    ("lon", "double precision"),
    ("lat", "double precision"),
    ("sp_x", "double precision"),
    ("sp_y", "double precision"),
    ("bedrooms", "integer"),
    ("bathrooms", "numeric(3,1)"),
    ("stories", "integer"),
    ("street_address", "text"),
    ("city", "text"),
    ("zip_code", "text"),
    ("full_address", "text"),
    ("address_key", "text"),
    ("owner_name", "text"),
    ("owner_type", "text"),
    ("dor_use_code", "text"),
    ("property_type", "text"),
    ("year_built", "integer"),
    ("square_feet", "integer"),
    ("lot_size_sqft", "integer"),
    ("assessed_value", "integer"),
    ("legal_description", "text"),
    ("legal_key", "text"),
    ("owner_key", "text"),
    ("sale_date", "date"),
    ("sale_price", "integer"),
    ("sale_qualified", "boolean"),
)
COLUMN_NAMES = staging_column_names(STAGING_COLUMNS)
EMPTY_VALUES: tuple[None, ...] = (None,) * len(STAGING_COLUMNS)
QUALIFIED_FLAG_COLUMNS = ("QUALIFIED_FLAG_1", "QU_FLG_1", "QUAL_FLAG_1")


class PaPointsImporter:
    kind = "pa-points"

    def check(self, path: Path) -> None:
        if _is_json(path):
            return  # a JSON file is checked as it streams: its items carry their own fields
        source = open_csv(path)
        try:
            require_columns(path.name, source.header, ("FOLIO",))
            header = {name.upper() for name in source.header}
            if not _csv_coordinates(header) and not {"X_COORD", "Y_COORD"} <= header:
                raise ImportRefused(
                    _("{file}: needs coordinates: LAT and LON, or X_COORD and Y_COORD").format(
                        file=path.name
                    )
                )
        finally:
            source.close()

    def load(self, ctx: ImportContext) -> None:
        staging = ctx.create_staging("staging_pa", STAGING_COLUMNS)
        ctx.summary.read = ctx.copy_into(staging, COLUMN_NAMES, _rows(ctx))
        with ctx.phase("quarantine"):
            ctx.quarantine_duplicates(staging, ("folio",), "folio")
            ctx.null_overlong(
                staging, "properties", [name for name, _ in STAGING_COLUMNS], STORED_KEYS
            )
            ctx.settle_staging(staging)
        # Sales first: the upsert then writes each property once, sale summary included.
        with ctx.phase("sales"):
            ctx.summary.extra["sale_days_set"] = ctx.conn.execute(
                sql.SQL(EXACT_SALE_DAYS).format(staging=staging)
            ).rowcount
            ctx.summary.extra["sales_added"] = ctx.conn.execute(
                sql.SQL(NEW_SALES).format(staging=staging)
            ).rowcount
        with ctx.phase("upsert"):
            ctx.count_outcomes(sql.SQL(UPSERT).format(staging=staging), SUMMARY_PARAMS)


def _is_json(path: Path) -> bool:
    return path.suffix.lower() in (".json", ".geojson")


def _rows(ctx: ImportContext) -> Iterator[Sequence[Any]]:
    path = ctx.facts.path
    if _is_json(path):
        for position, feature in json_records(path, "features.item", ctx.on_progress):
            yield _parse_feature(position, feature)
        return
    source = open_csv(path, ctx.on_progress)
    try:
        yield from staged_csv_rows(source, _parse_csv_row, RANGES, EMPTY_VALUES)
    finally:
        source.close()


def _parse_feature(position: int, feature: Any) -> Sequence[Any]:
    if not isinstance(feature, dict):
        reason = "feature is not an object"
        return (position, reason, None, json.dumps(feature, default=str)[:4000], *EMPTY_VALUES)
    attributes = feature.get("properties") or feature.get("attributes")
    if not isinstance(attributes, dict):
        reason = "feature has no properties/attributes"
        return (position, reason, None, json.dumps(feature, default=str)[:4000], *EMPTY_VALUES)
    lon, lat = _feature_point(feature.get("geometry"))
    return _parse(position, RecordRow(attributes, RANGES), lon, lat, None, None, feature)


def _feature_point(geometry: Any) -> tuple[float | None, float | None]:
    if not isinstance(geometry, dict):
        return None, None
    coordinates = geometry.get("coordinates")
    if isinstance(coordinates, list) and len(coordinates) >= 2:
        return _float(coordinates[0]), _float(coordinates[1])
    return _float(geometry.get("x")), _float(geometry.get("y"))


def _parse_csv_row(line_no: int, row: CsvRow) -> Sequence[Any]:
    names = _csv_coordinates(set(row.values))
    lat = _float(row.text(names[0])) if names else None
    lon = _float(row.text(names[1])) if names else None
    sp_x, sp_y = _float(row.text("X_COORD")), _float(row.text("Y_COORD"))
    return _parse(line_no, row, lon, lat, sp_x, sp_y, None)


def _csv_coordinates(header: set[str]) -> tuple[str, str] | None:
    return next((pair for pair in CSV_COORDINATES if set(pair) <= header), None)


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _parse(
    line_no: int,
    row: CsvRow,
    lon: float | None,
    lat: float | None,
    sp_x: float | None,
    sp_y: float | None,
    feature: Any,
) -> Sequence[Any]:
    folio = normalize_folio(row.text("FOLIO"))
    if folio is None:
        reason = "missing or invalid folio (FOLIO)"
        return (line_no, reason, None, _raw(row, feature), *EMPTY_VALUES)
    lon, lat = _checked_point(row, lon, lat)
    values = (folio, lon, lat, sp_x, sp_y, *_building(row), *_site(row, folio), *_sale(row))
    raw = _raw(row, feature) if row.issues else None
    return (line_no, None, issues_json(row.issues), raw, *values)


def _raw(row: CsvRow, feature: Any) -> str:
    """The CSV line, or the JSON feature as text, for the quarantine."""
    return raw_line(row.fields) if row.fields else json.dumps(feature, default=str)[:4000]


def _checked_point(row: CsvRow, lon: float | None, lat: float | None) -> tuple[Any, Any]:
    if lon is None or lat is None:
        return None, None
    inside = LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1] and (
        LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]
    )
    if not inside:
        row.issues.append(("location", f"point ({lat}, {lon}) is outside Miami-Dade"))
        return None, None
    return lon, lat


def _building(row: CsvRow) -> tuple[Any, ...]:
    full = row.number("BATHROOM_COUNT", "bathrooms")
    half = row.number("HALF_BATHROOM_COUNT", "bathrooms")
    bathrooms = None if full is None else full + 0.5 * (half or 0)
    return (
        row.number("BEDROOM_COUNT", "bedrooms"),
        bathrooms,
        row.number("FLOOR_COUNT", "stories"),
    )


def _site(row: CsvRow, folio: str) -> tuple[Any, ...]:
    street, unit = row.text("TRUE_SITE_ADDR"), row.text("TRUE_SITE_UNIT")
    city = row.text("TRUE_SITE_CITY").upper() or None
    zip_code = row.text("TRUE_SITE_ZIP_CODE")[:5] or None
    line = f"{street} {unit}".strip() if unit else street
    locality = " ".join(part for part in (f"{city}," if city else None, "FL", zip_code) if part)
    full = (
        f"{line}, {locality}"
        if line
        else f"No situs address (folio {format_folio(folio)}), {locality}"
    )
    owner = parse_owner_name(row.text("TRUE_OWNER1"))
    code = landuse.dor_code(row.text("DOR_CODE_CUR"))
    year = row.text("YEAR_BUILT")  # 0 means unknown in the layer, not an error
    year_built = None if year in ("", "0") else row.number("YEAR_BUILT", "year_built")
    legal = row.text("LEGAL") or None
    return (
        line or None,
        city,
        zip_code,
        full,
        normalize_street(street, unit or None) if street else None,
        owner.full,
        owner.owner_type,
        code,
        landuse.property_type(code),
        year_built,
        row.number("BUILDING_HEATED_AREA", "square_feet"),
        row.number("LOT_SIZE", "lot_size_sqft"),
        row.number("ASSESSED_VAL_CUR", "assessed_value"),
        legal,
        legal_key(legal),
        owner_key(owner.full),
    )


def _sale(row: CsvRow) -> tuple[Any, ...]:
    raw = row.text("DOS_1")
    if not raw or raw == "0":
        return (None, None, None)
    sale_date = parse_date_flexible(raw)
    if sale_date is None:
        row.issues.append(("sale_date", f"DOS_1 {raw!r} is not a date"))
        return (None, None, None)
    flag = next((row.text(name) for name in QUALIFIED_FLAG_COLUMNS if row.text(name)), "")
    return (sale_date, row.number("PRICE_1", "sale_price"), flag.upper() == "Q" if flag else None)


LOCATION = """CASE
  WHEN s.lon IS NOT NULL THEN ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography
  WHEN s.sp_x IS NOT NULL THEN
    ST_Transform(ST_SetSRID(ST_MakePoint(s.sp_x, s.sp_y), 2236), 4326)::geography
END"""

UPSERT = (
    "WITH"
    + SALE_SUMMARY_CTES
    + """,
upserted AS (
  INSERT INTO properties AS p (folio_number, parcel_id, location, bedrooms, bathrooms, stories,
    street_address, city, zip_code, full_address, address_key, owner_name, owner_type,
    dor_use_code, property_type, year_built, square_feet, lot_size_sqft, assessed_value,
    legal_description, legal_key, owner_key, last_sale_price, last_sale_date, sale_date,
    data_issues, source)
  SELECT s.folio, NULL, """
    + LOCATION
    + """, s.bedrooms, s.bathrooms, s.stories, s.street_address, s.city, s.zip_code,
         s.full_address, s.address_key, s.owner_name, s.owner_type, s.dor_use_code,
         s.property_type, s.year_built, s.square_feet, s.lot_size_sqft, s.assessed_value,
         s.legal_description, s.legal_key, s.owner_key, sm.last_sale_price, sm.last_sale_date,
         sm.arms_length_date,
         CASE WHEN s.issues IS NULL THEN NULL ELSE jsonb_build_object('pa', s.issues) END,
         'pa_points'
  FROM {staging} s LEFT JOIN sale_summary sm ON sm.folio_number = s.folio
  WHERE s.reject_reason IS NULL
  ON CONFLICT (folio_number) DO UPDATE SET
    location = EXCLUDED.location, bedrooms = EXCLUDED.bedrooms, bathrooms = EXCLUDED.bathrooms,
    stories = EXCLUDED.stories, last_sale_price = EXCLUDED.last_sale_price,
    last_sale_date = EXCLUDED.last_sale_date, sale_date = EXCLUDED.sale_date,
    data_issues = NULLIF((COALESCE(p.data_issues, '{{}}'::jsonb) - 'pa')
                         || COALESCE(EXCLUDED.data_issues, '{{}}'::jsonb), '{{}}'::jsonb),
    last_updated = now()
  WHERE (p.location::text, p.bedrooms, p.bathrooms, p.stories, p.data_issues -> 'pa',
         p.last_sale_price, p.last_sale_date, p.sale_date)
        IS DISTINCT FROM
        (EXCLUDED.location::text, EXCLUDED.bedrooms, EXCLUDED.bathrooms, EXCLUDED.stories,
         EXCLUDED.data_issues -> 'pa', EXCLUDED.last_sale_price, EXCLUDED.last_sale_date,
         EXCLUDED.sale_date)
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
"""
)

# The DOR files know a sale's month only; the layer's DOS_1 gives the day of the same sale.
EXACT_SALE_DAYS = """
UPDATE property_sales ps SET sale_date = s.sale_date, sale_day_exact = TRUE
FROM {staging} s
WHERE s.reject_reason IS NULL AND s.sale_date IS NOT NULL
  AND ps.folio_number = s.folio
  AND ps.sale_year = extract(year FROM s.sale_date)
  AND ps.sale_month = extract(month FROM s.sale_date)
  AND (s.sale_price IS NULL OR ps.sale_price IS NULL OR ps.sale_price = s.sale_price)
  AND (ps.sale_date, ps.sale_day_exact) IS DISTINCT FROM (s.sale_date, TRUE)
"""

# A sale newer than the roll is known only to the layer until the next DOR files.
NEW_SALES = """
INSERT INTO property_sales (folio_number, sale_year, sale_month, sale_date, sale_day_exact,
  sale_price, qualification_code, source)
SELECT s.folio, extract(year FROM s.sale_date), extract(month FROM s.sale_date), s.sale_date, TRUE,
       s.sale_price, CASE WHEN s.sale_qualified THEN 'Q' END, 'pa'
FROM {staging} s
WHERE s.reject_reason IS NULL AND s.sale_date IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM property_sales ps WHERE ps.folio_number = s.folio
      AND ps.sale_year = extract(year FROM s.sale_date)
      AND ps.sale_month = extract(month FROM s.sale_date))
ON CONFLICT ON CONSTRAINT uq_property_sales_deed DO NOTHING
"""
