"""The supervisor behind `propintel run`: a child that stops is started again after a growing
pause; one that keeps failing quickly makes it give up. Fake processes, fake clock."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Sequence

from propintel.kit.supervisor import (
    LONGEST_PAUSE_S,
    MAX_QUICK_FAILURES,
    QUICK_FAILURE_S,
    Child,
    GaveUp,
    Supervisor,
)


class FakeProcess:
    def __init__(self, args: Sequence[str]) -> None:
        self.args = tuple(args)
        self.status: int | None = None
        self.signals: list[int] = []
        self.ignores_sigterm = False
        self.killed = False

    def poll(self) -> int | None:
        return self.status

    def send_signal(self, sig: int) -> None:
        self.signals.append(sig)
        if not self.ignores_sigterm:
            self.status = -sig

    def wait(self, timeout: float | None = None) -> int:
        if self.status is None:
            raise subprocess.TimeoutExpired(list(self.args), timeout or 0)
        return self.status

    def kill(self) -> None:
        self.killed = True
        self.status = -9


class Harness:
    def __init__(self) -> None:
        self.spawned: list[FakeProcess] = []
        self.lines: list[str] = []
        self.supervisor = Supervisor(
            [Child("web server", ("serve",)), Child("worker", ("worker",))],
            spawn=self.spawn,
            report=self.lines.append,
        )

    def spawn(self, args: Sequence[str]) -> FakeProcess:
        process = FakeProcess(args)
        self.spawned.append(process)
        return process

    def current(self, name: str) -> FakeProcess:
        [child] = [c for c in self.supervisor.children if c.name == name]
        assert isinstance(child.process, FakeProcess)
        return child.process


def test_a_crashed_child_is_restarted_after_a_pause_and_the_others_keep_running() -> None:
    harness = Harness()
    harness.supervisor.start_all(now=0)
    web = harness.current("web server")
    worker = harness.current("worker")
    worker.status = 1  # crashed after 100 s
    assert harness.supervisor.tick(now=100) is None
    assert harness.lines == ["the worker stopped (status 1) after 100 s: starting it again in 1 s"]
    assert harness.supervisor.tick(now=100.5) is None
    assert harness.current("worker") is worker  # still pausing
    assert harness.supervisor.tick(now=101) is None
    assert harness.current("worker") is not worker and harness.current("worker").args == ("worker",)
    assert harness.current("web server") is web and web.signals == []
    assert len(harness.spawned) == 3


def test_pauses_double_while_a_child_fails_quickly_then_it_gives_up() -> None:
    harness = Harness()
    harness.supervisor.start_all(now=0)
    now, pauses = 0.0, []
    for _ in range(MAX_QUICK_FAILURES - 1):
        harness.current("web server").status = 3
        now += 2  # each run lasts 2 s: a quick failure
        assert harness.supervisor.tick(now) is None
        [child] = [c for c in harness.supervisor.children if c.name == "web server"]
        assert child.restart_at is not None
        pauses.append(child.restart_at - now)
        now = child.restart_at
        harness.supervisor.tick(now)
    assert pauses == [1, 2, 4, 8]
    harness.current("web server").status = 3
    assert harness.supervisor.tick(now + 2) is GaveUp
    assert "giving up" in harness.lines[-1] and "web server" in harness.lines[-1]


def test_a_child_that_ran_long_starts_counting_again() -> None:
    harness = Harness()
    harness.supervisor.start_all(now=0)
    now = 0.0
    for _ in range(MAX_QUICK_FAILURES * 2):  # never gives up: every run outlives the quick window
        harness.current("worker").status = -9
        now += QUICK_FAILURE_S + 1
        assert harness.supervisor.tick(now) is None
        [child] = [c for c in harness.supervisor.children if c.name == "worker"]
        assert child.restart_at == now + 1
        now = child.restart_at
        harness.supervisor.tick(now)
    assert len(harness.spawned) == 2 + MAX_QUICK_FAILURES * 2


def test_the_pause_is_capped() -> None:
    harness = Harness()
    harness.supervisor.max_quick_failures = 100
    harness.supervisor.start_all(now=0)
    now = 0.0
    for _ in range(10):
        harness.current("worker").status = 1
        now += 1
        harness.supervisor.tick(now)
        [child] = [c for c in harness.supervisor.children if c.name == "worker"]
        assert child.restart_at is not None
        assert child.restart_at - now <= LONGEST_PAUSE_S
        now = child.restart_at
        harness.supervisor.tick(now)
    assert child.restart_at is None and "in 30 s" in harness.lines[-1]


def test_stop_all_terminates_then_kills_what_ignores_it() -> None:
    harness = Harness()
    harness.supervisor.start_all(now=0)
    stubborn = harness.current("worker")
    stubborn.ignores_sigterm = True
    harness.supervisor.stop_all()
    assert harness.current("web server").signals == [signal.SIGTERM]
    assert stubborn.signals == [signal.SIGTERM] and stubborn.killed
