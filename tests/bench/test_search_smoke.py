"""A small run of bench/search.py: it must work end to end, and the API must return exactly the
rows (and counts) of the SQL it is measured against. No timing thresholds (the figures:
docs/performance.md)."""

from __future__ import annotations

from pathlib import Path

from bench import search


def test_search_benchmark_runs_and_api_matches_the_sql(tmp_path: Path) -> None:
    report = search.run(10_000, seed=3, workdir=tmp_path, per_kind=8)
    rows = {row["measure"]: row for row in report.rows}
    pages = {f"{kind}: api p95" for kind in search.KINDS}
    counts = {f"{kind}: count api p95" for kind in search.KINDS}
    assert set(rows) == pages | counts
    assert report.parameters["mismatches"] == 0
    for measure, row in rows.items():
        assert row["searches"] == 8, measure
        assert row["mismatches"] == 0, measure
        assert 0 < row["sql_p50_ms"] <= row["sql_p95_ms"], measure
        assert 0 < row["api_p50_ms"] <= row["api_p95_ms"], measure
        assert row["ratio_p95"] is not None and row["ratio_p95"] > 0, measure
    # The mix finds leads: most searches of every kind return rows, and their counts agree.
    assert all(rows[page]["empty_results"] < rows[page]["searches"] for page in pages)
    assert all(rows[count]["median_count"] > 0 for count in counts)
