"""Throughput benchmark: locust users against `propintel serve` on the 1M database.

    python bench/load.py --db propintel_bench_1m --users 50 --seconds 120 [--web-workers N]
    python bench/load.py --db propintel_bench_1m --pgbouncer        # 2 API + 2 workers

The database is bench/search.py's (the demo generator's synthetic Miami-Dade imported through
the real importers and scored): reused when ``--db`` names a built one (migrated to head, then
ANALYZE), else built and kept under that name (a scratch one, dropped, with ``--scratch``).

One run:
  1. the stack: ``propintel serve`` with ``--web-workers`` processes on a free port; with
     ``--pgbouncer``, a PgBouncer in transaction mode (its own ini in a temporary directory,
     SCRAM against the embedded cluster) in front of the API processes
     (``PROPINTEL_DATABASE_POOLER=transaction``) and two ``propintel worker`` connected directly
     (LISTEN/NOTIFY), which run jobs deferred throughout the run;
  2. the benchmark's full-plan subscriber (with its plan's monthly credits), its Bearer token,
     a few saved leads; a seeded mix of searches drawn as bench/search.py draws them;
  3. the floor: every API search of the mix run once as the repository's own SQL, directly
     through psycopg on one connection, nothing else running (bench/search.py's ``time_sql``);
  4. locust, headless, in its own process (bench/load_users.py): ``--users`` users without
     think time for ``--seconds``; meanwhile pg_stat_activity is sampled (the most server
     connections of the database seen) and the CPU time of each process group is taken.
Reports req/s, p50/p95/p99 per endpoint and in all, failures, the floor, the CPU shares, the
load average before the run, and with workers: jobs that ran more than once (none may).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import psutil
import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Report, scratch_database, server_url  # noqa: E402
from bench.import_roll import _generated  # noqa: E402
from bench.search import (  # noqa: E402
    KINDS,
    USER,
    Search,
    _free_port,
    _is_built,
    compiled,
    mix,
    percentile,
    prepare,
    time_sql,
    wait_until_serving,
)
from propintel.db import migrate  # noqa: E402
from propintel.db.urls import with_database  # noqa: E402
from propintel.kit.clock import today_new_york  # noqa: E402

LOCUSTFILE = ROOT / "bench" / "load_users.py"
USER_CLASSES = {"all": "Subscriber", "api": "ApiSubscriber"}  # --mix: its user class
DEFAULT_DB = "propintel_bench_1m"
PGBOUNCER = Path("/usr/sbin/pgbouncer")
PGBOUNCER_POOL_SIZE = 8  # server connections PgBouncer keeps per database and user
HEARTBEAT = "maintenance.heartbeat"  # scheduled, so each run is recorded in job_runs
JOBS_PER_SECOND = 2  # deferred during a run with workers: work for them to race for
WORKER_APP = "propintel-bench-worker"  # the workers' application_name (libpq's PGAPPNAME)
STARTUP_S = 240  # processes importing the app on two busy cores


# --- the database ---------------------------------------------------------------------------


@contextmanager
def database(name: str, parcels: int, workdir: Path, seed: int, keep: bool) -> Iterator[str]:
    """The built benchmark database ``name`` (migrated to head, analysed), built first if not."""
    if _is_built(name):
        url = with_database(server_url(), name)
        migrate.upgrade(url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
        try:
            yield url
        finally:
            if not keep:
                migrate.drop_database(server_url(), name)
        return
    with scratch_database(name, keep=keep) as url:
        _generated(workdir, parcels, seed)
        prepare(url, workdir, parcels, seed)
        yield url


# --- processes --------------------------------------------------------------------------------


@contextmanager
def _process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _child_env(url: str, **extra: str) -> dict[str, str]:
    # As deployed: production (templates not checked on disk per render, Secure cookies).
    env = {**os.environ, "PROPINTEL_DATABASE_URL": url, "PROPINTEL_ENVIRONMENT": "production"}
    env.update(extra)
    env.pop("PROPINTEL_LOG_FILE", None)  # JSON lines on stdout, into the run's log file
    return env


@contextmanager
def pgbouncer(url: str, workdir: Path) -> Iterator[str]:
    """A PgBouncer in transaction mode in front of ``url``'s server; yields the URL through it.

    Clients authenticate with SCRAM against its auth file (the server's own user and password,
    which is how the embedded cluster authenticates TCP clients), and PgBouncer logs in to the
    server the same way. As root it runs as the ``postgres`` system user (it refuses root)."""
    if not PGBOUNCER.exists():
        raise RuntimeError("PgBouncer is missing: apt-get install pgbouncer")
    server = make_url(url)
    port = _free_port()
    # Straight under /tmp: as root, PgBouncer runs as postgres, which must reach its files.
    home = Path(tempfile.mkdtemp(prefix="propintel-pgbouncer-"))
    auth_file, ini = home / "userlist.txt", home / "pgbouncer.ini"
    auth_file.write_text(f'"{server.username}" "{server.password}"\n')
    ini.write_text(
        "\n".join(
            [
                "[databases]",
                f"* = host={server.host} port={server.port} timezone=America/New_York",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                f"listen_port = {port}",
                "unix_socket_dir =",
                "auth_type = scram-sha-256",
                f"auth_file = {auth_file}",
                "pool_mode = transaction",
                f"default_pool_size = {PGBOUNCER_POOL_SIZE}",
                "max_client_conn = 1000",
                f"logfile = {home / 'pgbouncer.log'}",
                "",
            ]
        )
    )
    args = [str(PGBOUNCER), str(ini)]
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
        for path in (auth_file, ini):
            shutil.chown(path, "postgres")
            path.chmod(0o600)
        args = ["runuser", "-u", "postgres", "--", *args]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pooled = server.set(port=port).render_as_string(hide_password=False)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(pooled, prepare_threshold=None, connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                break
            except psycopg.OperationalError as error:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = home / "pgbouncer.log"
                    raise RuntimeError(f"PgBouncer did not start: {log}") from error
                time.sleep(0.2)
        yield pooled
    finally:
        process.terminate()
        process.wait(timeout=30)
        if (home / "pgbouncer.log").exists():
            shutil.copy(home / "pgbouncer.log", workdir / "pgbouncer.log")
        shutil.rmtree(home, ignore_errors=True)


def _wait_for_every_process(serve_pid: int, port: int, processes: int) -> None:
    """Until each of the web processes has answered /healthz (each imports the app on its own;
    the first to answer does not mean the others are up): new connections until every process
    has accepted one, seen in the process tree (which child holds the server side)."""
    if processes < 2:
        return
    deadline = time.monotonic() + STARTUP_S
    answered: set[int] = set()
    clients: list[httpx.Client] = []
    try:
        while len(answered) < processes:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {len(answered)} of {processes} web processes answer")
            children = psutil.Process(serve_pid).children()
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
            clients.append(client)  # kept open, so its connection stays with its process
            client.get("/healthz").raise_for_status()
            mine = {
                c.laddr.port
                for c in psutil.Process().net_connections(kind="tcp")
                if c.raddr and c.raddr.port == port
            }
            for child in children:
                for c in child.net_connections(kind="tcp"):
                    if c.laddr.port == port and c.raddr and c.raddr.port in mine:
                        answered.add(child.pid)
            time.sleep(0.1)
    finally:
        for client in clients:
            client.close()


@dataclass
class Stack:
    base_url: str
    serve: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    pooler: bool = False


@contextmanager
def stack(url: str, web_workers: int, with_pgbouncer: bool, logs: Path) -> Iterator[Stack]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with ExitStack() as stop:
        api_url, api_env = url, {}
        if with_pgbouncer:
            api_url = stop.enter_context(pgbouncer(url, logs))
            api_env = {"PROPINTEL_DATABASE_POOLER": "transaction"}
        env = _child_env(api_url, PORT=str(port), PROPINTEL_WEB_WORKERS=str(web_workers), **api_env)
        serve = stop.enter_context(
            _process([sys.executable, "-m", "propintel", "serve"], env, logs / "serve.log")
        )
        workers = []
        if with_pgbouncer:  # straight to the server: LISTEN/NOTIFY needs a session
            for n in range(2):
                workers.append(
                    stop.enter_context(
                        _process(
                            [sys.executable, "-m", "propintel", "worker"],
                            _child_env(url, PGAPPNAME=WORKER_APP),
                            logs / f"worker-{n}.log",
                        )
                    )
                )
        wait_until_serving(base_url, serve, "propintel serve", STARTUP_S)
        _wait_for_every_process(serve.pid, port, web_workers)
        yield Stack(base_url, serve, workers, with_pgbouncer)


# --- the user and what the users ask for --------------------------------------------------------


def _ensure_user(url: str) -> None:
    import asyncio

    from propintel.auth.service import register, user_by_email
    from propintel.catalog import service as catalog
    from propintel.config import get_settings
    from propintel.db.engine import create_engine_for, unit_of_work
    from propintel.tokens import service as tokens

    async def ensure() -> None:
        engine = create_engine_for(url, pool_size=1)
        try:
            async with unit_of_work(engine) as session:
                user = await user_by_email(session, USER.email)
                if user is None:
                    user = await register(session, get_settings(), USER)
                elif (user.token_balance or 0) > 0:
                    return
                # New, or made by bench/search.py without credits: its plan's monthly credits.
                plans = {p.plan_name: p for p in await catalog.active_plans(session)}
                monthly = plans[USER.plan].base_tokens_monthly
                if monthly > 0:
                    await tokens.grant_plan_allowance(
                        session, user.user_id, monthly, "Benchmark: the plan's monthly credits"
                    )
        finally:
            await engine.dispose()

    asyncio.run(ensure())


def _query(search: Search) -> str:
    return urlencode(search.criteria, doseq=True)


def user_data(url: str, base_url: str, searches: list[Search], think_s: float) -> dict[str, Any]:
    """The token and what the users ask for: the searches by kind (query strings; polygons as
    JSON), properties found by them (for property pages and saving), leads already saved."""
    _ensure_user(url)
    response = httpx.post(
        f"{base_url}/api/v1/auth/token",
        json={"email": USER.email, "password": USER.password},
        timeout=60,
    )
    response.raise_for_status()
    token = str(response.json()["access_token"])
    headers = {"Authorization": f"Bearer {token}"}
    found: list[tuple[str, str]] = []
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
        for search in [s for s in searches if s.kind == "zip_score"][:10]:
            page = client.get("/api/v1/properties", params=search.criteria)
            page.raise_for_status()
            intent = search.criteria["intent"]
            found += [(item["id"], intent) for item in page.json()["items"][:10]]
        if not found:
            raise RuntimeError("the searches found no leads: is the database scored?")
        lead_ids = []
        for property_id, intent in found[:20]:
            saved = client.post(
                "/api/v1/leads", json={"property_id": property_id, "lead_source": intent}
            )
            saved.raise_for_status()
            lead_ids.append(saved.json()["lead_id"])
    by_kind: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    for search in searches:
        by_kind[search.kind].append({"query": _query(search), "criteria": search.criteria})
    return {
        "token": token,
        "think_s": think_s,
        "searches": by_kind,
        "property_ids": [property_id for property_id, _ in found],
        "leads_to_save": found,
        "lead_ids": lead_ids,
    }


def sql_floor(url: str, searches: list[Search]) -> dict[str, list[float]]:
    """Milliseconds of each search as its SQL, directly, one connection, after a warm-up pass."""
    today = today_new_york()
    statements = [(search.kind, compiled(search, today)) for search in searches]
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    with psycopg.connect(url, options="-c timezone=America/New_York") as conn:
        for _, sql in statements:
            time_sql(conn, sql)
        for kind, sql in statements:
            timings[kind].append(time_sql(conn, sql)[0] * 1000)
    return timings


def _requests(data: dict[str, Any]) -> dict[str, Any]:
    """The scenario's requests as httpx calls (the same as bench/load_users.py's tasks)."""
    s, ids, leads = data["searches"], data["property_ids"], data["lead_ids"]

    def query(kind: str, n: int) -> str:
        return str(s[kind][n % len(s[kind])]["query"])

    return {
        "api search zip": lambda c, n: c.get(f"/api/v1/properties?{query('zip_score', n)}"),
        "api search indicator": lambda c, n: c.get(f"/api/v1/properties?{query('indicator', n)}"),
        "api search radius": lambda c, n: c.get(f"/api/v1/properties?{query('radius', n)}"),
        "api search polygon": lambda c, n: c.post(
            "/api/v1/properties/search", json=s["polygon"][n % len(s["polygon"])]["criteria"]
        ),
        "api count": lambda c, n: c.get(f"/api/v1/properties/count?{query('zip_score', n)}"),
        "page search": lambda c, n: c.get(f"/search?{query('zip_score', n)}"),
        "page dashboard": lambda c, n: c.get("/dashboard"),
        "page property": lambda c, n: c.get(f"/properties/{ids[n % len(ids)]}"),
        "page pipeline": lambda c, n: c.get("/leads"),
        "page lead": lambda c, n: c.get(f"/leads/{leads[n % len(leads)]}"),
        "api save lead": lambda c, n: c.post(
            "/api/v1/leads",
            json={
                "property_id": ids[n % len(ids)],
                "lead_source": data["leads_to_save"][n % len(ids)][1],
            },
        ),
        "api export csv": lambda c, n: c.get(
            f"/api/v1/properties/export.csv?{query('zip_score', n)}&max_rows=200"
        ),
    }


def cpu_per_request(
    running: Stack, data: dict[str, Any], samples: int
) -> dict[str, tuple[float, float]]:
    """Each request of the scenario alone, one after another (after 3 unmeasured): the CPU time
    the web processes spent per request (the machine's other load does not count in it, unlike
    in wall time), and the wall time per request. Milliseconds."""
    tree = _tree(running.serve.pid)
    headers = {"Authorization": f"Bearer {data['token']}"}
    figures = {}
    with httpx.Client(base_url=running.base_url, headers=headers, timeout=120) as client:
        for name, call in _requests(data).items():
            for n in range(3):
                call(client, n).raise_for_status()
            cpu_before, started = _cpu_seconds(tree), time.perf_counter()
            for n in range(samples):
                call(client, n).raise_for_status()
            wall = time.perf_counter() - started
            cpu = _cpu_seconds(tree) - cpu_before
            figures[name] = (round(cpu * 1000 / samples, 1), round(wall * 1000 / samples, 1))
    return figures


# --- during the run -----------------------------------------------------------------------------


class Sampler(threading.Thread):
    """Samples the database's server connections (pg_stat_activity) and, with workers, defers
    recorded heartbeat jobs for them, until stopped."""

    def __init__(self, url: str, defer_jobs: bool) -> None:
        super().__init__(daemon=True)
        self.url, self.defer_jobs = url, defer_jobs
        self.stopping = threading.Event()
        self.max_connections = 0  # of the database, ours excepted
        self.max_api_connections = 0  # the web processes' (directly or PgBouncer's)
        self.ticks: list[int] = []  # the heartbeats' fake ``timestamp`` argument, one per job

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            own = conn.info.backend_pid
            # Fake schedule ticks in the 1970s-90s: never a real periodic run's.
            tick = 10**8 + secrets.randbelow(8 * 10**8)
            while not self.stopping.wait(0.5):
                row = conn.execute(
                    "SELECT count(*), count(*) FILTER (WHERE application_name <> %s) "
                    "FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_type = 'client backend' AND pid <> %s",
                    (WORKER_APP, own),
                ).fetchone()
                if row:
                    self.max_connections = max(self.max_connections, int(row[0]))
                    self.max_api_connections = max(self.max_api_connections, int(row[1]))
                if self.defer_jobs:
                    for _ in range(JOBS_PER_SECOND // 2 or 1):
                        tick += 1
                        conn.execute(
                            "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('default', %s, 0, "
                            "NULL, NULL, %s::jsonb, NULL)::procrastinate_job_to_defer_v1])",
                            (HEARTBEAT, json.dumps({"timestamp": tick})),
                        )
                        self.ticks.append(tick)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)


def job_outcome(url: str, ticks: list[int], wait_s: float = 60) -> dict[str, int]:
    """The deferred heartbeats once the workers are done with them: how many ran, how many ran
    more than once (Procrastinate ``started`` events, job_runs rows), and how many were left."""
    deadline = time.monotonic() + wait_s
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            row = conn.execute(
                "SELECT count(*) FILTER (WHERE status = 'succeeded'), "
                "count(*) FILTER (WHERE status IN ('todo', 'doing')) "
                "FROM procrastinate_jobs WHERE task_name = %s "
                "AND (args->>'timestamp')::bigint = ANY(%s)",
                (HEARTBEAT, ticks),
            ).fetchone()
            succeeded, pending = (int(row[0]), int(row[1])) if row else (0, 0)
            if not pending or time.monotonic() > deadline:
                break
            time.sleep(1)
        twice_started = conn.execute(
            "SELECT count(*) FROM (SELECT j.id FROM procrastinate_jobs j "
            "JOIN procrastinate_events e ON e.job_id = j.id AND e.type = 'started' "
            "WHERE j.task_name = %s AND (j.args->>'timestamp')::bigint = ANY(%s) "
            "GROUP BY j.id HAVING count(*) > 1) twice",
            (HEARTBEAT, ticks),
        ).fetchone()
        runs = conn.execute(
            "SELECT count(*), count(DISTINCT detail->>'scheduled_for') FROM job_runs "
            "WHERE task_name = %s AND detail->>'scheduled_for' = ANY(%s)",
            (HEARTBEAT, [_new_york(tick) for tick in ticks]),
        ).fetchone()
    return {
        "jobs_deferred": len(ticks),
        "jobs_succeeded": succeeded,
        "jobs_pending": pending,
        "jobs_started_twice": int(twice_started[0]) if twice_started else 0,
        "job_runs": int(runs[0]) if runs else 0,
        "job_runs_duplicated": (int(runs[0]) - int(runs[1])) if runs else 0,
    }


def _new_york(tick: int) -> str:
    from propintel.jobs.tasks import _new_york as scheduled_for

    return str(scheduled_for(tick))


def _cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _named(name: str) -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["name"]) if p.info["name"] == name]


def run_locust(
    base_url: str,
    data: dict[str, Any],
    users: int,
    seconds: int,
    spawn_rate: int,
    out: Path,
    mix_name: str = "all",
) -> tuple[list[dict[str, str]], float, dict[str, float]]:
    """Locust headless; returns its stats rows, the run's wall time and the CPU seconds used
    by each process group meanwhile."""
    data_file = out / "load-data.json"
    data_file.write_text(json.dumps(data))
    prefix = out / "locust"
    env = {**os.environ, "PROPINTEL_LOAD_DATA": str(data_file)}
    args = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s", "--host", base_url,
        "--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
        USER_CLASSES[mix_name],
    ]  # fmt: skip
    cpu_before = psutil.cpu_times()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with (out / "locust.log").open("ab") as log:
        process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
        postgres_before = _cpu_seconds(_named("postgres"))
        process.wait(timeout=seconds + 300)  # its CPU time: in RUSAGE_CHILDREN once waited for
    wall = time.monotonic() - started
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_after = psutil.cpu_times()
    busy = (sum(cpu_after) - cpu_after.idle - cpu_after.iowait) - (
        sum(cpu_before) - cpu_before.idle - cpu_before.iowait
    )
    locust_s = (children_after.ru_utime + children_after.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    shares = {
        "machine_busy_cores": round(busy / wall, 2),
        "locust_cpu_s": round(locust_s, 1),
        # Backends that ended during the run are not counted: a lower bound.
        "postgres_cpu_s": round(_cpu_seconds(_named("postgres")) - postgres_before, 1),
    }
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise RuntimeError(f"locust wrote no statistics: {out / 'locust.log'}")
    with stats_file.open() as stats:
        return list(csv.DictReader(stats)), wall, shares


# --- the run -------------------------------------------------------------------------------------


def run(
    db: str = DEFAULT_DB,
    users: int = 50,
    seconds: int = 120,
    web_workers: int | None = None,
    with_pgbouncer: bool = False,
    parcels: int = 1_000_000,
    workdir: Path | None = None,
    seed: int = 7,
    spawn_rate: int = 10,
    per_kind: int = 40,
    think_s: float = 0.0,
    keep: bool = True,
    out: Path | None = None,
    mix_name: str = "all",
    cpu_samples: int = 10,
) -> Report:
    web_workers = web_workers or (2 if with_pgbouncer else (os.cpu_count() or 1))
    out = out or Path(tempfile.mkdtemp(prefix="propintel-load-"))
    out.mkdir(parents=True, exist_ok=True)
    workdir = workdir or ROOT / "bench" / "out" / f"import{parcels}"
    report = Report(
        "load",
        {
            "db": db, "users": users, "seconds": seconds, "web_workers": web_workers,
            "pgbouncer": with_pgbouncer, "job_workers": 2 if with_pgbouncer else 0,
            "think_s": think_s, "cpus": os.cpu_count(), "mix": mix_name,
        },
    )  # fmt: skip
    with database(db, parcels, workdir, seed, keep) as url:
        searches = mix(url, per_kind, seed)
        floor = sql_floor(url, searches)
        with stack(url, web_workers, with_pgbouncer, out) as running:
            data = user_data(url, running.base_url, searches, think_s)
            cpu = cpu_per_request(running, data, cpu_samples) if cpu_samples else {}
            report.parameters["loadavg_before"] = [round(x, 2) for x in os.getloadavg()]
            sampler = Sampler(url, defer_jobs=bool(running.workers))
            serve_tree = _tree(running.serve.pid)
            serve_before = _cpu_seconds(serve_tree)
            sampler.start()
            try:
                rows, wall, shares = run_locust(
                    running.base_url, data, users, seconds, spawn_rate, out, mix_name
                )
            finally:
                sampler.stop()
            shares["serve_cpu_s"] = round(_cpu_seconds(serve_tree) - serve_before, 1)
            report.parameters.update(shares, wall_s=round(wall, 1))
            report.parameters["max_db_connections"] = sampler.max_connections
            report.parameters["max_api_db_connections"] = sampler.max_api_connections
            if running.workers:
                report.parameters.update(job_outcome(url, sampler.ticks))
                report.parameters["workers_alive"] = sum(
                    1 for worker in running.workers if worker.poll() is None
                )
    _report(report, rows, floor)
    for name, (cpu_ms, wall_ms) in cpu.items():
        report.add(f"cpu {name}", cpu_ms / 1000, app_cpu_ms=cpu_ms, alone_wall_ms=wall_ms)
    report.parameters["out"] = str(out)
    return report


def _ms(value: str) -> float:
    return float(value) if value not in ("", "N/A") else 0.0


def _report(report: Report, rows: list[dict[str, str]], floor: dict[str, list[float]]) -> None:
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        figures = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 1),
            "p50_ms": _ms(row["50%"]),
            "p95_ms": _ms(row["95%"]),
            "p99_ms": _ms(row["99%"]),
        }
        report.add(name, figures["p95_ms"] / 1000, **figures)
        if name == "all requests":
            report.parameters.update(
                rps=figures["rps"], failures=figures["failures"], requests=figures["requests"]
            )
    for kind, timings in floor.items():
        report.add(
            f"sql floor {kind}",
            percentile(timings, 0.95) / 1000,
            searches=len(timings),
            p50_ms=round(statistics.median(timings), 2),
            p95_ms=round(percentile(timings, 0.95), 2),
        )


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=DEFAULT_DB, help="Benchmark database (built if missing).")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--spawn-rate", type=int, default=10, help="Users started per second.")
    parser.add_argument(
        "--web-workers", type=int, help="API processes (default: CPU cores; 2 with PgBouncer)."
    )
    parser.add_argument(
        "--pgbouncer", action="store_true", help="API through PgBouncer + two direct workers."
    )
    parser.add_argument(
        "--mix", choices=sorted(USER_CLASSES), default="all", help="api: API requests only."
    )
    parser.add_argument(
        "--cpu-samples", type=int, default=10, help="Requests of each kind timed alone first."
    )
    parser.add_argument("--think", type=float, default=0.0, help="Seconds between requests.")
    parser.add_argument("--parcels", type=int, default=1_000_000, help="When building the DB.")
    parser.add_argument("--workdir", type=Path, help="Generated files (reused when they match).")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-kind", type=int, default=40, help="Searches of each kind.")
    parser.add_argument("--scratch", action="store_true", help="Drop the database afterwards.")
    parser.add_argument("--out", type=Path, help="Locust's CSV files and the logs.")
    args = parser.parse_args(argv)
    report = run(
        db=args.db,
        users=args.users,
        seconds=args.seconds,
        web_workers=args.web_workers,
        with_pgbouncer=args.pgbouncer,
        parcels=args.parcels,
        workdir=args.workdir,
        seed=args.seed,
        spawn_rate=args.spawn_rate,
        per_kind=args.per_kind,
        think_s=args.think,
        keep=not args.scratch,
        out=args.out,
        mix_name=args.mix,
        cpu_samples=args.cpu_samples,
    )
    report.print()
    return report


if __name__ == "__main__":
    main()
