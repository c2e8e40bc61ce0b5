"""Full-roll import benchmark: the `propintel import` path against the raw-SQL floor.

    python bench/import_roll.py --parcels 1000000

Generates a synthetic Miami-Dade roll (NAL + PA points) with the demo generator, then on a scratch
database measures, on the same file:
  floor  : COPY of the raw NAL file into an UNLOGGED all-text staging table (PostgreSQL's own CSV
           parser) + one set-based INSERT … ON CONFLICT … WHERE … IS DISTINCT FROM upsert of the
           same property columns, all hand-written SQL;
  import : `propintel import nal` (a separate process, so its peak memory can be read), from an
           empty properties table;
  re-import of the unchanged file (must report 0 inserted and 0 updated);
  PA points import (GeoJSON) for reference.
Ratios are import time / floor time measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Report, scratch_database, timed  # noqa: E402
from propintel.demo.generator import Manifest, generate, nal_name  # noqa: E402
from propintel.ingest.matching import legal_key_sql, owner_key_sql  # noqa: E402

TODAY = date(2026, 11, 27)  # fixed, so a given --parcels/--seed always makes the same files
FLOOR_COLUMNS = {
    "PARCEL_ID": "folio",
    "DOR_UC": "dor_uc",
    "JV": "jv",
    "AV_NSD": "av_nsd",
    "LND_SQFOOT": "lnd_sqfoot",
    "TOT_LVG_AREA": "tot_lvg_area",
    "ACT_YR_BLT": "act_yr_blt",
    "OWN_NAME": "own_name",
    "OWN_ADDR1": "own_addr1",
    "OWN_CITY": "own_city",
    "OWN_STATE": "own_state",
    "OWN_ZIPCD": "own_zipcd",
    "PHY_ADDR1": "phy_addr1",
    "PHY_ADDR2": "phy_addr2",
    "PHY_CITY": "phy_city",
    "PHY_ZIPCD": "phy_zipcd",
    "S_LEGAL": "s_legal",
}
INT = "CASE WHEN {0} ~ '^[0-9]{{1,9}}$' THEN {0}::int END"
# The matcher's keys, stored with the names they key (the import computes them in Python).
LEGAL_KEY = legal_key_sql(sql.Identifier("s_legal")).as_string(None)
OWNER_KEY = owner_key_sql(sql.Identifier("own_name")).as_string(None)
FLOOR_UPSERT = f"""
INSERT INTO properties AS p (folio_number, dor_use_code, market_value, assessed_value,
  lot_size_sqft, square_feet, year_built, owner_name, mailing_address, mailing_state,
  mailing_street, mailing_city, mailing_zip, absentee_owner, street_address, city, zip_code,
  full_address, legal_description, legal_key, owner_key, county, source)
SELECT DISTINCT ON (folio) lpad(folio, 13, '0'), lpad(dor_uc, 3, '0'), {INT.format("jv")},
  {INT.format("av_nsd")}, {INT.format("lnd_sqfoot")}, {INT.format("tot_lvg_area")},
  {INT.format("act_yr_blt")}, own_name, concat_ws(', ', own_addr1, own_city, own_state, own_zipcd),
  own_state, own_addr1, own_city, own_zipcd,
  own_addr1 IS DISTINCT FROM phy_addr1 OR left(own_zipcd, 5) IS DISTINCT FROM left(phy_zipcd, 5),
  concat_ws(' ', phy_addr1, phy_addr2), upper(phy_city), left(phy_zipcd, 5),
  concat_ws(', ', phy_addr1, phy_city, 'FL ' || phy_zipcd), s_legal, {LEGAL_KEY}, {OWNER_KEY},
  'Miami-Dade', 'floor'
FROM floor_nal WHERE folio ~ '^[0-9]{{12,13}}$'
ORDER BY folio
ON CONFLICT (folio_number) DO UPDATE SET dor_use_code = EXCLUDED.dor_use_code,
  market_value = EXCLUDED.market_value, assessed_value = EXCLUDED.assessed_value,
  lot_size_sqft = EXCLUDED.lot_size_sqft, square_feet = EXCLUDED.square_feet,
  year_built = EXCLUDED.year_built, owner_name = EXCLUDED.owner_name,
  mailing_address = EXCLUDED.mailing_address, mailing_state = EXCLUDED.mailing_state,
  mailing_street = EXCLUDED.mailing_street, mailing_city = EXCLUDED.mailing_city,
  mailing_zip = EXCLUDED.mailing_zip, absentee_owner = EXCLUDED.absentee_owner,
  street_address = EXCLUDED.street_address, city = EXCLUDED.city, zip_code = EXCLUDED.zip_code,
  full_address = EXCLUDED.full_address, legal_description = EXCLUDED.legal_description,
  legal_key = EXCLUDED.legal_key, owner_key = EXCLUDED.owner_key
