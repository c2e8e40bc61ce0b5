"""`propintel run`: what `make run` starts. Database, migrations, demo data on first start,
the job worker and the web server; Ctrl-C stops everything it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from rich.console import Console

from propintel.config import get_settings
from propintel.db.cli import prepare_database
from propintel.db.embedded import EmbeddedCluster
from propintel.demo.accounts import ensure_demo_data

console = Console()


def _spawn(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A child in its own session: Ctrl-C reaches only us, and we stop each child exactly once
    (a second signal would cut a worker's graceful shutdown short)."""
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "propintel", *args], start_new_session=True, env=env
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
    children = [_spawn("worker", env=env), _spawn("serve", env=env)]
    url = f"http://{settings.host}:{settings.port}"
    _wait_until_serving(url, children[1])
    if children[1].poll() is None:
        _print_banner(url, logins, log_file)
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


def _wait_until_serving(url: str, server: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    """Until the web server answers ``/healthz``, exits, or the time is up."""
    deadline = time.monotonic() + timeout_s
    with console.status("starting the web server and the worker…"):
        while time.monotonic() < deadline and server.poll() is None:
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


def _stop_children(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
