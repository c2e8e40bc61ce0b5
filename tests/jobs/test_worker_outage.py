"""A worker through a database outage (issue 18, item 1): before, Procrastinate's listener lost
its connection and the worker ended with status 0; now it waits, reconnects and goes on taking
jobs. A worker that keeps failing while the database answers gives up (non-zero exit)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from propintel.jobs import cli as jobs_cli
from propintel.jobs.app import POOL_TIMEOUT_S, JobApp
from propintel.jobs.worker import Backoff, WorkerFailed, run_worker
from tests.jobs.held_jobs import HELD, held_jobs_app
from tests.jobs.test_stalled import defer, status_of, wait_for_status
from tests.outage import outage_proxy

QUICK = Backoff(first=0.1, longest=0.5)


async def test_the_worker_waits_through_an_outage_and_takes_jobs_after_it(
    jobs_engine: AsyncEngine,
    jobs_database_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    no_hold = tmp_path / "absent"  # the held job runs straight through
    async with outage_proxy(jobs_database_url) as proxy:
        worker = asyncio.create_task(
            run_worker(held_jobs_app(proxy.url), install_signal_handlers=False, backoff=QUICK)
        )
        with caplog.at_level(logging.WARNING, logger="propintel.worker"):
            before = await defer(jobs_database_url, HELD, no_hold, "mark-before")
            await wait_for_status(jobs_engine, before, "succeeded")

            await proxy.cut()
            during = await defer(jobs_database_url, HELD, no_hold, "mark-during")
            # Past the pool's 10 s wait for a connection: the worker's queries fail, it stops.
            await asyncio.sleep(POOL_TIMEOUT_S + 6)
            assert await status_of(jobs_engine, during) == "todo"
            assert not worker.done()  # before: the worker had ended, status 0

            await proxy.restore()
            await wait_for_status(jobs_engine, during, "succeeded")
            after = await defer(jobs_database_url, HELD, no_hold, "mark-after")
            await wait_for_status(jobs_engine, after, "succeeded")
            assert not worker.done()
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    # One line for the outage: "unavailable" when the worker noticed it while it lasted (then
    # "back after" when it ended), "lost its connection" when the database was back by then.
    messages = [
        record.getMessage() for record in caplog.records if record.name == "propintel.worker"
    ]
    noticed = [m for m in messages if m.startswith(("database unavailable", "the worker lost"))]
    assert len(noticed) == 1, messages
    if noticed[0].startswith("database unavailable"):
        assert any(m.startswith("database back after") for m in messages), messages


async def test_a_worker_that_keeps_failing_with_the_database_up_gives_up(
    jobs_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = held_jobs_app(jobs_database_url)
    attempts = 0

    async def broken_worker(self: JobApp, **options: object) -> None:
        nonlocal attempts
        attempts += 1
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(JobApp, "run_worker_async", broken_worker)
    with pytest.raises(WorkerFailed, match="a bug, not an outage"):
        await run_worker(app, install_signal_handlers=False, backoff=QUICK)
    assert attempts == 5


def test_the_worker_command_exits_non_zero_when_it_gives_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def gives_up(*args: object, **kwargs: object) -> None:
        raise WorkerFailed("the worker keeps stopping: RuntimeError: boom")

    monkeypatch.setattr(jobs_cli, "_database_ready", lambda: "postgresql://unused/db")
    monkeypatch.setattr(jobs_cli, "run_worker", gives_up)
    import typer

    command = typer.Typer()
    command.command()(jobs_cli.worker)
    result = CliRunner().invoke(command, [])
    assert result.exit_code == 1
