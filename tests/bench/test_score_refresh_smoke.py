"""A small run of bench/score_refresh.py: it must work end to end and keep its invariants.
No timing thresholds here (machines are noisy); the figures live in docs/performance.md."""

from __future__ import annotations

from pathlib import Path

from bench import score_refresh


def test_score_benchmark_runs_and_an_unchanged_refresh_writes_nothing(tmp_path: Path) -> None:
    report = score_refresh.run(10_000, seed=3, workdir=tmp_path)
    rows = {row["measure"]: row for row in report.rows}
    first = rows["(a) first full scoring"]
    unchanged = rows["(b) refresh, nothing changed"]
    one_percent = rows["(c) refresh after 1% gained/lost a signal"]
    assert first["examined"] > 9_900 and first["changed"] == first["examined"]
    assert first["intents_inserted"] > 1_000
    assert (unchanged["changed"], unchanged["intents_inserted"], unchanged["intents_deleted"]) == (
        0,
        0,
        0,
    )
    assert unchanged["ratio"] is not None and unchanged["ratio"] > 0
    assert one_percent["signals_added"] == one_percent["signals_closed"] == 50
    assert 0 < one_percent["changed"] <= 100
