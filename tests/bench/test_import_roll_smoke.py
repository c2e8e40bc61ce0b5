"""A small run of bench/import_roll.py: it must work end to end and keep its invariants.
No timing thresholds here (machines are noisy); the figures live in docs/performance.md."""

from __future__ import annotations

from pathlib import Path

from bench import import_roll


def test_import_benchmark_runs_and_reimport_writes_nothing(tmp_path: Path) -> None:
    report = import_roll.run(10_000, seed=3, workdir=tmp_path)
    rows = {row["measure"]: row for row in report.rows}
    first = rows["propintel import nal (empty table)"]
    again = rows["re-import of the unchanged file"]
    assert first["inserted"] + first["quarantined"] == 10_000
    assert first["ratio"] is not None and first["ratio"] > 0
    assert (again["inserted"], again["updated"]) == (0, 0)
    assert first["peak_rss_mib"] < 1024
    assert rows["propintel import pa-points (GeoJSON)"]["updated"] > 9_000
