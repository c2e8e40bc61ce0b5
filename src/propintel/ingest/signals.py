"""Signal feeds → ``property_signals`` (``propintel import signals KIND FILE``).

One importer drives every kind of ``signals_kinds.SIGNAL_KINDS``: rows are parsed by the kind's
column table and COPYed into staging, duplicates quarantined, every row matched to a property by
``matching.match_staged`` (rows that match nothing are quarantined with the keys that were
tried: never dropped), cancellations folded into the records they cancel, and one upsert on
(source, signal_type, reference) writes only the records whose values changed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Final

from psycopg import sql

from propintel.ingest.matching import (
    MATCH_COLUMNS,
    legal_key,
    match_counts,
    match_staged,
    owner_key,
    remember_previous_property,
    unmatched_reason_sql,
)
from propintel.ingest.parse.addresses import parse_situs_line
from propintel.ingest.parse.dates import parse_date_flexible
from propintel.ingest.parse.folios import normalize_folio
from propintel.ingest.rows import CsvRow, raw_line, staged_csv_rows
from propintel.ingest.runs import ImportContext, issues_json, staging_column_names
from propintel.ingest.signals_kinds import SIGNAL_KINDS, Rejected, SignalKind, text
from propintel.ingest.source import open_csv, require_columns

REFERENCE_MAX = 120  # property_signals.reference VARCHAR(120)

STAGING_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    *MATCH_COLUMNS,
    ("signal_type", "text"),
    ("status", "text"),
    ("recorded_date", "date"),
    ("closed_date", "date"),
    ("source", "text"),
    ("reference", "text"),
    ("detail", "jsonb"),
    ("vacant_evidence", "boolean"),
    ("cancels", "boolean"),
    ("folded", "boolean"),  # a cancellation merged into its record's row of the same file
)
COLUMN_NAMES: Final = staging_column_names(STAGING_COLUMNS)
EMPTY_VALUES: Final[tuple[None, ...]] = (None,) * len(STAGING_COLUMNS)


class SignalImporter:
    """The importer of one signal kind (``signals:<name>``)."""

    def __init__(self, spec: SignalKind) -> None:
        self.spec = spec
        self.kind = spec.kind

    def check(self, path: Path) -> None:
        source = open_csv(path)
        try:
            require_columns(path.name, source.header, self.spec.required)
        finally:
            source.close()

    def load(self, ctx: ImportContext) -> None:
        staging = ctx.create_staging("staging_signals", STAGING_COLUMNS)
        source = open_csv(ctx.facts.path, ctx.on_progress)
        try:
            rows = staged_csv_rows(source, self._parse, {}, EMPTY_VALUES)
            ctx.summary.read = ctx.copy_into(staging, COLUMN_NAMES, rows)
        finally:
            source.close()
        with ctx.phase("match"):
            # A record and its cancellation are not duplicates: ``cancels`` is part of the key.
            keys = ("source", "signal_type", "reference", "cancels")
            ctx.quarantine_duplicates(staging, keys, "reference")
            match_staged(ctx.conn, staging, self.spec.match_methods)
            if self.spec.cancellations:
                fold_cancellations(ctx, staging)
        with ctx.phase("quarantine"):
            _quarantine_unmatched(ctx, staging)
            ctx.settle_staging(staging)
        with ctx.phase("upsert"):
            ctx.count_outcomes(_upsert(staging, sql.SQL("s.signal_type"), sql.SQL("TRUE")))
            if self.spec.vacancy_evidence:
                ctx.summary.extra["vacant_evidence_changed"] = _sync_vacant_evidence(ctx, staging)
            pools = ctx.conn.execute(sql.SQL(SYNC_POOL_COLUMN).format(staging=staging)).rowcount
            if pools:
                ctx.summary.extra["pool_column_changed"] = pools

    def _parse(self, line_no: int, row: CsvRow) -> Sequence[Any]:
        raw = raw_line(row.fields)
        try:
            values = _values(self.spec, row)
        except Rejected as rejected:
            return (line_no, rejected.reason, None, raw, *EMPTY_VALUES)
        return (line_no, None, issues_json(row.issues), raw, *values)


def signal_importers() -> dict[str, SignalImporter]:
    return {spec.kind: SignalImporter(spec) for spec in SIGNAL_KINDS.values()}


# --- per row -------------------------------------------------------------------------------------


def _values(spec: SignalKind, row: CsvRow) -> tuple[Any, ...]:
    classified = spec.classify(row)
    reference = _reference(spec, row)
    recorded = _date(spec, row, spec.recorded_date)
    address = parse_situs_line(next(filter(None, (text(row, c) for c in spec.address)), None))
    detail = {
        key: value
        for key, column, convert in spec.detail
        if (value := convert(text(row, column))) is not None
    } | classified.detail
    if classified.cancels:  # a cancellation is dated by closed_date, its record by recorded_date
        recorded, detail = None, {"cancellation": detail}
    return (
        _folio(spec, row),
        address.street,
        address.zip5,
        legal_key(text(row, spec.legal)) if spec.legal else None,
        owner_key(spec.owner(row)) if spec.owner else None,
        None,  # property_id
        None,  # match_method
        None,  # match_note
        classified.signal_type,
        classified.status,
        recorded,
        classified.closed_date,
        classified.source or spec.source,
        reference,
        json.dumps(detail),
        classified.vacant_evidence,
        classified.cancels,
        False,  # folded
    )


def _reference(spec: SignalKind, row: CsvRow) -> str:
    parts = [text(row, column) for column in spec.reference]
    if not all(parts):
        raise Rejected(f"missing reference ({' + '.join(spec.reference)})")
    reference = "/".join(parts)
    if len(reference) > REFERENCE_MAX:
        raise Rejected(f"reference longer than {REFERENCE_MAX} characters")
    return reference


def _folio(spec: SignalKind, row: CsvRow) -> str | None:
    """The folio, or None. A value without digits is a placeholder (RealForeclose writes
    ``Property Appraiser``), not an error: the row is matched by its other keys."""
    if spec.folio is None:
        return None
    value = text(row, spec.folio)
    folio = normalize_folio(value)
    if folio is None and any(ch.isdigit() for ch in value):
        problem = f"{spec.folio} {value!r} is not a Miami-Dade folio"
        if spec.strict:
            raise Rejected(problem)
        row.issues.append(("folio", problem))
    return folio


def _date(spec: SignalKind, row: CsvRow, column: str) -> date | None:
    value = text(row, column)
    parsed = parse_date_flexible(value) if value else None
    if value and parsed is None:
        problem = f"{column} {value!r} is not a date"
        if spec.strict:
            raise Rejected(problem)
        row.issues.append((column.lower(), problem))
    return parsed


# --- set-based steps -----------------------------------------------------------------------------

# 1. A cancellation in this file folds into its record's row (and lends it its property).
FOLD_IN_FILE = """
WITH c AS (
  SELECT source, signal_type, reference, closed_date, detail, property_id, match_method
  FROM {staging} WHERE cancels AND reject_reason IS NULL
), folded AS (
  UPDATE {staging} s SET status = 'cancelled', closed_date = c.closed_date,
    detail = s.detail || c.detail, property_id = COALESCE(s.property_id, c.property_id),
    match_method = CASE WHEN s.property_id IS NULL THEN c.match_method ELSE s.match_method END
  FROM c
  WHERE (s.source, s.signal_type, s.reference) = (c.source, c.signal_type, c.reference)
    AND NOT s.cancels AND s.reject_reason IS NULL
  RETURNING s.source, s.signal_type, s.reference
)
UPDATE {staging} s SET folded = TRUE FROM folded f
WHERE (s.source, s.signal_type, s.reference) = (f.source, f.signal_type, f.reference)
  AND s.cancels AND s.reject_reason IS NULL
