"""`propintel maintenance …` on a scratch database: JSON summaries, runs recorded like the jobs',
exit status 3 for discrepancies, 1 with a clear message (and no password) on failure."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from propintel.cli import app
from propintel.config import Settings
from propintel.maintenance import cli as maintenance_cli
from propintel.maintenance import tasks
from tests.factories import committed_user

runner = CliRunner()


@pytest.fixture
def configured(import_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The commands' settings: the scratch database, backups under tmp_path."""
    settings = Settings(database_url=import_url, data_dir=tmp_path, _env_file=None)
    monkeypatch.setattr(maintenance_cli, "get_settings", lambda: settings)
    monkeypatch.setattr(tasks, "get_settings", lambda: settings)
    return settings


def invoke(*args: str) -> Result:
    return runner.invoke(app, ["maintenance", *args])


def runs(url: str) -> list[tuple[str, str, str | None]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT task_name, outcome, detail->>'source' FROM job_runs ORDER BY run_id"
        ).fetchall()
    return [(row[0], row[1], row[2]) for row in rows]


def test_reconcile_tokens_reports_discrepancies_with_exit_status_3(configured: Settings) -> None:
    url = str(configured.database_url)
    committed_user(url, email="cli@example.com", token_balance=5)

    result = invoke("reconcile-tokens", "--json")

    assert result.exit_code == 3, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "ok" and summary["discrepancy_count"] == 1
    assert summary["discrepancies"][0]["email"] == "cli@example.com"
    assert runs(url) == [(tasks.RECONCILE_TOKENS, "ok", "cli")]
    human = invoke("reconcile-tokens")
    assert human.exit_code == 3
    assert "1 discrepancy" in human.stdout and "cli@example.com" in human.stdout


def test_reconcile_tokens_with_consistent_ledgers_exits_0(configured: Settings) -> None:
    result = invoke("reconcile-tokens")

    assert result.exit_code == 0, result.output
    assert "0 discrepancies" in result.stdout


def test_cleanup_and_analyze_print_their_summaries(configured: Settings) -> None:
    cleanup = invoke("cleanup", "--json")
    analyze = invoke("analyze")

    assert cleanup.exit_code == 0, cleanup.output
    assert json.loads(cleanup.stdout)["conversation_days"] == 90
    assert analyze.exit_code == 0, analyze.output
    assert "CLUSTER properties:" in analyze.stdout and "VACUUM (ANALYZE):" in analyze.stdout
    assert [run[0] for run in runs(str(configured.database_url))] == [tasks.CLEANUP, tasks.ANALYZE]


def test_reports_print_rows(configured: Settings) -> None:
    indexes = invoke("index-usage", "--json", "--limit", "5")
    slow = invoke("slow-queries", "--json")

    assert indexes.exit_code == 0, indexes.output
    assert len(json.loads(indexes.stdout)) == 5
    assert set(json.loads(indexes.stdout)[0]) == {
        "schemaname",
        "tablename",
        "indexname",
        "idx_scan",
    }
    assert slow.exit_code == 0, slow.output
    assert set(json.loads(slow.stdout)[0]) == {"calls", "mean_exec_time_ms", "query"}


def test_backup_then_restore_and_refusal(configured: Settings, empty_url: str) -> None:
    default = invoke("backup", "--json")
    assert default.exit_code == 0, default.output
    made = Path(json.loads(default.stdout)["file"])
    assert made.parent == configured.backups_path.resolve()

    restored = invoke("restore", str(made), "--into", empty_url)
    assert restored.exit_code == 0, restored.output
    refused = invoke("restore", str(made), "--into", empty_url)
    assert refused.exit_code == 1
    assert "is not empty" in refused.output

    out = configured.data_dir / "manual.dump"
    manual = invoke("backup", "--out", str(out))
    assert manual.exit_code == 0, manual.output
    assert out.exists() and str(out) in manual.stdout
    password = make_url(empty_url).password
    assert password and password not in default.output + refused.output + manual.output


def test_unreachable_database_is_a_clear_failure_without_the_password(
    server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = make_url(server_url).set(port=1, database="nowhere").render_as_string(False)
    settings = Settings(database_url=bad, data_dir=tmp_path, _env_file=None)
    monkeypatch.setattr(maintenance_cli, "get_settings", lambda: settings)

    result = invoke("cleanup", "--json")

    assert result.exit_code == 1
    assert json.loads(result.stdout)["status"] == "failed"
    assert "database error" in result.output
    password = make_url(server_url).password
    assert password and password not in result.output


def test_restore_into_something_that_is_not_a_url_is_refused(tmp_path: Path) -> None:
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"PGDMP")

    result = invoke("restore", str(dump), "--into", "not a url:secret")

    assert result.exit_code == 1
    assert "not a database URL" in result.output and "secret" not in result.output
