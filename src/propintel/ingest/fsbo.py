"""FSBO listing feeds → ``fsbo_listings`` (``propintel import fsbo FILE``), CSV or JSON.

The documented feed (DATA-SOURCES.md §6): ``listing_url`` (required, the listing's identity),
``listing_platform``, ``listing_price``, ``listing_description``, ``photos`` (a JSON array, or
``|``-separated in CSV), ``contact_name``/``contact_phone``/``contact_email``, ``listed_date`` or
``days_on_market``, ``status`` (→ ``listing_status``, default ``active``), and ``address`` and/or
``folio``. JSON is an array of listing objects or ``{"listings": [...]}``, streamed.

Listings are matched to properties by folio or normalised address (``matching.match_staged``);
unmatched listings are kept with ``property_id`` NULL and counted, not quarantined. Rows without a
``listing_url`` or with an invalid price are quarantined. One upsert on ``listing_url`` writes only
the listings whose values changed.

``days_on_market`` is computed from ``listed_date`` (New York's CURRENT_DATE) whenever the listing
has one, else taken from the feed: re-importing the same file on a later day therefore updates
``days_on_market`` of dated listings. Scoring should prefer ``CURRENT_DATE - listed_date``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Final

import ijson
from psycopg import sql

from propintel.ingest.errors import ImportRefused
from propintel.ingest.matching import (
    MATCH_COLUMNS,
    match_counts,
    match_staged,
    remember_previous_property,
)
from propintel.ingest.parse.addresses import parse_situs_line
from propintel.ingest.parse.dates import parse_date_flexible
from propintel.ingest.parse.folios import normalize_folio
from propintel.ingest.parse.numbers import parse_int, parse_money
from propintel.ingest.rows import MAX_INTEGER, CsvRow, RecordRow, raw_line, staged_csv_rows
from propintel.ingest.runs import ImportContext, issues_json, staging_column_names
from propintel.ingest.source import json_records, open_csv, require_columns
from propintel.kit.clock import today_new_york
from propintel.kit.i18n import _

# Feed field -> accepted spellings (the first is the documented one).
ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "photos": ("PHOTOS", "LISTING_PHOTOS"),
    "status": ("STATUS", "LISTING_STATUS"),
    "address": ("ADDRESS", "LISTING_ADDRESS"),
    "folio": ("FOLIO", "FOLIO_NUMBER"),
}
# Column widths of fsbo_listings: longer values are nulled with the reason recorded.
WIDTHS: Final = {
    "listing_platform": 50,
    "contact_name": 255,
    "contact_phone": 20,
    "contact_email": 255,
    "listing_status": 20,
}

STAGING_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    *MATCH_COLUMNS,
    ("listing_url", "text"),
    ("listing_platform", "text"),
    ("listing_price", "integer"),
    ("listing_description", "text"),
    ("listing_photos", "jsonb"),
    ("contact_name", "text"),
    ("contact_phone", "text"),
    ("contact_email", "text"),
    ("listed_date", "date"),
    ("days_on_market", "integer"),
    ("listing_status", "text"),
    ("listing_address", "text"),
)
COLUMN_NAMES: Final = staging_column_names(STAGING_COLUMNS)
EMPTY_VALUES: Final[tuple[None, ...]] = (None,) * len(STAGING_COLUMNS)


class FsboImporter:
    kind = "fsbo"

    def check(self, path: Path) -> None:
        if _is_json(path):
            _json_prefix(path, validate=True)
            return
        source = open_csv(path)
        try:
            require_columns(
                path.name,
                source.header,
                ("listing_url",),
                any_of=ALIASES["address"] + ALIASES["folio"],
            )
        finally:
            source.close()

    def load(self, ctx: ImportContext) -> None:
        staging = ctx.create_staging("staging_fsbo", STAGING_COLUMNS)
        ctx.summary.read = ctx.copy_into(staging, COLUMN_NAMES, _rows(ctx))
        with ctx.phase("match"):
            ctx.quarantine_duplicates(staging, ("listing_url",), "listing_url")
            match_staged(ctx.conn, staging, ("folio", "address", "street"))
            counts = match_counts(ctx.conn, staging)
            ctx.summary.unmatched = counts.pop(None, 0)
            ctx.summary.matched = sum(counts.values())
            ctx.summary.extra |= {f"matched_by_{method}": n for method, n in counts.items()}
        with ctx.phase("quarantine"):
            ctx.settle_staging(staging)
        with ctx.phase("upsert"):
            ctx.count_outcomes(_upsert(staging))


def _is_json(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def _json_prefix(path: Path, *, validate: bool = False) -> str:
    """``item`` for a top-level array, ``listings.item`` for ``{"listings": [...]}``. With
    ``validate`` the whole file is parsed once (streaming), so broken JSON is refused before
    anything is written."""
    try:
        with path.open("rb") as handle:
            events = ijson.parse(handle)
            _prefix, first, _value = next(events, ("", None, None))
            if first == "start_array":
                prefix = "item"
            elif first == "start_map":
                prefix = "listings.item"
            else:
                raise ImportRefused(
                    _('{file}: expected a JSON array of listings or {{"listings": [...]}}').format(
                        file=path.name
                    )
                )
            if validate:
                _require_listings(path, prefix, events)
    except ijson.JSONError as error:
        message = _("{file}: not valid JSON ({error})").format(file=path.name, error=error)
        raise ImportRefused(message) from error
    return prefix


def _require_listings(path: Path, prefix: str, events: Iterator[tuple[str, str, Any]]) -> None:
    has_listings = prefix == "item"
    for event_prefix, event, value in events:
        if event == "map_key" and event_prefix == "" and value == "listings":
            has_listings = True
    if not has_listings:
        raise ImportRefused(
            _('{file}: a JSON object needs a "listings" array').format(file=path.name)
        )


def _rows(ctx: ImportContext) -> Iterator[Sequence[Any]]:
    path = ctx.facts.path
    if _is_json(path):
        for position, record in json_records(path, _json_prefix(path), ctx.on_progress):
            yield _parse_record(position, record)
        return
    source = open_csv(path, ctx.on_progress)
    try:
        yield from staged_csv_rows(source, _parse_csv_row, {}, EMPTY_VALUES)
    finally:
        source.close()


def _parse_record(position: int, record: Any) -> Sequence[Any]:
    raw = json.dumps(record, default=str)[:4000]
    if not isinstance(record, dict):
        return (position, "listing is not a JSON object", None, raw, *EMPTY_VALUES)
    return _parse(position, RecordRow(record, {}), raw)


def _parse_csv_row(line_no: int, row: CsvRow) -> Sequence[Any]:
    return _parse(line_no, row, raw_line(row.fields))


def _field(row: CsvRow, name: str) -> str:
    """A feed field by its documented name or one of its aliases."""
    for column in ALIASES.get(name, (name.upper(),)):
        value = row.text(column)
        if value:
            return value
    return ""


class _Invalid(Exception):
    pass


def _parse(line_no: int, row: CsvRow, raw: str) -> Sequence[Any]:
    url = _field(row, "listing_url")
    try:
        if not url:
            raise _Invalid("missing listing_url")
        if not url.lower().startswith(("http://", "https://")):
            raise _Invalid(f"listing_url {url[:80]!r} is not an http(s) URL")
        price = _price(_field(row, "listing_price"))
    except _Invalid as invalid:
        return (line_no, str(invalid), None, raw, *EMPTY_VALUES)
    address_text = _field(row, "address") or None
    address = parse_situs_line(address_text)
    values = (
        _folio(row),
        address.street,
        address.zip5,
        None,  # legal_key
        None,  # owner_key
        None,  # property_id
        None,  # match_method
        None,  # match_note
        url,
        _sized(row, "listing_platform", _field(row, "listing_platform")),
        price,
        _field(row, "listing_description") or None,
        _photos(row),
        _sized(row, "contact_name", _field(row, "contact_name")),
        _sized(row, "contact_phone", _field(row, "contact_phone")),
        _sized(row, "contact_email", _field(row, "contact_email")),
        _listed_date(row),
        _days_on_market(row),
        _sized(row, "listing_status", _field(row, "status").lower().replace(" ", "_")),
        address_text,
    )
    return (line_no, None, issues_json(row.issues), raw, *values)


def _price(value: str) -> int | None:
    """Whole dollars (``$350,000`` / ``349999.5``); anything unreadable or negative is invalid."""
    if not value:
        return None
    amount = parse_money(value)
    if amount is None or not 0 <= amount <= MAX_INTEGER:
        raise _Invalid(f"invalid listing_price {value!r}")
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _folio(row: CsvRow) -> str | None:
    value = _field(row, "folio")
    folio = normalize_folio(value)
    if value and folio is None:
        row.issues.append(("folio", f"folio {value!r} is not a Miami-Dade folio"))
    return folio


def _sized(row: CsvRow, name: str, value: str) -> str | None:
    if len(value) > WIDTHS[name]:
        row.issues.append((name, f"{name} is longer than {WIDTHS[name]} characters"))
        return None
    return value or None


def _photos(row: CsvRow) -> str | None:
    """A JSON array of photo URLs: the feed's array, or its ``|``-separated text."""
    value: Any = None
    if isinstance(row, RecordRow):
        value = next((row.record.get(c) for c in ALIASES["photos"] if row.record.get(c)), None)
    if not isinstance(value, list):
        value = [part for part in (p.strip() for p in _field(row, "photos").split("|")) if part]
    photos = [str(photo) for photo in value if photo not in (None, "")]
    return json.dumps(photos) if photos else None


