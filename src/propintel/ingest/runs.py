"""An import run: its ``import_runs`` row, one transaction for the data, staging and quarantine.

The run row is written in its own transactions (``running`` first, the outcome last), so a failed
import is still on record while the data transaction rolls back completely: an import that fails
midway leaves the database as it was.

Every importer writes its parsed rows into a temporary staging table whose first columns are
``line_no``, ``reject_reason``, ``issues`` and ``raw``: rows with a reject reason go to the
quarantine, issues (fields nulled by range checks) are recorded next to the kept row, and the
rest is upserted by one set-based statement.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import psycopg
from psycopg import sql

from propintel.ingest.source import FileFacts, ProgressCallback, file_facts, require_file

# The data transaction holds this lock while the import runs: a run still `running` whose lock is
# free lost its process (killed, or cut from the database) and is failed by the stalled-job sweep
# (ImportRepository.fail_abandoned_runs). Released by PostgreSQL whenever the connection ends.
RUN_LOCK_KEY_SQL = "hashtextextended('import-run:' || %s::text, 0)"

STAGING_PREFIX_COLUMNS = (
    ("line_no", "integer"),
    ("reject_reason", "text"),
    ("issues", "jsonb"),
    ("raw", "text"),
)


def staging_column_names(columns: Sequence[tuple[str, str]]) -> list[str]:
    """Every column of a staging table built by ``ImportContext.create_staging``, in order."""
    return [name for name, _ in (*STAGING_PREFIX_COLUMNS, *columns)]


@dataclass
class ImportSummary:
    """What an import did. ``quarantined`` and ``nulled`` count rows by reason / field."""

    run_id: uuid.UUID
    kind: str
    source_file: str
    status: str = "running"
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    nulled: dict[str, int] = field(default_factory=dict)
    matched: int | None = None
    unmatched: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    elapsed_s: float = 0.0
    error: str | None = None

    @property
    def match_rate(self) -> float | None:
        if self.matched is None or self.unmatched is None or self.matched + self.unmatched == 0:
            return None
        return round(self.matched / (self.matched + self.unmatched), 4)

    def counts(self) -> dict[str, Any]:
        counts: dict[str, Any] = {
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "quarantined_total": sum(self.quarantined.values()),
            "nulled": self.nulled,
        }
        if self.matched is not None:
            counts |= {"matched": self.matched, "unmatched": self.unmatched}
            counts["match_rate"] = self.match_rate
        return counts | self.extra

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": str(self.run_id),
            "kind": self.kind,
            "source_file": self.source_file,
            "status": self.status,
            **self.counts(),
            "elapsed_s": round(self.elapsed_s, 3),
            "error": self.error,
        }


@dataclass
class ImportContext:
    """What an importer works with: one open transaction, the run, and the summary to fill."""

    conn: psycopg.Connection[Any]
    summary: ImportSummary
    facts: FileFacts
    on_progress: ProgressCallback | None = None

    @property
    def run_id(self) -> uuid.UUID:
        return self.summary.run_id

    def create_staging(self, name: str, columns: Sequence[tuple[str, str]]) -> sql.Identifier:
        """A temporary table dropped at commit: the standard prefix columns, then ``columns``."""
        table = sql.Identifier(name)
        definition = sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(column), sql.SQL(kind))
            for column, kind in (*STAGING_PREFIX_COLUMNS, *columns)
        )
        self.conn.execute(
            sql.SQL("CREATE TEMPORARY TABLE {} ({}) ON COMMIT DROP").format(table, definition)
        )
        return table

    def copy_into(
        self, table: sql.Identifier, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> int:
        """COPY ``rows`` (tuples in ``columns`` order) into ``table``; returns how many."""
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            table, sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        count = 0
        with self.phase("copy"), self.conn.cursor().copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        # Temporary tables are never auto-analyzed: without statistics the planner guesses a
        # handful of rows and joins the staging table to properties by nested loops.
        self.conn.execute(sql.SQL("ANALYZE {}").format(table))
        return count

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time a step of the import; the summary reports seconds per step."""
        started = time.perf_counter()
        try:
            yield
        finally:
            timings = self.summary.extra.setdefault("timings_s", {})
            timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - started, 3)

    def quarantine_duplicates(self, table: sql.Identifier, keys: Sequence[str], what: str) -> None:
        """The same record twice in one file (equal ``keys``, none of them NULL): the last row
        wins, earlier ones are quarantined, so nothing collapses silently."""
        columns = sql.SQL(", ").join(map(sql.Identifier, keys))
        matches = sql.SQL(" AND ").join(
            sql.SQL("s.{0} = d.{0}").format(sql.Identifier(key)) for key in keys
        )
        reason = f"duplicate {what} in file (a later row wins)"
        self.conn.execute(
            sql.SQL(
                """
                UPDATE {table} s SET reject_reason = {reason}
                FROM (SELECT {columns}, max(line_no) AS last_line FROM {table}
                      WHERE reject_reason IS NULL GROUP BY {columns} HAVING count(*) > 1) d
                WHERE {matches} AND s.line_no < d.last_line AND s.reject_reason IS NULL
                """
            ).format(table=table, reason=sql.Literal(reason), columns=columns, matches=matches)
        )

    def null_overlong(
        self,
        table: sql.Identifier,
        target: str,
        columns: Sequence[str],
        derived: Mapping[str, str] | None = None,
    ) -> None:
        """Null staged text longer than the ``target`` table's column of the same name allows,
        recording why, in one pass: one over-long value must not fail a whole import.
        ``derived`` maps a column to a staged column computed from it (a matcher key), nulled
        with it."""
        widths = self.conn.execute(
            "SELECT column_name, character_maximum_length FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s "
            "AND column_name = ANY(%s) AND character_maximum_length IS NOT NULL",
            (target, list(columns)),
        ).fetchall()
        if not widths:
            return
        too_long = [
            sql.SQL("length({0}) > {1}").format(sql.Identifier(name), sql.Literal(width))
            for name, width in widths
        ]
        assignments = [
            sql.SQL("{0} = CASE WHEN length({1}) > {2} THEN NULL ELSE {0} END").format(
                sql.Identifier(nulled), sql.Identifier(name), sql.Literal(width)
            )
            for name, width in widths
            for nulled in (name, *([derived[name]] if derived and name in derived else []))
        ]
        notes = [
            sql.SQL(
                "CASE WHEN length({0}) > {1} THEN jsonb_build_array(jsonb_build_array({2}, "
                "{2} || ' is longer than ' || {1} || ' characters')) ELSE '[]' END"
            ).format(sql.Identifier(name), sql.Literal(width), sql.Literal(name))
            for name, width in widths
        ]
        self.conn.execute(
            sql.SQL(
                "UPDATE {table} AS t SET {assignments}, issues = NULLIF(COALESCE(issues, '[]') "
                "|| {notes}, '[]'), raw = COALESCE(raw, (to_jsonb(t) - 'raw' - 'issues')::text) "
                "WHERE reject_reason IS NULL AND ({any})"
            ).format(
                table=table,
                assignments=sql.SQL(", ").join(assignments),
                notes=sql.SQL(" || ").join(notes),
                any=sql.SQL(" OR ").join(too_long),
            )
        )

    def settle_staging(self, table: sql.Identifier) -> None:
        """Quarantine rejected rows and record nulled fields; count both into the summary."""
        self.conn.execute(
            sql.SQL(
                """
                INSERT INTO import_quarantine
                  (run_id, line_number, action, field, reason, raw_content)
                SELECT %(run)s, line_no, 'row_quarantined', NULL, reject_reason, raw
                FROM {table} WHERE reject_reason IS NOT NULL
                UNION ALL
                SELECT %(run)s, line_no, 'field_nulled', issue->>0, issue->>1, raw
                FROM {table}, jsonb_array_elements(issues) AS issue
                WHERE reject_reason IS NULL AND issues IS NOT NULL
                """
            ).format(table=table),
            {"run": self.run_id},
        )
        self.summary.quarantined = self._grouped(
            sql.SQL(
                "SELECT reject_reason, count(*) FROM {} WHERE reject_reason IS NOT NULL GROUP BY 1"
            ).format(table)
        )
        self.summary.nulled = self._grouped(
            sql.SQL(
                "SELECT issue->>0, count(*) FROM {}, jsonb_array_elements(issues) AS issue "
                "WHERE reject_reason IS NULL AND issues IS NOT NULL GROUP BY 1"
            ).format(table)
        )

    def _grouped(self, query: sql.Composed) -> dict[str, int]:
        return {str(key): int(count) for key, count in self.conn.execute(query).fetchall()}

    def count_outcomes(self, query: sql.Composed, params: dict[str, Any] | None = None) -> None:
        """Run an upsert that selects (inserted, updated) counts, and add them to the summary."""
        row = self.conn.execute(query, params or {}).fetchone()
        inserted, updated = row if row else (0, 0)
        self.summary.inserted += int(inserted)
        self.summary.updated += int(updated)


