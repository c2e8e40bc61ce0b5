"""`propintel run`: what `make run` starts. Database, migrations, demo data on first start, the
job workers and the web server; a child that stops is started again (``supervisor.py``), and so is
the embedded PostgreSQL; Ctrl-C stops everything it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx
from rich.console import Console

from propintel.config import get_settings
from propintel.db.cli import prepare_database
from propintel.db.embedded import EmbeddedCluster, EmbeddedDatabaseError
from propintel.demo.accounts import ensure_demo_data
from propintel.jobs.registry import BULK_QUEUE, QUEUES
from propintel.kit.supervisor import Child, GaveUp, Supervisor
from propintel.web.metrics import MULTIPROC_ENV, prepare_multiprocess_dir

console = Console()


# What `propintel run` starts besides the database. The bulk queue (imports, the score refresh,
# backups) has a worker of its own, one job at a time, so a payment never waits behind an import.
CHILDREN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("web server", ("serve",)),
    ("worker", ("worker", *(arg for q in QUEUES if q != BULK_QUEUE for arg in ("--queue", q)))),
    ("bulk worker", ("worker", "--queue", BULK_QUEUE, "--concurrency", "1")),
)
DATABASE_CHECK_S = 5.0


def _spawn(args: Sequence[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """A child in its own session: Ctrl-C reaches only us, and we stop each child exactly once
    (a second signal would cut a worker's graceful shutdown short)."""
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "propintel", *args], start_new_session=True, env=dict(env)
    )


def run_everything(*, demo: bool = True) -> int:
    settings = get_settings()
    console.print("[bold]PropIntel[/bold]: preparing the database…")
    cluster = EmbeddedCluster.from_settings(settings) if settings.uses_embedded_database else None
    started_cluster = cluster.start() if cluster else False  # False: it was already running
    if not _port_is_free(settings.host, settings.port):
        console.print(
            f"[red]{settings.host}:{settings.port} is already in use[/red] (another PropIntel, or "
            "another server): stop it, or start on another port, e.g. `PORT=9000 make run`."
        )
        if cluster and started_cluster:
            cluster.stop()
        return 1
    prepare_database()
    logins = ensure_demo_data(settings, console) if demo else []
    log_file = settings.log_file or settings.data_dir / "logs" / "propintel.log"
    env = {**os.environ, "PROPINTEL_LOG_FILE": str(log_file)}
    # One /metrics for every child: their samples meet in this directory, emptied at each start.
    metrics_dir = Path(env.get(MULTIPROC_ENV) or settings.data_dir / "metrics")
    env[MULTIPROC_ENV] = str(prepare_multiprocess_dir(metrics_dir))
    supervisor = Supervisor(
        [Child(name, args) for name, args in CHILDREN],
        spawn=lambda args: _spawn(args, env),
        report=lambda line: console.print(f"[yellow]{line}[/yellow]"),
    )
    supervisor.start_all(time.monotonic())
    url = f"http://{settings.host}:{settings.port}"
    web_server = supervisor.children[0]
    _wait_until_serving(url, web_server)
    if web_server.running:
        _print_banner(url, logins, log_file)
    exit_code = _supervise(supervisor, cluster if started_cluster else None)
    supervisor.stop_all()
    if cluster and started_cluster:  # only what we started: others may be using it
        cluster.stop()
        console.print("embedded PostgreSQL stopped")
    return exit_code


def _supervise(supervisor: Supervisor, cluster: EmbeddedCluster | None) -> int:
    """Until Ctrl-C or SIGTERM (0), or a child that keeps failing (1): restart what stops."""
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    database_checked = time.monotonic()
    while not stopping:
        now = time.monotonic()
        if supervisor.tick(now) is GaveUp:
            return 1
        if cluster and now - database_checked >= DATABASE_CHECK_S:
            database_checked = now
            _restart_database_if_down(cluster)
        time.sleep(0.5)
    return 0


def _restart_database_if_down(cluster: EmbeddedCluster) -> None:
    """The embedded PostgreSQL we started has stopped: start it again (the web answers 503 and
    the workers wait meanwhile); a failure is reported and tried again at the next check."""
    if cluster.is_running():
        return
    console.print("[yellow]the embedded PostgreSQL stopped: starting it again[/yellow]")
    try:
        cluster.start()
    except EmbeddedDatabaseError as error:
        console.print(f"[red]it did not start[/red]: {error}")
        return
    console.print("[green]the embedded PostgreSQL is back[/green]")


def _port_is_free(host: str, port: int) -> bool:
    """Whether the web server can listen there: checked first, so a server already answering on
    the port is never mistaken for ours."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _wait_until_serving(url: str, server: Child, timeout_s: float = 60) -> None:
    """Until the web server answers ``/healthz``, exits, or the time is up."""
    deadline = time.monotonic() + timeout_s
    with console.status("starting the web server and the workers…"):
        while time.monotonic() < deadline and server.running:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)


def _print_banner(url: str, logins: list[dict[str, str]], log_file: Path) -> None:
    """The last thing on screen: where to go, who to log in as, where the logs are."""
    console.rule("[bold]PropIntel is running")
    if logins:
        console.print("[bold]Demo logins[/bold] (development data):")
        for login in logins:
            console.print(f"  {login['label']:<22} {login['email']:<32} {login['password']}")
    console.print(f"Logs (JSON lines): {log_file}  (warnings and errors also appear here)")
    console.print(f"[bold]Open {url}[/bold]  (Ctrl-C stops everything)")
