"""`propintel demo load`: generate the synthetic Miami-Dade, import it file by file through the
same importers as real data (so the demo exercises the whole pipeline), then score it, so the
first search finds leads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from propintel.demo.generator import generate, nal_name, sdf_name
from propintel.ingest.registry import importer_for
from propintel.ingest.runs import ImportSummary, run_import
from propintel.ingest.tasks import SCORE_REFRESH_JOB
from propintel.jobs.app import run_job_now

DEMO_SEED = 42
StepCallback = Callable[[str], None]


@dataclass(frozen=True)
class DemoLoad:
    imports: list[ImportSummary]
    scores: dict[str, object]  # the score refresh's counts


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


def step_count() -> int:
    """The steps ``load_demo`` announces: generating, one per file, scoring."""
    return len(import_plan(date.today().year)) + 2


def load_demo(
    url: str,
    workdir: Path,
    parcels: int,
    *,
    seed: int = DEMO_SEED,
    today: date | None = None,
    on_step: StepCallback | None = None,
    on_file: Callable[[str, ImportSummary], None] | None = None,
) -> DemoLoad:
    """Generate ``parcels`` parcels into ``workdir``, import every file into ``url`` and score
    them. ``on_step`` hears each step's label as it starts (``step_count()`` in all)."""
    step = on_step or (lambda _label: None)
    step(f"generating {parcels:,} parcels")
    manifest = generate(workdir, parcels, seed, today=today)
    summaries = []
    for kind, name in import_plan(manifest.roll_year):
        step(f"importing {name}")
        summary = run_import(importer_for(kind), workdir / name, url, requested_by_label="demo")
        summaries.append(summary)
        if on_file is not None:
            on_file(name, summary)
    step("scoring every property")
    scores = run_job_now(url, SCORE_REFRESH_JOB) or {}
    return DemoLoad(summaries, dict(scores))
