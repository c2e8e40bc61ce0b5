"""Score refresh benchmark: `refresh_scores` (what `propintel scores refresh` and the job run)
against floors measured in the same run.

    python bench/score_refresh.py --parcels 1000000 --workdir bench/out/import1m [--keep-db NAME]

Builds a scratch database from the demo generator's synthetic Miami-Dade (NAL, SDF, PA points,
every signal feed, FSBO) imported through the real importers, so properties, sales, signals and
listings come at the generator's realistic rates; then VACUUM ANALYZE (the weekly maintenance does
the same). Scores as of the generator's "today". After the first scoring, VACUUM ANALYZE of
properties and property_intents (as autovacuum would, a million row versions having died).
Measures:
  floor  : a no-op full scan (every written column of every property compared with itself), and,
           per scenario, the refresh's own statements run as plain SQL through psycopg (then
           rolled back), i.e. the database work without any of our Python;
  (a) the first full scoring of an unscored database;
  (b) a refresh where nothing changed (must write 0 rows);
  (c) a refresh after 1% of the properties gained (0.5%) or lost (0.5%) an open signal;
  (d) the next day's refresh (days since sale and the amortisation move), for reference;
  (e) a full refresh (the Sunday run) where nothing changed, for reference.
Ratios: refresh seconds / floor seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Report, scratch_database, server_url, timed  # noqa: E402
from bench.import_roll import _generated  # noqa: E402
from propintel.db import migrate  # noqa: E402
from propintel.db.engine import create_engine_for, unit_of_work  # noqa: E402
from propintel.db.urls import with_database  # noqa: E402
from propintel.demo.load import import_plan  # noqa: E402
from propintel.ingest.registry import importer_for  # noqa: E402
from propintel.ingest.runs import run_import  # noqa: E402
from propintel.scoring.refresh import refresh_scores  # noqa: E402
from propintel.scoring.refresh_plan import RefreshResult, plan_refresh  # noqa: E402
from propintel.scoring.refresh_sql import (  # noqa: E402
    COLUMNS,
    PREAMBLE,
    state_statement,
    statements,
)

NEW_HOMEOWNER_DAYS = 365
NOOP_SCAN = (
    f"SELECT count(*) FROM properties WHERE ({', '.join(COLUMNS)}) "
    f"IS DISTINCT FROM ({', '.join(COLUMNS)})"
)
GAIN = """INSERT INTO property_signals (property_id, folio_number, signal_type, status,
  recorded_date, source, reference)
SELECT property_id, folio_number, 'code_violation', 'open', %(day)s, 'bench',
  'BENCH-' || folio_number
FROM properties p
WHERE NOT EXISTS (SELECT 1 FROM property_signals s WHERE s.property_id = p.property_id
                  AND s.status = 'open')
ORDER BY md5(folio_number) LIMIT %(count)s"""
LOSE = """UPDATE property_signals SET status = 'closed', closed_date = %(day)s
WHERE signal_id IN (
  SELECT signal_id FROM (
    SELECT DISTINCT ON (property_id) signal_id FROM property_signals
    WHERE status = 'open' AND source <> 'bench' AND property_id IS NOT NULL
    ORDER BY property_id, signal_id) one_per_property
  ORDER BY md5(signal_id::text) LIMIT %(count)s)"""


def build(url: str, workdir: Path, parcels: int, seed: int) -> date:
    """Import the generated files (as `propintel demo load` does); returns the data's today."""
    manifest = _generated(workdir, parcels, seed)
    for kind, name in import_plan(manifest.roll_year):
        summary = run_import(importer_for(kind), workdir / name, url, requested_by_label="bench")
        print(f"  imported {name}: {summary.inserted:,} inserted ({summary.elapsed_s:.0f} s)")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return manifest.today


def noop_scan(url: str) -> float:
    with psycopg.connect(url) as conn:
        _, seconds = timed(lambda: conn.execute(NOOP_SCAN).fetchone())
    return seconds


def plain_sql(url: str, as_of: date) -> float:
    """The refresh's own statements, run by psycopg in one transaction, then rolled back: the
    preamble, the state read, and the statements of the plan it gives (as ``refresh_scores``)."""
    with psycopg.connect(url, options="-c timezone=America/New_York") as conn:

        def run() -> None:
            for statement in PREAMBLE:
                conn.execute(statement.sql)
            cursor = conn.cursor(row_factory=dict_row)
            read = state_statement(as_of, NEW_HOMEOWNER_DAYS)
            state = cursor.execute(read.for_psycopg(), read.params).fetchone()
            assert state is not None
            plan = plan_refresh(state, as_of, NEW_HOMEOWNER_DAYS, full=False)
            for statement in statements(plan):
                conn.execute(statement.for_psycopg(), statement.params)

        _, seconds = timed(run)
        conn.rollback()
    return seconds


def warm_plain_sql(url: str, as_of: date) -> float:
    """The second of two runs: the first pays for cold pages and hint bits, as the refresh after
    it would otherwise not."""
    plain_sql(url, as_of)
    return plain_sql(url, as_of)


def refresh(url: str, as_of: date, full: bool = False) -> tuple[RefreshResult, float]:
    """`refresh_scores` in its own unit of work (committed), as the job and the command run it."""

    async def run() -> RefreshResult:
        engine = create_engine_for(url, pool_size=1)
        try:
            async with unit_of_work(engine) as session:
                return await refresh_scores(
                    session, as_of=as_of, new_homeowner_days=NEW_HOMEOWNER_DAYS, full=full
                )
        finally:
            await engine.dispose()

    return timed(lambda: asyncio.run(run()))


