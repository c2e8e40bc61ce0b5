"""`propintel run`: what `make run` starts. Database, migrations, demo data on first start,
the job worker and the web server; Ctrl-C stops everything it started."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from rich.console import Console

from propintel.config import get_settings
from propintel.db.cli import prepare_database
from propintel.db.embedded import EmbeddedCluster

console = Console()


def _spawn(*args: str) -> subprocess.Popen[bytes]:
    """A child in its own session: Ctrl-C reaches only us, and we stop each child exactly once
    (a second signal would cut a worker's graceful shutdown short)."""
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "propintel", *args], start_new_session=True
    )


def run_everything(*, demo: bool = True) -> int:
    settings = get_settings()
    console.print("[bold]PropIntel[/bold]: preparing the database…")
    cluster = EmbeddedCluster.from_settings(settings) if settings.uses_embedded_database else None
    started_cluster = cluster.start() if cluster else False  # False: it was already running
    prepare_database()
    if demo:
        from propintel.demo.accounts import ensure_demo_data

        logins = ensure_demo_data(settings)
        _print_logins(logins)
    children = [_spawn("worker"), _spawn("serve")]
    console.print(f"Open http://{settings.host}:{settings.port}  (Ctrl-C stops everything)")
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for child in children:
            if child.poll() is not None:
                console.print(f"[red]a child process exited ({child.args!r}): stopping[/red]")
                stopping, exit_code = True, 1
        time.sleep(0.5)
    _stop_children(children)
    if cluster and started_cluster:  # only what we started: others may be using it
        cluster.stop()
        console.print("embedded PostgreSQL stopped")
    return exit_code


def _stop_children(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


def _print_logins(logins: list[dict[str, str]]) -> None:
    console.print("[bold]Demo logins[/bold] (development data):")
    for login in logins:
        console.print(f"  {login['label']:<22} {login['email']:<32} {login['password']}")