def _listed_date(row: CsvRow) -> date | None:
    value = _field(row, "listed_date")
    listed = parse_date_flexible(value) if value else None
    if value and (listed is None or listed > today_new_york()):
        row.issues.append(("listed_date", f"listed_date {value!r} is not a past date"))
        return None
    return listed


def _days_on_market(row: CsvRow) -> int | None:
    value = _field(row, "days_on_market")
    days = parse_int(value) if value else None
    if value and (days is None or not 0 <= days <= 36_500):
        row.issues.append(("days_on_market", f"days_on_market {value!r} is not a day count"))
        return None
    return days


UPDATED_COLUMNS: Final = (
    "property_id",
    "folio_number",
    "listing_platform",
    "listing_price",
    "listing_description",
    "listing_photos",
    "contact_name",
    "contact_phone",
    "contact_email",
    "listed_date",
    "days_on_market",
    "listing_status",
    "listing_address",
    "address_key",
)
# days_on_market: from listed_date when known (CURRENT_DATE is New York's: the import connection
# runs in America/New_York), else the feed's count.
UPSERT_SQL = """
WITH upserted AS (
  INSERT INTO fsbo_listings AS f (listing_url, {columns})
  SELECT s.listing_url, s.property_id, COALESCE(p.folio_number, s.folio), s.listing_platform,
         s.listing_price, s.listing_description, s.listing_photos, s.contact_name,
         s.contact_phone, s.contact_email, s.listed_date,
         COALESCE(CURRENT_DATE - s.listed_date, s.days_on_market),
         COALESCE(s.listing_status, 'active'), s.listing_address, s.address_key
  FROM {staging} s LEFT JOIN properties p ON p.property_id = s.property_id
  WHERE s.reject_reason IS NULL
  ON CONFLICT (listing_url) DO UPDATE SET {assignments}, {previous}, updated_at = now()
  WHERE ({current}) IS DISTINCT FROM ({incoming})
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
"""


def _upsert(staging: sql.Identifier) -> sql.Composed:
    def listed(template: str) -> sql.Composed:
        return sql.SQL(", ").join(
            sql.SQL(template).format(sql.Identifier(column)) for column in UPDATED_COLUMNS
        )

    return sql.SQL(UPSERT_SQL).format(
        staging=staging,
        columns=listed("{}"),
        assignments=listed("{0} = EXCLUDED.{0}"),
        previous=remember_previous_property("f"),
        current=listed("f.{}"),
        incoming=listed("EXCLUDED.{}"),
    )
