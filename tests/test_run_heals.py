"""`propintel run` through a database restart and a killed worker (issue 18, items 1 and 2).

Before: a ~10 s database outage ended the worker with status 0, the runner then stopped the web
server and PostgreSQL, and searches got 500. Now the stack stays up: searches answer 503 with
Retry-After while the database is down (the runner starts the embedded PostgreSQL again) and 200
after; a worker killed with SIGKILL is started again; the workers go on running the schedule.
One real stack on a private embedded cluster (its own data directory and ports)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import psycopg
import pytest

from propintel.config import Settings
from propintel.db.embedded import EmbeddedCluster

PASSWORD = "heal-the-stack-1"
EMAIL = "healing@example.com"
SEARCH = "/api/v1/properties?limit=5"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Stack:
    runner: subprocess.Popen[bytes]
    url: str
    env: dict[str, str]
    output: Path
    cluster: EmbeddedCluster

    def said(self, text: str) -> bool:
        return text in self.output.read_text(errors="replace")

    def children(self) -> dict[psutil.Process, list[str]]:
        """The runner's live children and their command lines (a child just killed is a zombie
        until the runner reaps it, with no command line to read: left out)."""
        found = {}
        for child in psutil.Process(self.runner.pid).children():
            try:
                found[child] = child.cmdline()
            except (psutil.ZombieProcess, psutil.NoSuchProcess):
                continue
        return found

    def worker(self, bulk: bool) -> psutil.Process:
        [found] = [
            child
            for child, command in self.children().items()
            if "worker" in command and ("bulk" in command) is bulk
        ]
        return found


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data_dir = tmp_path_factory.mktemp("stack")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PROPINTEL_DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", "PROPINTEL_LOG_FILE")
    }
    db_port, web_port = _free_port(), _free_port()
    env |= {
        "PROPINTEL_DATA_DIR": str(data_dir),
        "PROPINTEL_EMBEDDED_PORT": str(db_port),
        "PORT": str(web_port),
        "PROPINTEL_WEB_WORKERS": "1",
        "PROPINTEL_WORKER_CONCURRENCY": "2",
    }
    output = data_dir / "run.out"
    with output.open("wb") as sink:
        runner = subprocess.Popen(
            [sys.executable, "-m", "propintel", "run", "--no-demo"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    cluster = EmbeddedCluster.from_settings(Settings(data_dir=data_dir, embedded_port=db_port))
    stack = Stack(runner, f"http://127.0.0.1:{web_port}", env, output, cluster)
    try:
        wait_until(lambda: _answers(stack.url + "/healthz") == 200, 300, "the stack to start")
        subprocess.run(
            [sys.executable, "-m", "propintel", "users", "create", "--email", EMAIL,
             "--password", PASSWORD, "--type", "subscriber", "--plan", "full"],
            env=env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        yield stack
    finally:
        runner.send_signal(signal.SIGINT)
        try:
            runner.wait(timeout=90)
        except subprocess.TimeoutExpired:
            runner.kill()
            cluster.stop()


def _answers(url: str, headers: dict[str, str] | None = None) -> int | None:
    try:
        return httpx.get(url, headers=headers, timeout=10).status_code
    except httpx.TransportError:
        return None


def _bearer(stack: Stack) -> dict[str, str]:
    response = httpx.post(
        stack.url + "/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD}, timeout=30
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _heartbeats_finished_after(stack: Stack, moment: float) -> int:
    """Runs of the every-minute heartbeat that ended after ``moment`` (Unix time)."""
    with psycopg.connect(stack.cluster.url("propintel"), connect_timeout=5) as conn:
        row = conn.execute(
            "SELECT count(*) FROM job_runs WHERE task_name = 'maintenance.heartbeat' "
            "AND outcome = 'ok' AND finished_at > timezone('America/New_York', to_timestamp(%s))",
            (moment,),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_a_database_restart_leaves_the_stack_up(stack: Stack) -> None:
    headers = _bearer(stack)
    assert _answers(stack.url + SEARCH, headers) == 200
    children = {child.pid for child in stack.children()}

    stack.cluster.stop()  # PostgreSQL goes away under the running stack
    during = httpx.get(stack.url + SEARCH, headers=headers, timeout=30)
    assert during.status_code == 503 and during.headers["Retry-After"] == "5"

    wait_until(lambda: _answers(stack.url + SEARCH, headers) == 200, 120, "searches to recover")
    back_at = time.time()
    assert stack.said("the embedded PostgreSQL stopped: starting it again")
    assert stack.runner.poll() is None
    assert {child.pid for child in stack.children()} == children  # nobody had to be restarted
    wait_until(lambda: _heartbeats_finished_after(stack, back_at) > 0, 150, "the schedule to run")


def test_a_killed_worker_is_started_again(stack: Stack) -> None:
    worker = stack.worker(bulk=False)
    worker.send_signal(signal.SIGKILL)
    wait_until(
        lambda: any(
            "worker" in command and "bulk" not in command and child.pid != worker.pid
            for child, command in stack.children().items()
        ),
        60,
        "the worker to be started again",
    )
    assert stack.said("the worker stopped (status -9)")
    assert stack.runner.poll() is None
    restarted_at = time.time()
    wait_until(lambda: _heartbeats_finished_after(stack, restarted_at) > 0, 150, "a job to run")
