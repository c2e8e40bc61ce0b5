"""`propintel worker`: run background jobs and the periodic schedule."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import typer
from sqlalchemy.exc import OperationalError

from propintel.config import get_settings
from propintel.db import migrate
from propintel.db.cli import prepare_database
from propintel.db.embedded import EmbeddedDatabaseError
from propintel.db.urls import database_url, redacted
from propintel.jobs.app import build_job_app
from propintel.jobs.schedule import SCHEDULE
from propintel.jobs.worker import WorkerFailed, run_worker
from propintel.kit.logging import configure_logging

logger = logging.getLogger("propintel.worker")


def worker(
    once: Annotated[
        bool,
        typer.Option(
            "--once", help="Run the jobs waiting now, then exit (defers no periodic job)."
        ),
    ] = False,
    concurrency: Annotated[
        int | None,
        typer.Option(
            min=1, help="How many jobs run at the same time (default PROPINTEL_WORKER_CONCURRENCY)."
        ),
    ] = None,
    queue: Annotated[
        list[str] | None,
        typer.Option(
            "--queue", "-q", help="Take jobs from this queue only (repeatable). Default: all."
        ),
    ] = None,
) -> None:
    """Run background jobs and the periodic schedule until Ctrl-C or SIGTERM.

    Stopping lets the jobs already running finish. Run as many workers as needed, anywhere.
    """
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_file)
    url = _database_ready()
    queues = queue or None
    concurrency = concurrency or settings.worker_concurrency
    logger.info(
        "PropIntel worker starting on %s: queues %s, concurrency %d, %s",
        redacted(url),
        ", ".join(queues) if queues else "all",
        concurrency,
        "no periodic jobs (--once)" if once else f"periodic: {_schedule_line()}",
    )
    app = build_job_app(url, periodic=not once)
    try:
        asyncio.run(run_worker(app, wait=not once, concurrency=concurrency, queues=queues))
    except WorkerFailed as error:
        logger.error("PropIntel worker gave up: %s", error)
        raise typer.Exit(1) from error
    logger.info("PropIntel worker stopped")


def _database_ready() -> str:
    """The configured database, started (embedded) and migrated; or a clear exit."""
    settings = get_settings()
    try:
        if settings.uses_embedded_database:
            return prepare_database()
        url = database_url(settings)
        if not migrate.is_current(url):
            typer.echo(
                f"{redacted(url)} is not migrated: run `propintel db migrate` first", err=True
            )
            raise typer.Exit(1)
        return url
    except EmbeddedDatabaseError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    except OperationalError as error:
        typer.echo(f"cannot reach the database: {error.orig or error}", err=True)
        raise typer.Exit(1) from error


def _schedule_line() -> str:
    return "; ".join(f"{job.name} [{job.cron} {job.timezone}]" for job in SCHEDULE)