"""
# 2. A record already cancelled on file stays cancelled when its row is imported again.
KEEP_CANCELLED = """
UPDATE {staging} s SET status = 'cancelled', closed_date = ps.closed_date,
  detail = s.detail || CASE WHEN ps.detail ? 'cancellation'
                            THEN jsonb_build_object('cancellation', ps.detail -> 'cancellation')
                            ELSE '{{}}'::jsonb END
FROM property_signals ps
WHERE (ps.source, ps.signal_type, ps.reference) = (s.source, s.signal_type, s.reference)
  AND ps.status = 'cancelled' AND NOT s.cancels AND s.status <> 'cancelled'
  AND s.reject_reason IS NULL
"""
# 3. A cancellation of a record on file (from an earlier file) takes that record's values.
CANCEL_ON_FILE = """
UPDATE {staging} s SET property_id = ps.property_id, match_method = ps.match_method,
  recorded_date = ps.recorded_date, detail = ps.detail || s.detail
FROM property_signals ps
WHERE (ps.source, ps.signal_type, ps.reference) = (s.source, s.signal_type, s.reference)
  AND s.cancels AND NOT s.folded AND s.reject_reason IS NULL
"""


def fold_cancellations(ctx: ImportContext, staging: sql.Identifier) -> None:
    """Apply cancellation rows (``CANCELLATION OF LIS PENDENS - CLP``) to the record of the same
    reference, whether it is in this file or was imported earlier. A cancellation is final: a
    later import of the original record keeps it cancelled. A cancellation whose record is not
    known yet is stored as a cancelled record of its matched property (so the record, arriving
    later, stays cancelled); unmatched, it is quarantined like any row."""
    for statement in (FOLD_IN_FILE, KEEP_CANCELLED, CANCEL_ON_FILE):
        ctx.conn.execute(sql.SQL(statement).format(staging=staging))
    ctx.summary.extra["not_upserted"] = _scalar(
        ctx, sql.SQL("SELECT count(*) FROM {} WHERE folded").format(staging)
    )
    ctx.summary.extra["cancellations"] = _scalar(
        ctx,
        sql.SQL("SELECT count(*) FROM {} WHERE cancels AND reject_reason IS NULL").format(staging),
    )


def _scalar(ctx: ImportContext, query: sql.Composed) -> int:
    row = ctx.conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def _quarantine_unmatched(ctx: ImportContext, staging: sql.Identifier) -> None:
    """Count matches per method, then quarantine the rows that matched no property."""
    counts = match_counts(ctx.conn, staging, sql.SQL("NOT s.folded"))
    ctx.summary.unmatched = counts.pop(None, 0)
    ctx.summary.matched = sum(counts.values())
    for method, count in counts.items():
        ctx.summary.extra[f"matched_by_{method}"] = count
    ctx.conn.execute(
        sql.SQL(
            "UPDATE {staging} s SET reject_reason = {reason} "
            "WHERE s.reject_reason IS NULL AND s.property_id IS NULL AND NOT s.folded"
        ).format(staging=staging, reason=unmatched_reason_sql())
    )


UPDATED_COLUMNS: Final = (
    "property_id",
    "folio_number",
    "status",
    "recorded_date",
    "closed_date",
    "detail",
    "match_method",
)
UPSERT_SQL = """
WITH upserted AS (
  INSERT INTO property_signals AS ps (signal_type, source, reference, {columns})
  SELECT {signal_type}, s.source, s.reference, s.property_id, p.folio_number, s.status,
         s.recorded_date, s.closed_date, s.detail, s.match_method
  FROM {staging} s JOIN properties p ON p.property_id = s.property_id
  WHERE s.reject_reason IS NULL AND NOT s.folded AND {condition}
  ON CONFLICT (source, signal_type, reference) DO UPDATE
    SET {assignments}, {previous}, updated_at = now()
  WHERE ({current}) IS DISTINCT FROM ({incoming})
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
"""


def _upsert(
    staging: sql.Identifier, signal_type: sql.Composable, condition: sql.Composable
) -> sql.Composed:
    def listed(template: str) -> sql.Composed:
        return sql.SQL(", ").join(
            sql.SQL(template).format(sql.Identifier(column)) for column in UPDATED_COLUMNS
        )

    return sql.SQL(UPSERT_SQL).format(
        staging=staging,
        signal_type=signal_type,
        condition=condition,
        columns=listed("{}"),
        assignments=listed("{0} = EXCLUDED.{0}"),
        previous=remember_previous_property("ps"),
        current=listed("ps.{}"),
        incoming=listed("EXCLUDED.{}"),
    )


CLOSE_VACANT_EVIDENCE = """
UPDATE property_signals ps SET status = 'closed', closed_date = CURRENT_DATE, updated_at = now()
FROM {staging} s
WHERE (ps.source, ps.signal_type, ps.reference) = (s.source, 'vacant', s.reference)
  AND ps.status = 'open' AND s.reject_reason IS NULL AND NOT s.vacant_evidence
"""


def _sync_vacant_evidence(ctx: ImportContext, staging: sql.Identifier) -> int:
    """A vacant/unsecured/unsafe-structure case is also a ``vacant`` record with the case's
    status; a case no longer described so closes it. Returns how many records changed."""
    row = ctx.conn.execute(
        _upsert(staging, sql.SQL("'vacant'"), sql.SQL("s.vacant_evidence"))
    ).fetchone()
    written = sum(row) if row else 0
    closed = ctx.conn.execute(sql.SQL(CLOSE_VACANT_EVIDENCE).format(staging=staging)).rowcount
    return int(written) + closed


# ``properties.pool`` is the one truth about pools (the search filter, the ``has_pool`` indicator
# and the property page read it), and pool records are where it comes from: no public roll
# carries a pool flag. For each property a pool record of this file is on (or was moved away
# from), pool = it has a pool record that is not cancelled (a finalled permit, status closed,
# still means a pool).
SYNC_POOL_COLUMN = """
UPDATE properties p SET pool = t.has_pool, last_updated = now()
FROM (
  SELECT DISTINCT m.property_id, EXISTS (
      SELECT 1 FROM property_signals r
      WHERE r.property_id = m.property_id AND r.signal_type = 'pool' AND r.status <> 'cancelled'
    ) AS has_pool
  FROM {staging} s
  JOIN property_signals ps
    ON (ps.source, ps.signal_type, ps.reference) = (s.source, s.signal_type, s.reference)
  CROSS JOIN LATERAL (VALUES (ps.property_id), (ps.previous_property_id)) m(property_id)
  WHERE s.signal_type = 'pool' AND s.reject_reason IS NULL AND m.property_id IS NOT NULL
) t
WHERE p.property_id = t.property_id AND p.pool IS DISTINCT FROM t.has_pool
"""
