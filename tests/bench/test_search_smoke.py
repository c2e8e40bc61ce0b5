"""A small run of bench/search.py: it must work end to end, and the API must return exactly the
rows of the SQL it is measured against. No timing thresholds (the figures: docs/performance.md)."""

from __future__ import annotations

from pathlib import Path

from bench import search


def test_search_benchmark_runs_and_api_matches_the_sql(tmp_path: Path) -> None:
    report = search.run(10_000, seed=3, workdir=tmp_path, per_kind=8)
    rows = {row["measure"].split(":")[0]: row for row in report.rows}
    assert set(rows) == set(search.KINDS)
    assert report.parameters["mismatches"] == 0
    for kind, row in rows.items():
        assert row["searches"] == 8, kind
        assert row["mismatches"] == 0, kind
        assert 0 < row["sql_p50_ms"] <= row["sql_p95_ms"], kind
        assert 0 < row["api_p50_ms"] <= row["api_p95_ms"], kind
        assert row["ratio_p95"] is not None and row["ratio_p95"] > 0, kind
    # The mix finds leads: most searches of every kind return rows.
    assert all(row["empty_results"] < row["searches"] for row in rows.values())
