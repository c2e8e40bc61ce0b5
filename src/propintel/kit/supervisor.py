"""Keeping child processes up: one that stops is started again after a pause that doubles while
it keeps failing quickly; after ``MAX_QUICK_FAILURES`` quick failures in a row the supervisor gives
up (something is wrong that a restart will not mend). ``propintel run`` supervises the web server
and the workers with it.

The supervisor is driven by ``tick(now)`` so that it can be tested with fake processes and clocks.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

MAX_QUICK_FAILURES = 5
QUICK_FAILURE_S = 30.0  # a child that ran less than this before stopping failed quickly
FIRST_PAUSE_S = 1.0
LONGEST_PAUSE_S = 30.0
STOP_TIMEOUT_S = 15.0


class Process(Protocol):
    """What the supervisor needs of a ``subprocess.Popen``."""

    def poll(self) -> int | None: ...
    def send_signal(self, sig: int) -> None: ...
    def wait(self, timeout: float | None = None) -> int: ...
    def kill(self) -> None: ...


class GaveUp:
    """``tick``'s answer when a child failed too often: stop everything."""


@dataclass
class Child:
    name: str
    args: tuple[str, ...]
    process: Process | None = None
    started_at: float = 0.0
    quick_failures: int = 0
    restart_at: float | None = None  # set while it waits to be started again

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Supervisor:
    children: list[Child]
    spawn: Callable[[Sequence[str]], Process]
    report: Callable[[str], None] = print
    max_quick_failures: int = MAX_QUICK_FAILURES

    def start_all(self, now: float) -> None:
        for child in self.children:
            self._start(child, now)

    def tick(self, now: float) -> type[GaveUp] | None:
        """Notice children that stopped, start those whose pause is over; ``GaveUp`` when one
        failed quickly ``max_quick_failures`` times in a row."""
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._start(child, now)
                continue
            assert child.process is not None
            status = child.process.poll()
            if status is None:
                continue
            ran_for = now - child.started_at
            child.quick_failures = child.quick_failures + 1 if ran_for < QUICK_FAILURE_S else 1
            if child.quick_failures >= self.max_quick_failures:
                self.report(
                    f"the {child.name} stopped (status {status}) {child.quick_failures} times in a "
                    f"row within {QUICK_FAILURE_S:.0f} s of starting: giving up, stopping "
                    "everything (see the log)"
                )
                return GaveUp
            pause = min(FIRST_PAUSE_S * 2 ** (child.quick_failures - 1), LONGEST_PAUSE_S)
            child.restart_at = now + pause
            self.report(
                f"the {child.name} stopped (status {status}) after {ran_for:.0f} s: starting it "
                f"again in {pause:.0f} s"
            )
        return None

    def stop_all(self) -> None:
        """SIGTERM to every running child, then a kill for those still up after the timeout."""
        running = [child.process for child in self.children if child.running]
        for process in running:
            assert process is not None
            process.send_signal(signal.SIGTERM)
        for process in running:
            assert process is not None
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()

    def _start(self, child: Child, now: float) -> None:
        child.process = self.spawn(child.args)
        child.started_at = now
        child.restart_at = None