def issues_json(issues: list[tuple[str, str]] | None) -> str | None:
    return json.dumps(issues) if issues else None


class Importer(Protocol):
    """One source format. ``check`` refuses a bad file before anything is written."""

    kind: str

    def check(self, path: Path) -> None: ...

    def load(self, ctx: ImportContext) -> None: ...


def run_import(
    importer: Importer,
    path: Path,
    database_url: str,
    *,
    requested_by: uuid.UUID | None = None,
    requested_by_label: str | None = None,
    source_name: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Check the file, record the run, load it in one transaction, record the outcome."""
    require_file(path)
    importer.check(path)
    facts = file_facts(path)
    summary = ImportSummary(uuid.uuid4(), importer.kind, source_name or path.name)
    started = time.monotonic()
    _record_start(database_url, summary, facts, requested_by, requested_by_label)
    try:
        with psycopg.connect(database_url, options="-c timezone=America/New_York") as conn:
            conn.execute(f"SELECT pg_advisory_xact_lock({RUN_LOCK_KEY_SQL})", (summary.run_id,))
            context = ImportContext(conn, summary, facts, on_progress)
            importer.load(context)
            summary.unchanged = max(
                0,
                summary.read
                - sum(summary.quarantined.values())
                - summary.inserted
                - summary.updated
                - summary.extra.get("not_upserted", 0),
            )
            summary.elapsed_s = time.monotonic() - started
            summary.status = "succeeded"
            _record_outcome(conn, summary)
    except BaseException as error:
        summary.status, summary.elapsed_s = "failed", time.monotonic() - started
        summary.error = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        with psycopg.connect(database_url, autocommit=True) as conn:
            _record_outcome(conn, summary)
        raise
    return summary


def _record_start(
    url: str, summary: ImportSummary, facts: FileFacts, user: uuid.UUID | None, label: str | None
) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO import_runs (run_id, kind, source_file, file_size, file_sha256, "
            "requested_by, requested_by_label) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (
                summary.run_id,
                summary.kind,
                summary.source_file,
                facts.size,
                facts.sha256,
                user,
                label,
            ),
        )


def _record_outcome(conn: psycopg.Connection[Any], summary: ImportSummary) -> None:
    conn.execute(
        "UPDATE import_runs SET status = %s, finished_at = now(), counts = %s, error = %s "
        "WHERE run_id = %s",
        (
            summary.status,
            json.dumps(summary.counts() | {"elapsed_s": round(summary.elapsed_s, 3)}),
            summary.error,
            summary.run_id,
        ),
    )
