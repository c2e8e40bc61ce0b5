"""Every import ends with the scores of what it changed: the CLI refreshes them at once (unless
told not to), an uploaded file's job queues the refresh, the demo load scores what it loads."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from propintel.auth.models import UserType
from propintel.db.engine import create_engine_for, unit_of_work
from propintel.ingest.tasks import SCORE_REFRESH_JOB, import_file
from propintel.jobs.app import run_job_now
from propintel.kit.files import LocalFileStore
from tests.factories import make_user
from tests.ingest.conftest import query
from tests.ingest.test_matching import add_properties

FORECLOSURE = (
    "folio,signal,recorded_date,source,reference\n"
    "3059040370010,foreclosure,2026-01-05,clerk-civil,2026-000001-CA-01\n"
)


def cli_import(url: str, path: Path, *options: str) -> dict[str, object]:
    env = {**os.environ, "PROPINTEL_DATABASE_URL": url}
    command = [sys.executable, "-m", "propintel", "import", "signals", "generic", str(path)]
    done = subprocess.run(
        [*command, "--json", *options], env=env, capture_output=True, text=True, check=True
    )
    summary: dict[str, object] = json.loads(done.stdout)
    return summary


def distressed_scores(url: str) -> dict[str, int | None]:
    rows = query(url, "SELECT folio_number, distressed_score FROM properties")
    return {str(folio): score for folio, score in rows}  # type: ignore[misc]


def test_cli_import_refreshes_the_scores_of_what_it_changed(
    import_url: str, tmp_path: Path
) -> None:
    add_properties(import_url)
    feed = tmp_path / "foreclosures.csv"
    feed.write_text(FORECLOSURE)

    summary = cli_import(import_url, feed)

    refresh = summary["score_refresh"]
    assert isinstance(refresh, dict) and refresh["changed"] >= 1
    assert distressed_scores(import_url)["3059040370010"] == 50  # the spec's foreclosure weight
    [(task, outcome)] = query(import_url, "SELECT task_name, outcome FROM job_runs")
    assert (task, outcome) == ("scoring.refresh", "ok")  # on record like a scheduled run


def test_cli_import_with_no_refresh_leaves_the_scores(import_url: str, tmp_path: Path) -> None:
    add_properties(import_url)
    feed = tmp_path / "foreclosures.csv"
    feed.write_text(FORECLOSURE)

    summary = cli_import(import_url, feed, "--no-refresh")

    assert summary["score_refresh"] is None
    assert distressed_scores(import_url)["3059040370010"] in (None, 0)


async def test_uploaded_file_job_queues_the_score_refresh(
    import_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_properties(import_url)
    store = LocalFileStore(tmp_path / "uploads")
    monkeypatch.setattr("propintel.ingest.tasks.upload_store", lambda: store)
    key = store.save(io.BytesIO(FORECLOSURE.encode()), "foreclosures.csv")
    engine = create_engine_for(import_url, pool_size=1)
    try:
        async with unit_of_work(engine) as session:
            admin = await make_user(session, UserType.ADMIN)
        for expected in ("queued", "already queued"):
            async with unit_of_work(engine) as session:
                detail = await import_file(
                    session,
                    kind="signals:generic",
                    key=key,
                    filename="foreclosures.csv",
                    user_id=str(admin.user_id),
                )
            assert detail["score_refresh"] == expected
    finally:
        await engine.dispose()
    queued = query(import_url, "SELECT task_name, status::text FROM procrastinate_jobs")
    assert queued == [(SCORE_REFRESH_JOB, "todo")]


def test_the_refresh_job_run_now_scores_what_the_queue_would(import_url: str) -> None:
    add_properties(import_url)

    detail = run_job_now(import_url, SCORE_REFRESH_JOB)

    assert detail is not None and detail["mode"] == "all"
    assert detail["examined"] == len(distressed_scores(import_url))
