"""The maintenance jobs through a real worker on a scratch database: each run is recorded in
job_runs with its detail (discrepancies included); the schedule holds the four jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from propintel.config import Settings
from propintel.db.engine import create_engine_for, session_factory
from propintel.jobs.app import build_job_app
from propintel.jobs.enqueue import defer_in_transaction
from propintel.jobs.registry import declared_jobs
from propintel.jobs.schedule import SCHEDULE, PeriodicJob
from propintel.jobs.worker import run_worker
from propintel.maintenance import tasks
from tests.factories import committed_user

# Makes the jobs "periodic" (so their runs are recorded) without the deferrer firing in a test.
NEVER_DURING_TESTS = "0 0 1 1 *"
MAINTENANCE_JOBS = {
    tasks.RECONCILE_TOKENS: "0 * * * *",
    tasks.CLEANUP: "30 2 * * *",
    tasks.ANALYZE: "0 4 * * 0",
    tasks.BACKUP: "0 2 * * *",
}


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    configured = Settings(
        data_dir=tmp_path, backup_keep=2, retention_conversation_days=90, _env_file=None
    )
    monkeypatch.setattr(tasks, "get_settings", lambda: configured)
    return configured


async def run_jobs(url: str, *names: str) -> list[dict[str, Any]]:
    """Defer ``names`` (in one committed transaction), run a worker until idle, return the runs."""
    schedule = [PeriodicJob(name, NEVER_DURING_TESTS, name) for name in names]
    engine = create_engine_for(url, pool_size=1)
    try:
        async with session_factory(engine)() as session:
            for name in names:
                await defer_in_transaction(session, name)
            await session.commit()
        await run_worker(
            build_job_app(url, schedule=schedule), wait=False, install_signal_handlers=False
        )
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT * FROM job_runs ORDER BY run_id"))
            return [dict(row) for row in rows.mappings()]
    finally:
        await engine.dispose()


def execute(url: str, *statements: str) -> None:
    with psycopg.connect(url) as conn:
        for statement in statements:
            conn.execute(statement)


async def test_worker_reconciles_and_records_the_discrepancies(
    import_url: str, settings: Settings
) -> None:
    committed_user(import_url, email="t@example.com", token_balance=75)
    execute(
        import_url,
        "INSERT INTO token_purchases (user_id, tokens, amount_paid) "
        "SELECT user_id, 100, 5 FROM users",
        "INSERT INTO token_usage_logs (user_id, tokens_used) SELECT user_id, 30 FROM users",
    )

    [run] = await run_jobs(import_url, tasks.RECONCILE_TOKENS)

    assert (run["task_name"], run["outcome"]) == (tasks.RECONCILE_TOKENS, "ok")
    detail = run["detail"]
    assert detail["pool"][0]["total_tokens"] == 70
    assert detail["discrepancy_count"] == 1
    [item] = detail["discrepancies"]
    assert (item["email"], item["token_balance"], item["implied_balance"]) == (
        "t@example.com",
        75,
        70,
    )
    with psycopg.connect(import_url) as conn:
        assert conn.execute("SELECT token_balance FROM users").fetchone() == (75,)
        assert conn.execute("SELECT total_tokens FROM company_token_pool").fetchone() == (70,)


async def test_worker_runs_cleanup_analyze_and_backup(import_url: str, settings: Settings) -> None:
    execute(
        import_url,
        "INSERT INTO conversation_history (message_content, timestamp) "
        "VALUES ('old', LOCALTIMESTAMP - interval '91 days'), ('new', LOCALTIMESTAMP)",
    )
    backups = settings.backups_path
    backups.mkdir(parents=True)
    for day in (1, 2):
        (backups / f"propintel-2020010{day}-020000.dump").write_text("old")

    runs = await run_jobs(import_url, tasks.CLEANUP, tasks.ANALYZE, tasks.BACKUP)

    by_name = {run["task_name"]: run for run in runs}
    assert {name: run["outcome"] for name, run in by_name.items()} == {
        tasks.CLEANUP: "ok",
        tasks.ANALYZE: "ok",
        tasks.BACKUP: "ok",
    }
    cleanup = by_name[tasks.CLEANUP]["detail"]
    assert (cleanup["conversations_deleted"], cleanup["job_history_days"]) == (1, 30)
    assert by_name[tasks.ANALYZE]["detail"]["tables"] > 30
    backup = by_name[tasks.BACKUP]["detail"]
    assert Path(backup["file"]).parent == backups.resolve() and backup["bytes"] > 0
    assert backup["removed"] == ["propintel-20200101-020000.dump"]
    assert len(list(backups.glob("propintel-*.dump"))) == 2
    assert "***" in backup["database"]


async def test_failed_backup_is_recorded_failed_with_the_reason(
    import_url: str, settings: Settings
) -> None:
    settings.backups_path.parent.mkdir(parents=True, exist_ok=True)
    settings.backups_path.write_text("a file where the backup directory should be")

    [run] = await run_jobs(import_url, tasks.BACKUP)

    assert run["outcome"] == "failed"
    assert run["detail"]["error"].startswith("FileExistsError")


def test_schedule_runs_the_four_maintenance_jobs_in_new_york_time() -> None:
    scheduled = {entry.name: entry for entry in SCHEDULE}
    declared = declared_jobs()
    for name, cron in MAINTENANCE_JOBS.items():
        assert scheduled[name].cron == cron
        assert scheduled[name].timezone == "America/New_York"
        definition = declared[name]
        assert definition.queueing_lock == name and definition.lock == name
