"""Backup and restore with pg_dump/pg_restore: a backup restored into an empty database has the
same rows in every table; non-empty targets are refused; the password never reaches argv."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from propintel.db.urls import with_database
from propintel.maintenance import backup as backup_module
from propintel.maintenance.backup import (
    BackupError,
    backup_database,
    default_backup_path,
    prune_backups,
    restore_database,
    scheduled_backup,
)
from tests.factories import committed_user


@pytest.fixture
def tool_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every pg_dump/pg_restore call: its argv and the PGPASSWORD it was given."""
    calls: list[dict[str, Any]] = []
    real_run = subprocess.run

    def spy(argv: list[str], **kwargs: Any) -> Any:
        calls.append({"argv": argv, "pgpassword": kwargs.get("env", {}).get("PGPASSWORD")})
        return real_run(argv, **kwargs)

    monkeypatch.setattr(backup_module.subprocess, "run", spy)
    return calls


def seed(url: str) -> None:
    """Committed rows in several tables, a PostGIS geometry included."""
    user_id = committed_user(url, token_balance=70)
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO token_purchases (user_id, tokens, amount_paid) VALUES (%s, 100, 9.99)",
            (user_id,),
        )
        conn.execute(
            "INSERT INTO token_usage_logs (user_id, action_type, tokens_used) "
            "VALUES (%s, 'sms_send', 30)",
            (user_id,),
        )
        conn.execute(
            "INSERT INTO conversation_history (user_id, message_content) "
            "SELECT %s, 'message ' || n FROM generate_series(1, 25) AS n",
            (user_id,),
        )
        conn.execute(
            "INSERT INTO properties (folio_number, full_address, location) VALUES "
            "('3040000000001', '1 Main St', ST_SetSRID(ST_MakePoint(-80.19, 25.77), 4326))"
        )


def row_counts(url: str) -> dict[str, int]:
    """Exact row count of every table in schema public."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]
            for table in tables
        }


def test_backup_restores_into_an_empty_database_with_every_row(
    import_url: str, empty_url: str, tmp_path: Path, tool_calls: list[dict[str, Any]]
) -> None:
    seed(import_url)
    dump = tmp_path / "propintel-test.dump"

    made = backup_database(import_url, dump)
    restored = restore_database(dump, empty_url)

    assert made.file == str(dump.resolve()) and made.bytes == dump.stat().st_size > 0
    assert oct(dump.stat().st_mode & 0o777) == oct(0o600)
    assert not list(tmp_path.glob("*.partial"))
    source, copy = row_counts(import_url), row_counts(empty_url)
    assert copy == source
    assert source["users"] == 1 and source["conversation_history"] == 25
    assert source["properties"] == 1 and source["intent_indicators"] > 0
    assert restored.tables == len(source)
    with psycopg.connect(empty_url) as conn:  # no session options: the database's own setting
        assert conn.execute("SHOW timezone").fetchone() == ("America/New_York",)
        assert conn.execute("SELECT ST_X(location::geometry) FROM properties").fetchone() == (
            -80.19,
        )
    assert [Path(call["argv"][0]).name for call in tool_calls] == ["pg_dump", "pg_restore"]
    assert all(call["argv"][0].startswith("/usr/lib/postgresql/15/") for call in tool_calls)
    password = make_url(import_url).password
    assert password
    for call in tool_calls:
        assert not any(password in argument for argument in call["argv"])
        assert call["pgpassword"] == password


def test_restore_into_a_database_with_tables_is_refused(
    import_url: str, tmp_path: Path, tool_calls: list[dict[str, Any]]
) -> None:
    dump = tmp_path / "x.dump"
    backup_database(import_url, dump)

    with pytest.raises(BackupError, match=r"is not empty \(\d+ tables in public: "):
        restore_database(dump, import_url)
    assert [Path(call["argv"][0]).name for call in tool_calls] == ["pg_dump"]


def test_restore_into_a_missing_database_says_to_create_it(server_url: str, tmp_path: Path) -> None:
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"PGDMP")
    missing = with_database(server_url, "propintel_no_such_database")

    with pytest.raises(BackupError, match="create the database first") as raised:
        restore_database(dump, missing)
    password = make_url(server_url).password
    assert password and password not in str(raised.value)


def test_failed_dump_leaves_no_file_and_no_password_in_the_message(
    server_url: str, tmp_path: Path
) -> None:
    missing = with_database(server_url, "propintel_no_such_database")
    out = tmp_path / "failed.dump"

    with pytest.raises(BackupError, match="pg_dump failed") as raised:
        backup_database(missing, out)

    assert list(tmp_path.iterdir()) == []
    password = make_url(server_url).password
    assert password and password not in str(raised.value)
    assert "***" in str(raised.value)


def test_existing_file_is_never_overwritten(import_url: str, tmp_path: Path) -> None:
    out = tmp_path / "keep.dump"
    out.write_text("precious")

    with pytest.raises(BackupError, match="exists already"):
        backup_database(import_url, out)
    assert out.read_text() == "precious"


def test_scheduled_backup_keeps_the_newest_and_touches_nothing_else(
    import_url: str, tmp_path: Path
) -> None:
    old = [tmp_path / f"propintel-2020010{day}-020000.dump" for day in (1, 2, 3)]
    for path in old:
        path.write_text("old")
    other = tmp_path / "notes.txt"
    other.write_text("mine")

    report = scheduled_backup(import_url, tmp_path, keep=2)

    new = Path(report.file)
    assert new.parent == tmp_path and new.name.startswith("propintel-20")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([old[2].name, new.name, other.name])
    assert report.removed == (old[0].name, old[1].name)
    assert report.to_detail()["removed"] == [old[0].name, old[1].name]


def test_default_name_is_new_york_time(tmp_path: Path) -> None:
    from datetime import datetime

    path = default_backup_path(tmp_path, datetime(2027, 3, 14, 2, 0, 5))
    assert path == tmp_path / "propintel-20270314-020005.dump"


def test_prune_of_a_missing_directory_is_a_no_op(tmp_path: Path) -> None:
    assert prune_backups(tmp_path / "none", keep=3) == []
    with pytest.raises(ValueError):
        prune_backups(tmp_path, keep=0)
