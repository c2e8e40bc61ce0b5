"""Lead search benchmark: the search API against the same SQL run directly, in one run.

    python bench/search.py --parcels 1000000 --workdir bench/out/import1m --keep-db NAME

Builds (or reuses, with ``--keep-db``) a database of the demo generator's synthetic Miami-Dade
imported through the real importers and scored (as bench/score_refresh.py does), migrated to head
(so with the search indexes), then VACUUM ANALYZE. A fixed, seeded mix of searches of four kinds:
  zip_score : 1-2 ZIP codes + an intent (new homeowner or distressed) + a minimum score;
  radius    : 5 km around a property + intent distressed;
  indicator : intent distressed + one or two indicators that must all be present;
  polygon   : a drawn polygon of ~2-5 km across (POST), intent distressed or none.
Each search is measured twice, back to back in alternating order, after one unmeasured warm-up
pass over the whole mix:
  sql : the statements ``search/repository.py`` runs for it (the start: planner settings, the
        plan's features and the criteria checks; then the search), run directly through
        psycopg in one transaction;
  api : the HTTP API (uvicorn in a child process, a warmed keep-alive client, a full-plan
        subscriber's bearer token): authentication, plan gating, criteria checks, the same SQL,
        the JSON response.
Reports p50/p95 per kind and the API/SQL ratios; checks that both return the same rows.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Report, scratch_database, server_url  # noqa: E402
from bench.import_roll import _generated  # noqa: E402
from bench.score_refresh import build, refresh  # noqa: E402
from propintel.auth.models import Plan, UserType  # noqa: E402
from propintel.auth.service import NewAccount, register, user_by_email  # noqa: E402
from propintel.config import get_settings  # noqa: E402
from propintel.db import migrate  # noqa: E402
from propintel.db.engine import create_engine_for, unit_of_work  # noqa: E402
from propintel.db.urls import with_database  # noqa: E402
from propintel.kit.clock import today_new_york  # noqa: E402
from propintel.maintenance.database import vacuum_analyze  # noqa: E402
from propintel.search.criteria import Intent, SearchCriteria  # noqa: E402
from propintel.search.repository import count_sql, search_sql, start_sql  # noqa: E402
from propintel.search.scope import Scope  # noqa: E402

KINDS = ("zip_score", "radius", "indicator", "polygon")
LIMIT = 50
USER = NewAccount(
    "bench-search@example.com", "bench-search-password", UserType.SUBSCRIBER, Plan.FULL
)
INDICATOR_SETS = (
    ["tax_lien"], ["pre_foreclosure"], ["foreclosure"], ["code_violation"], ["probate"],
    ["vacant"], ["tax_lien", "high_equity"], ["code_violation", "out_of_state_owner"],
    ["pre_foreclosure", "high_equity"], ["out_of_state_owner", "high_equity"],
)  # fmt: skip
METRES_PER_DEGREE = 111_320
MIN_SCORES = {"distressed": [0, 10, 20, 30, 50], "new_homeowner": [0, 10, 50, 75]}


@dataclass(frozen=True)
class Search:
    kind: str
    criteria: dict[str, Any]


def mix(url: str, per_kind: int, seed: int) -> list[Search]:
    """The fixed mix: ``per_kind`` searches of each kind, drawn from the data with ``seed``."""
    rng = random.Random(seed)
    with psycopg.connect(url) as conn:
        zips = [
            z for (z,) in conn.execute(
                "SELECT zip_code FROM properties WHERE zip_code IS NOT NULL "
                "GROUP BY zip_code HAVING count(*) >= 100 ORDER BY zip_code"
            )
        ]  # fmt: skip
        centres = conn.execute(
            "SELECT ST_Y(location::geometry), ST_X(location::geometry) FROM properties "
            "WHERE location IS NOT NULL ORDER BY md5(folio_number || %s) LIMIT %s",
            (str(seed), per_kind * 2),
        ).fetchall()
    searches: list[Search] = []
    for n in range(per_kind):
        intent = rng.choice(["new_homeowner", "distressed"])
        searches.append(Search("zip_score", {
            "zip": rng.sample(zips, rng.choice([1, 1, 2])), "intent": intent,
            "min_score": rng.choice(MIN_SCORES[intent]),
        }))  # fmt: skip
        lat, lon = centres[n]
        searches.append(Search("radius", {
            "near": f"{lat:.6f},{lon:.6f}", "radius_m": 5000, "intent": "distressed",
        }))  # fmt: skip
        searches.append(Search("indicator", {
            "intent": "distressed", "indicator": list(rng.choice(INDICATOR_SETS)),
        }))  # fmt: skip
        lat, lon = centres[per_kind + n]
        polygon = {"polygon": _polygon(rng, lat, lon)}
        if rng.random() < 0.7:
            polygon["intent"] = "distressed"
        searches.append(Search("polygon", polygon))
    return searches


def _polygon(rng: random.Random, lat: float, lon: float) -> dict[str, Any]:
    """An irregular hexagon of 1-2.5 km radius around (lat, lon), as someone would draw it."""
    ring = []
    lon_scale = math.cos(math.radians(lat))
    for step in range(6):
        angle = 2 * math.pi * step / 6 + rng.uniform(-0.3, 0.3)
        metres = rng.uniform(1000, 2500)
        ring.append([
            round(lon + metres * math.cos(angle) / (METRES_PER_DEGREE * lon_scale), 6),
            round(lat + metres * math.sin(angle) / METRES_PER_DEGREE, 6),
        ])  # fmt: skip
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


MODES = ("page", "count")  # a search's first page, and its count of matches (its own request)


def compiled(search: Search, today: date, mode: str = "page") -> list[tuple[str, dict[str, Any]]]:
    """The exact statements the search repository runs for ``search`` for the benchmark's
    full-plan subscriber, as psycopg text + params: the start (planner settings, the plan's
    features, the criteria checks), then the first page, or the count of matches (to 10,001)."""
    criteria = SearchCriteria.model_validate(search.criteria)
    scope = Scope(frozenset(Intent))
    start = start_sql(USER.plan.value, criteria)
    if mode == "count":
        second = count_sql(criteria, scope, today=today)
    else:
        second = search_sql(criteria, scope, today=today, limit=LIMIT + 1)
    return [(each.for_psycopg(), each.params) for each in (start, second)]


Timed = tuple[float, list[str]]  # seconds, what came back: the page's ids, or the count


def time_sql(conn: psycopg.Connection[Any], statements: list[tuple[str, dict[str, Any]]]) -> Timed:
    """One search as the repository's statements, in one transaction."""
    started = time.perf_counter()
    for sql, params in statements:
        rows = conn.execute(sql, params).fetchall()
    conn.commit()
    elapsed = time.perf_counter() - started
    return elapsed, [str(row[0]) for row in rows[:LIMIT]]


