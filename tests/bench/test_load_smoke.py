"""A tiny run of bench/load.py on a small scratch database, through PgBouncer in transaction mode
with two web processes and two job workers: it must work end to end, with no failed request,
every endpoint of the scenario reached, no job run twice, and the web processes' server
connections within PgBouncer's pool. No timing thresholds (the figures: docs/reliability.md)."""

from __future__ import annotations

import os
from pathlib import Path

from bench import load

ENDPOINTS = {
    "api search zip", "api search indicator", "api search radius", "api search polygon",
    "api count", "page search", "page dashboard", "page property", "page pipeline", "page lead",
    "api save lead", "api export csv",
}  # fmt: skip


def test_load_benchmark_through_pgbouncer(tmp_path: Path) -> None:
    report = load.run(
        db=f"propintel_bench_load_smoke_{os.getpid()}",
        users=4,
        seconds=12,
        with_pgbouncer=True,
        parcels=10_000,
        workdir=tmp_path / "files",
        seed=3,
        spawn_rate=4,
        per_kind=4,
        keep=False,
        out=tmp_path / "out",
        cpu_samples=2,
    )
    figures = report.parameters
    rows = {row["measure"]: row for row in report.rows}
    assert figures["web_workers"] == 2 and figures["pgbouncer"] is True
    assert figures["requests"] > 0 and figures["failures"] == 0
    reached = {name for name in ENDPOINTS if name in rows}  # each user makes each request once
    assert reached == ENDPOINTS, ENDPOINTS - reached
    assert all(rows[name]["failures"] == 0 for name in ENDPOINTS)
    # Each request was also timed alone: the web processes' CPU time per request.
    assert {f"cpu {name}" for name in ENDPOINTS} <= set(rows)
    assert all(rows[f"cpu {name}"]["app_cpu_ms"] >= 0 for name in ENDPOINTS)
    for kind in load.KINDS:
        floor = rows[f"sql floor {kind}"]
        assert floor["searches"] == 4 and 0 < floor["p50_ms"] <= floor["p95_ms"]
    # The workers took every deferred job, each exactly once, while the API went through PgBouncer.
    assert figures["jobs_deferred"] > 0
    assert figures["jobs_succeeded"] == figures["jobs_deferred"]
    assert figures["jobs_pending"] == 0
    assert figures["jobs_started_twice"] == 0 and figures["job_runs_duplicated"] == 0
    assert figures["job_runs"] == figures["jobs_deferred"]
    assert figures["workers_alive"] == 2
    assert 0 < figures["max_api_db_connections"] <= load.PGBOUNCER_POOL_SIZE
