"""Running a worker that outlives database outages.

Procrastinate's worker stops itself — and returns as if asked to — when one of its side tasks
(the LISTEN connection, the heartbeat) loses the database, and raises when fetching a job does.
Left alone, a ten-second database restart would end the worker with status 0. ``run_worker`` runs
it in a loop instead: when it stops without being asked, the database is probed until it answers
(with growing pauses, one log line when the outage begins and one when it ends) and a new worker
starts on a fresh connection pool. Jobs the lost worker was running stay ``doing`` under its
stale heartbeat until the stalled-job sweep retries or fails them (``jobs.stalled``).

An error that is not an outage (the database answers, yet the worker keeps failing at once) is
fatal: after ``MAX_QUICK_FAILURES`` the error is raised, and ``propintel worker`` exits non-zero.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from procrastinate.app import WorkerOptions

from propintel.db.availability import database_answers, database_unreachable
from propintel.db.engine import create_engine_for
from propintel.jobs.app import ENGINE_KEY, JobApp

logger = logging.getLogger("propintel.worker")

MAX_QUICK_FAILURES = 5  # in a row, each within QUICK_FAILURE_S of its start, the database up
QUICK_FAILURE_S = 60.0


class WorkerFailed(RuntimeError):
    """The worker keeps stopping while the database answers: not an outage, a fault."""


@dataclass(frozen=True)
class Backoff:
    """Pauses between attempts: ``first``, doubling up to ``longest``."""

    first: float = 0.5
    longest: float = 15.0

    def pauses(self) -> Callable[[], float]:
        pause = self.first / 2

        def next_pause() -> float:
            nonlocal pause
            pause = min(pause * 2, self.longest)
            return pause

        return next_pause


async def run_worker(
    app: JobApp,
    *,
    wait: bool = True,
    concurrency: int = 1,
    queues: Sequence[str] | None = None,
    install_signal_handlers: bool = True,
    backoff: Backoff = Backoff(),
) -> None:
    """Run jobs (and defer periodic ones) until stopped; with ``wait=False``, until none is left.

    Stops gracefully on SIGINT/SIGTERM (or cancellation): running jobs finish first. Survives
    database outages (see the module's docstring).
    """
    engine = create_engine_for(app.database_url, pool_size=concurrency)
    options: WorkerOptions = {
        "wait": wait,
        "concurrency": concurrency,
        "install_signal_handlers": False,  # ours stop the loop below, not one worker of it
        "additional_context": {ENGINE_KEY: engine},
    }
    if queues:  # Procrastinate's default: every queue
        options["queues"] = list(queues)
    stop = asyncio.Event()
    try:
        with _stopped_by_signals(stop) if install_signal_handlers else contextlib.nullcontext():
            await _keep_working(app, options, stop, backoff, wait=wait)
    finally:
        await engine.dispose()


async def _keep_working(
    app: JobApp, options: WorkerOptions, stop: asyncio.Event, backoff: Backoff, *, wait: bool
) -> None:
    quick_failures = 0
    while not stop.is_set():
        started = time.monotonic()
        error = await _one_worker(app, options, stop)
        if stop.is_set() or (error is None and not wait):
            return
        if not await database_answers(app.database_url):
            await _wait_for_database(app.database_url, stop, backoff, error)
            quick_failures = 0
            continue
        if error is not None and database_unreachable(error):
            logger.warning(
                "the worker lost its database connection (%s); the database answers again: "
                "starting it again",
                _describe(error),
            )
            continue
        quick = time.monotonic() - started < QUICK_FAILURE_S
        quick_failures = quick_failures + 1 if quick else 1
        logger.error(
            "the worker stopped (%s) while the database answers: starting it again (%d/%d)",
            _describe(error),
            quick_failures,
            MAX_QUICK_FAILURES,
        )
        if quick_failures >= MAX_QUICK_FAILURES:
            raise WorkerFailed(f"the worker keeps stopping: {_describe(error)}") from error
        await _pause(stop, backoff.pauses()())


async def _one_worker(
    app: JobApp, options: WorkerOptions, stop: asyncio.Event
) -> BaseException | None:
    """Run one Procrastinate worker on a fresh pool until it ends or ``stop`` is set; returns the
    error it ended with, if any. On ``stop`` it is cancelled, which Procrastinate turns into a
    graceful stop (running jobs finish)."""

    async def work() -> None:
        async with app.open_async():
            await app.run_worker_async(**options)

    worker = asyncio.create_task(work(), name="procrastinate worker")
    stopping = asyncio.create_task(stop.wait(), name="stop request")
    try:
        await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not worker.done():
            worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait({worker})
    if worker.cancelled():
        return None
    return worker.exception()


async def _wait_for_database(
    url: str, stop: asyncio.Event, backoff: Backoff, error: BaseException | None
) -> None:
    """Probe until the database answers (or ``stop``): one line at the start, one at the end."""
    lost_at = time.monotonic()
    logger.warning("database unavailable (%s): the worker waits and reconnects", _describe(error))
    next_pause = backoff.pauses()
    while not stop.is_set():
        await _pause(stop, next_pause())
        if await database_answers(url):
            logger.warning(
                "database back after %.1f s: the worker starts again", time.monotonic() - lost_at
            )
            return


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


def _describe(error: BaseException | None) -> str:
    if error is None:
        return "its connection to the database failed"
    cause = error.__cause__ or error.__context__
    described = f"{type(error).__name__}: {error}"
    return f"{described} ({type(cause).__name__}: {cause})" if cause else described


@contextlib.contextmanager
def _stopped_by_signals(stop: asyncio.Event) -> Iterator[asyncio.Event]:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        yield stop
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
