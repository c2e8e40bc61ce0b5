"""`propintel demo load`: generate the synthetic Miami-Dade and import it, file by file, through
the same importers as real data (so the demo exercises the whole pipeline)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import psycopg

from propintel.demo.generator import generate, nal_name, sdf_name
from propintel.ingest.registry import importer_for
from propintel.ingest.runs import ImportSummary, run_import

DEMO_SEED = 42


def import_plan(roll_year: int) -> list[tuple[str, str]]:
    """(importer kind, file name) in dependency order: parcels first, then what matches them."""
    return [
        ("nal", nal_name(roll_year)),
        ("sdf", sdf_name(roll_year)),
        ("pa-points", "pa_points.geojson"),
        ("signals:code-violations", "code_violations.csv"),
        ("signals:building-violations", "building_violations.csv"),
        ("signals:tax-certificates", "tax_certificates.csv"),
        ("signals:foreclosure-auctions", "foreclosure_auctions.csv"),
        ("signals:lis-pendens", "lis_pendens.csv"),
        ("signals:probate", "probate.csv"),
        ("signals:generic", "generic_signals.csv"),
        ("fsbo", "fsbo.csv"),
        ("fsbo", "fsbo.json"),
    ]


def has_properties(url: str) -> bool:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT EXISTS (SELECT 1 FROM properties)").fetchone() == (True,)


def load_demo(
    url: str,
    workdir: Path,
    parcels: int,
    *,
    seed: int = DEMO_SEED,
    today: date | None = None,
    on_file: Callable[[str, ImportSummary], None] | None = None,
) -> list[ImportSummary]:
    """Generate ``parcels`` parcels into ``workdir`` and import every file into ``url``."""
    manifest = generate(workdir, parcels, seed, today=today)
    summaries = []
    for kind, name in import_plan(manifest.roll_year):
        summary = run_import(importer_for(kind), workdir / name, url, requested_by_label="demo")
        summaries.append(summary)
        if on_file is not None:
            on_file(name, summary)
    return summaries