def time_api(client: httpx.Client, search: Search, mode: str = "page") -> Timed:
    """One search through the API: its first page, or its count (as the SQL counts it: one past
    10,000 when capped)."""
    path = "/api/v1/properties/count" if mode == "count" else "/api/v1/properties"
    started = time.perf_counter()
    if "polygon" in search.criteria:
        response = client.post(path if mode == "count" else f"{path}/search", json=search.criteria)
    else:
        response = client.get(path, params=search.criteria)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{search}: {response.status_code} {response.text[:300]}")
    body = response.json()
    if mode == "count":
        return elapsed, [str(body["total"] + (1 if body["total_capped"] else 0))]
    return elapsed, [item["id"] for item in body["items"]]


def run_both(
    url: str, base_url: str, token: str, searches: list[Search], today: date, mode: str = "page"
) -> tuple[list[Timed], list[Timed]]:
    """Every search timed as SQL and through the API back to back, the two in alternating order
    within each kind (so neither always finds the other's pages cached, and a machine that speeds
    up or slows down during the run affects both alike), after one unmeasured pass over the whole
    mix."""
    statements = [compiled(search, today, mode) for search in searches]
    headers = {"Authorization": f"Bearer {token}"}
    with (
        psycopg.connect(url, options="-c timezone=America/New_York") as conn,
        httpx.Client(base_url=base_url, headers=headers, timeout=60) as client,
    ):
        for search, sql in zip(searches, statements, strict=True):  # warm-up
            time_sql(conn, sql)
            time_api(client, search, mode)
        sql_runs, api_runs = [], []
        seen = Counter[str]()
        for search, sql in zip(searches, statements, strict=True):
            seen[search.kind] += 1
            if seen[search.kind] % 2:  # alternating within each kind
                api_runs.append(time_api(client, search, mode))
                sql_runs.append(time_sql(conn, sql))
            else:
                sql_runs.append(time_sql(conn, sql))
                api_runs.append(time_api(client, search, mode))
    return sql_runs, api_runs


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(
    base_url: str, process: subprocess.Popen[bytes], what: str, timeout_s: float
) -> None:
    """Until ``base_url`` answers ``/healthz``; RuntimeError when ``process`` exits or the time
    is up."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.2)


@contextmanager
def api_server(url: str) -> Iterator[str]:
    """``propintel serve`` on the benchmark database, in a child process."""
    port = _free_port()
    env = {**os.environ, "PROPINTEL_DATABASE_URL": url, "PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "propintel", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url, process, "the API server", timeout_s=60)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


def token_for(url: str, base_url: str) -> str:
    async def ensure_user() -> None:
        engine = create_engine_for(url, pool_size=1)
        try:
            async with unit_of_work(engine) as session:
                if await user_by_email(session, USER.email) is None:
                    await register(session, get_settings(), USER)
        finally:
            await engine.dispose()

    asyncio.run(ensure_user())
    response = httpx.post(
        f"{base_url}/api/v1/auth/token", json={"email": USER.email, "password": USER.password}
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def measure(report: Report, url: str, per_kind: int, seed: int) -> None:
    searches = mix(url, per_kind, seed)
    mismatches = 0
    with api_server(url) as base_url:
        token = token_for(url, base_url)
        for mode in MODES:
            runs = run_both(url, base_url, token, searches, today_new_york(), mode)
            mismatches += _report(report, searches, mode, *runs)
    report.parameters["mismatches"] = mismatches


def _report(
    report: Report, searches: list[Search], mode: str, sql_runs: list[Timed], api_runs: list[Timed]
) -> int:
    """A row per kind; returns how many searches the API answered differently from the SQL."""
    sql_s, sql_out = [s for s, _ in sql_runs], [out for _, out in sql_runs]
    api_s, api_out = [s for s, _ in api_runs], [out for _, out in api_runs]
    for kind in KINDS:
        picked = [n for n, search in enumerate(searches) if search.kind == kind]
        sql = [sql_s[n] * 1000 for n in picked]
        api = [api_s[n] * 1000 for n in picked]
        figures: dict[str, Any] = {
            "searches": len(picked),
            "sql_p50_ms": round(statistics.median(sql), 2),
            "sql_p95_ms": round(percentile(sql, 0.95), 2),
            "api_p50_ms": round(statistics.median(api), 2),
            "api_p95_ms": round(percentile(api, 0.95), 2),
            "mismatches": sum(1 for n in picked if sql_out[n] != api_out[n]),
        }
        if mode == "count":
            counts = [int(api_out[n][0]) for n in picked]
            figures["median_count"] = statistics.median(counts)
            figures["capped"] = sum(1 for count in counts if count > 10_000)
        else:
            rows = [len(api_out[n]) for n in picked]
            figures["mean_rows"] = round(statistics.mean(rows), 1)
            figures["empty_results"] = sum(1 for count in rows if count == 0)
        figures["ratio_p50"] = round(figures["api_p50_ms"] / figures["sql_p50_ms"], 2)
        figures["ratio_p95"] = round(figures["api_p95_ms"] / figures["sql_p95_ms"], 2)
        label = f"{kind}: api p95" if mode == "page" else f"{kind}: count api p95"
        report.add(label, figures["api_p95_ms"] / 1000, figures["sql_p95_ms"] / 1000, **figures)
    return sum(1 for a, b in zip(sql_out, api_out, strict=True) if a != b)


def prepare(url: str, workdir: Path, parcels: int, seed: int) -> None:
    """Import, score, then the weekly upkeep a live database gets (parcels stored in map order,
    VACUUM ANALYZE: maintenance.analyze)."""
    as_of = build(url, workdir, parcels, seed)
    refresh(url, as_of)
    vacuum_analyze(url)


def _is_built(name: str) -> bool:
    try:
        with psycopg.connect(with_database(server_url(), name)) as conn:
            found = conn.execute("SELECT count(*) FROM scoring_state").fetchone()
            return bool(found and found[0])
    except psycopg.Error:
        return False


def run(
    parcels: int, seed: int, workdir: Path, per_kind: int = 200, keep_db: str | None = None
) -> Report:
    report = Report("search", {"parcels": parcels, "seed": seed, "per_kind": per_kind})
    if keep_db and _is_built(keep_db):
        url = with_database(server_url(), keep_db)
        migrate.upgrade(url)  # a kept database may predate the search indexes
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE properties")
        measure(report, url, per_kind, seed)
        return report
    name = keep_db or f"propintel_bench_search_{os.getpid()}"
    with scratch_database(name, keep=keep_db is not None) as url:
        _generated(workdir, parcels, seed)
        prepare(url, workdir, parcels, seed)
        measure(report, url, per_kind, seed)
    return report


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-kind", type=int, default=200, help="Searches of each kind.")
    parser.add_argument("--workdir", type=Path, help="Generated files (reused when they match).")
    parser.add_argument("--keep-db", metavar="NAME", help="Keep the database; reuse it if built.")
    args = parser.parse_args(argv)
    if args.workdir:
        report = run(args.parcels, args.seed, args.workdir, args.per_kind, args.keep_db)
    else:
        with tempfile.TemporaryDirectory(prefix="propintel-bench-") as tmp:
            report = run(args.parcels, args.seed, Path(tmp), args.per_kind, args.keep_db)
    report.print()
    return report


if __name__ == "__main__":
    main()