WHERE (p.dor_use_code, p.market_value, p.assessed_value, p.lot_size_sqft, p.square_feet,
       p.year_built, p.owner_name, p.mailing_address, p.mailing_state, p.mailing_street,
       p.mailing_city, p.mailing_zip, p.absentee_owner, p.street_address, p.city,
       p.zip_code, p.full_address, p.legal_description, p.legal_key, p.owner_key)
  IS DISTINCT FROM (EXCLUDED.dor_use_code, EXCLUDED.market_value, EXCLUDED.assessed_value,
       EXCLUDED.lot_size_sqft, EXCLUDED.square_feet, EXCLUDED.year_built, EXCLUDED.owner_name,
       EXCLUDED.mailing_address, EXCLUDED.mailing_state, EXCLUDED.mailing_street,
       EXCLUDED.mailing_city, EXCLUDED.mailing_zip, EXCLUDED.absentee_owner,
       EXCLUDED.street_address, EXCLUDED.city,
       EXCLUDED.zip_code, EXCLUDED.full_address, EXCLUDED.legal_description, EXCLUDED.legal_key,
       EXCLUDED.owner_key)
"""
RESET = "TRUNCATE properties, property_sales, property_signals, import_runs CASCADE"


def floor(url: str, nal: Path) -> float:
    """COPY + set-based upsert, by hand, in one transaction (what an import cannot beat)."""
    with psycopg.connect(url) as conn:
        header = nal.open(encoding="latin-1").readline().strip().split(",")
        columns = ", ".join(f'"{name.lower()}" text' for name in header)
        conn.execute(f"CREATE UNLOGGED TABLE floor_raw ({columns})")
        conn.execute(
            "CREATE VIEW floor_nal AS SELECT "
            + ", ".join(f'"{name.lower()}" AS {alias}' for name, alias in FLOOR_COLUMNS.items())
            + " FROM floor_raw WHERE parcel_id <> ''"
        )

        def load() -> None:
            copy_sql = "COPY floor_raw FROM STDIN (FORMAT csv, HEADER true, ENCODING 'LATIN1')"
            with conn.cursor().copy(copy_sql) as copy, nal.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            conn.execute(FLOOR_UPSERT)
            conn.commit()

        _, seconds = timed(load)
        conn.execute("DROP VIEW floor_nal")
        conn.execute("DROP TABLE floor_raw")
        conn.execute(RESET)
        conn.commit()
    return seconds


def cli_import(url: str, kind: str, path: Path) -> tuple[dict[str, Any], float, int]:
    """`propintel import KIND PATH --json --no-refresh` in a child process: summary, seconds, and
    the peak RSS (KiB) of that child alone (``wait4`` returns the child's own resource usage).
    The score refresh an import normally ends with is measured by bench/score_refresh.py."""
    env = {**os.environ, "PROPINTEL_DATABASE_URL": url}
    command = [
        sys.executable,
        "-m",
        "propintel",
        "import",
        kind,
        str(path),
        "--json",
        "--no-refresh",
    ]

    def run_child() -> tuple[int, str, int]:
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert child.stdout is not None
        output = child.stdout.read().decode()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        return child.returncode, output, usage.ru_maxrss

    (code, output, peak_kib), seconds = timed(run_child)
    if code != 0:
        raise RuntimeError(f"import {kind} failed: {output}")
    return json.loads(output.strip().splitlines()[-1]), seconds, peak_kib


def _generated(workdir: Path, parcels: int, seed: int) -> Manifest:
    """The files for (parcels, seed): reused when ``workdir`` already holds exactly them."""
    existing = workdir / "manifest.json"
    if existing.exists():
        data = json.loads(existing.read_text())
        wanted = {"parcels": parcels, "seed": seed, "today": TODAY.isoformat()}
        if {key: data.get(key) for key in wanted} == wanted:
            return Manifest(seed, parcels, data["roll_year"], TODAY, data["files"], data["fsbo"])
    return generate(workdir, parcels, seed, today=TODAY)


def run(parcels: int, seed: int, workdir: Path) -> Report:
    report = Report("import_roll", {"parcels": parcels, "seed": seed})
    manifest, gen_s = timed(lambda: _generated(workdir, parcels, seed))
    nal = workdir / nal_name(manifest.roll_year)
    report.add("generate files (not part of any ratio)", gen_s, rows=manifest.rows(nal.name))
    # The floor and the import read the same file from the page cache: warm it once for both.
    with nal.open("rb") as handle:
        while handle.read(1 << 24):
            pass
    with scratch_database(f"propintel_bench_import_{os.getpid()}") as url:
        floor_s = floor(url, nal)
        report.add("floor: COPY + set-based upsert (SQL)", floor_s)
        first, first_s, peak = cli_import(url, "nal", nal)
        report.add(
            "propintel import nal (empty table)",
            first_s,
            floor_s,
            inserted=first["inserted"],
            quarantined=first["quarantined_total"],
            peak_rss_mib=round(peak / 1024, 1),
        )
        again, again_s, _ = cli_import(url, "nal", nal)
        report.add(
            "re-import of the unchanged file",
            again_s,
            floor_s,
            inserted=again["inserted"],
            updated=again["updated"],
        )
        points, points_s, _ = cli_import(url, "pa-points", workdir / "pa_points.geojson")
        report.add(
            "propintel import pa-points (GeoJSON)",
            points_s,
            updated=points["updated"],
            nulled=sum(points["nulled"].values()),
        )
    return report


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, help="Keep generated files here (default: temp).")
    args = parser.parse_args(argv)
    if args.workdir:
        report = run(args.parcels, args.seed, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="propintel-bench-") as tmp:
            report = run(args.parcels, args.seed, Path(tmp))
    report.print()
    return report


if __name__ == "__main__":
    main()
