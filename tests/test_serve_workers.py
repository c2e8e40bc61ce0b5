"""`propintel serve` runs PROPINTEL_WEB_WORKERS processes: /healthz is answered by two different
worker processes (seen in the process tree: which child holds each accepted connection)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import psutil
import pytest

from propintel.config import Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def two_worker_server() -> Iterator[tuple[psutil.Process, int]]:
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "PROPINTEL_WEB_WORKERS": "2"}
    process = subprocess.Popen(
        [sys.executable, "-m", "propintel", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180  # two interpreters import the app on a busy machine
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "propintel serve exited"
            assert time.monotonic() < deadline, "propintel serve did not answer /healthz"
            time.sleep(0.3)
        yield psutil.Process(process.pid), port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _serving_pid(workers: list[psutil.Process], port: int, client_port: int) -> int | None:
    """The worker holding the server side of the connection from ``client_port``."""
    for worker in workers:
        for connection in worker.net_connections(kind="tcp"):
            if (
                connection.laddr.port == port
                and connection.raddr
                and (connection.raddr.port == client_port)
            ):
                return worker.pid
    return None


def test_serve_answers_from_as_many_processes_as_configured(
    two_worker_server: tuple[psutil.Process, int],
) -> None:
    supervisor, port = two_worker_server
    # Both workers up (each answers once it has imported the app; the supervisor waits for none).
    deadline = time.monotonic() + 180
    workers: list[psutil.Process] = []
    serving: set[int] = set()
    clients: list[httpx.Client] = []
    try:
        while len(serving) < 2 and time.monotonic() < deadline:
            workers = [
                child
                for child in supervisor.children()
                if "spawn_main" in " ".join(child.cmdline())
            ]
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
            clients.append(client)  # kept open: its connection stays with the worker it reached
            assert client.get("/healthz").status_code == 200
            client_ports = {
                c.laddr.port
                for c in psutil.Process().net_connections(kind="tcp")
                if c.raddr and c.raddr.port == port and c.status == psutil.CONN_ESTABLISHED
            }
            serving |= {
                pid for p in client_ports if (pid := _serving_pid(workers, port, p)) is not None
            }
            time.sleep(0.05)
    finally:
        for client in clients:
            client.close()
    assert len(workers) == 2
    assert serving == {worker.pid for worker in workers}


def test_web_workers_default_to_the_cpu_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROPINTEL_WEB_WORKERS", raising=False)
    assert Settings().web_workers == (os.cpu_count() or 1)
    monkeypatch.setenv("PROPINTEL_WEB_WORKERS", "1")
    assert Settings().web_workers == 1
