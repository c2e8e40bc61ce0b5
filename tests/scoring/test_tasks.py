"""The refresh as a scheduled job (03:00 New York, recorded in job_runs) and as a command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.db.engine import create_engine_for, session_factory
from propintel.jobs.app import build_job_app
from propintel.jobs.enqueue import defer_in_transaction
from propintel.jobs.registry import declared_jobs
from propintel.jobs.schedule import NEW_YORK, SCHEDULE
from propintel.jobs.worker import run_worker
from propintel.kit.clock import NEW_YORK as NEW_YORK_ZONE
from propintel.scoring.tasks import is_full_run, refresh_job
from tests.factories import make_property
from tests.ingest.conftest import query
from tests.scoring.helpers import add_signal


def test_refresh_is_scheduled_daily_at_three_new_york_time() -> None:
    [entry] = [entry for entry in SCHEDULE if entry.name == "scoring.refresh"]
    assert (entry.cron, entry.timezone) == ("0 3 * * *", NEW_YORK)
    definition = declared_jobs()["scoring.refresh"]
    assert definition.lock == definition.queueing_lock == "scoring.refresh"


def test_sunday_runs_are_full_refreshes() -> None:
    sunday_3am = int(datetime(2026, 11, 29, 3, tzinfo=NEW_YORK_ZONE).timestamp())
    assert is_full_run(sunday_3am)
    assert not is_full_run(sunday_3am - 86_400)  # Saturday
    assert not is_full_run(None)  # deferred by hand ("refresh now")


async def test_job_refreshes_in_its_session_and_returns_the_counts(db: AsyncSession) -> None:
    prop = await make_property(db)
    await add_signal(db, prop, "foreclosure")

    detail = await refresh_job(db, timestamp=1_800_000_000)  # a Friday

    assert (detail["examined"], detail["changed"], detail["intents_inserted"]) == (1, 1, 1)
    assert detail["fields"]["is_foreclosure"] == 1
    assert isinstance(detail["duration_s"], float)
    assert detail["mode"] in ("all", "incremental")


async def test_worker_runs_the_queued_refresh_and_records_it(import_url: str) -> None:
    engine = create_engine_for(import_url, pool_size=2)
    try:
        async with session_factory(engine)() as session:
            prop = await make_property(session)
            await add_signal(session, prop, "probate")
            await defer_in_transaction(session, "scoring.refresh")
            await session.commit()
        await run_worker(build_job_app(import_url, periodic=False), wait=False,
                         install_signal_handlers=False)  # fmt: skip
        async with engine.connect() as connection:
            runs = (
                await connection.execute(text("SELECT task_name, outcome, detail FROM job_runs"))
            ).all()
    finally:
        await engine.dispose()

    [(task, outcome, detail)] = runs
    assert (task, outcome, detail["changed"]) == ("scoring.refresh", "ok", 1)
    assert query(import_url, "SELECT is_probate, distressed_score FROM properties") == [(True, 25)]


def test_command_prints_counts_as_json(import_url: str) -> None:
    env = {**os.environ, "PROPINTEL_DATABASE_URL": import_url}
    command = [sys.executable, "-m", "propintel", "scores", "refresh", "--json"]
    command += ["--as-of", "2026-06-15"]

    first = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    human = subprocess.run(command[:-3], env=env, capture_output=True, text=True, check=False)

    assert first.returncode == 0, first.stderr
    counts = json.loads(first.stdout)
    assert (counts["as_of"], counts["examined"], counts["changed"]) == ("2026-06-15", 0, 0)
    assert set(counts) >= {"fields", "intents_inserted", "intents_deleted", "duration_s"}
    assert human.returncode == 0, human.stderr
    assert "properties examined" in human.stdout