def change_one_percent(url: str, as_of: date, parcels: int) -> dict[str, int]:
    count = max(parcels // 200, 1)
    with psycopg.connect(url) as conn:
        gained = conn.execute(GAIN, {"day": as_of - timedelta(days=3), "count": count}).rowcount
        lost = conn.execute(LOSE, {"day": as_of, "count": count}).rowcount
    return {"signals_added": gained, "signals_closed": lost}


def counts(result: RefreshResult) -> dict[str, Any]:
    slowest = sorted(result.timings_s.items(), key=lambda item: -item[1])[:3]
    return {
        "mode": result.mode,
        "examined": result.examined,
        "changed": result.changed,
        "intents_inserted": result.intents_inserted,
        "intents_deleted": result.intents_deleted,
        "slowest_s": {name: round(seconds, 2) for name, seconds in slowest},
    }


def measure(report: Report, url: str, as_of: date, parcels: int) -> None:
    first, first_s = refresh(url, as_of)
    # What autovacuum does soon after a first scoring (a million dead row versions); without it
    # the next statements to read properties pay for setting a million hint bits.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) properties, property_intents")
    scan_s = noop_scan(url)
    report.add("floor: no-op full scan of properties", scan_s)
    report.add("(a) first full scoring", first_s, scan_s, **counts(first))

    floor_b = warm_plain_sql(url, as_of)
    report.add("floor (b): the same statements as plain SQL", floor_b)
    again, again_s = refresh(url, as_of)
    assert again.changed == 0, "a refresh with nothing changed must write 0 rows"
    extra = {"vs_scan": ratio(again_s, scan_s), **counts(again)}
    report.add("(b) refresh, nothing changed", again_s, floor_b, **extra)

    changes = change_one_percent(url, as_of, parcels)
    floor_c = warm_plain_sql(url, as_of)
    report.add("floor (c): the same statements as plain SQL", floor_c)
    changed, changed_s = refresh(url, as_of)
    extra = {"vs_scan": ratio(changed_s, scan_s), **changes, **counts(changed)}
    report.add("(c) refresh after 1% gained/lost a signal", changed_s, floor_c, **extra)

    tomorrow = as_of + timedelta(days=1)
    next_day, next_day_s = refresh(url, tomorrow)
    extra = {"days_since_sale": next_day.fields["days_since_sale"], **counts(next_day)}
    report.add("(d) the next day's refresh (reference)", next_day_s, scan_s, **extra)
    full, full_s = refresh(url, tomorrow, full=True)
    extra = {"sale_summaries_repaired": full.sale_summaries_repaired, **counts(full)}
    report.add("(e) a full refresh, nothing changed (reference)", full_s, scan_s, **extra)


def ratio(seconds: float, floor_s: float) -> float:
    return round(seconds / floor_s, 2)


def run(parcels: int, seed: int, workdir: Path, keep_db: str | None = None) -> Report:
    """Build (or reuse ``keep_db`` when it already holds the data), then measure."""
    report = Report("score_refresh", {"parcels": parcels, "seed": seed})
    if keep_db and _has_data(keep_db):
        url = with_database(server_url(), keep_db)
        migrate.upgrade(url)  # kept from an older head
        _unscore(url)
        measure(report, url, _generated(workdir, parcels, seed).today, parcels)
        return report
    name = keep_db or f"propintel_bench_scores_{os.getpid()}"
    with scratch_database(name, keep=keep_db is not None) as url:
        as_of, build_s = timed(lambda: build(url, workdir, parcels, seed))
        report.add("build: generate + import + VACUUM ANALYZE (no ratio)", build_s)
        if keep_db:
            _snapshot(url)
        measure(report, url, as_of, parcels)
    return report


def _has_data(name: str) -> bool:
    url = with_database(server_url(), name)
    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT to_regclass('bench_unscored') IS NOT NULL").fetchone() == (
                True,
            )
    except psycopg.OperationalError:
        return False


def _snapshot(url: str) -> None:
    """Remember the freshly imported signals, so a kept database can be measured again."""
    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE TABLE bench_unscored AS SELECT signal_id, status FROM property_signals"
        )


def _unscore(url: str) -> None:
    """Back to the freshly imported state: signals as imported, no scores, no intents."""
    columns = ", ".join(
        f"{column} = DEFAULT" if column in _DEFAULTED else f"{column} = NULL"
        for column in COLUMNS
        if column != "sale_date"  # the importers' value, which the refresh recomputes alike
    )
    with psycopg.connect(url) as conn:
        conn.execute("DELETE FROM property_signals WHERE source = 'bench'")
        conn.execute(
            "UPDATE property_signals s SET status = b.status FROM bench_unscored b "
            "WHERE s.signal_id = b.signal_id AND s.status IS DISTINCT FROM b.status"
        )
        conn.execute("TRUNCATE property_intents")
        conn.execute("DELETE FROM scoring_state")
        conn.execute(f"UPDATE properties SET {columns}")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (FULL, ANALYZE) properties")
        conn.execute("VACUUM (ANALYZE)")


_DEFAULTED = {
    "distressed_score",
    "has_tax_lien",
    "has_code_violation",
    "is_pre_foreclosure",
    "is_foreclosure",
    "is_vacant",
    "is_probate",
    "is_divorce",
    "is_heirship",
    "is_new_homeowner",
}


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, help="Generated files (reused when they match).")
    parser.add_argument(
        "--keep-db",
        metavar="NAME",
        help="Keep the built database under this name, and reuse it when it exists.",
    )
    args = parser.parse_args(argv)
    if args.workdir:
        report = run(args.parcels, args.seed, args.workdir, args.keep_db)
    else:
        with tempfile.TemporaryDirectory(prefix="propintel-bench-") as tmp:
            report = run(args.parcels, args.seed, Path(tmp), args.keep_db)
    report.print()
    return report


if __name__ == "__main__":
    main()
