"""Backups with PostgreSQL's own tools: ``pg_dump --format=custom`` and ``pg_restore``.

The password never appears in a process's arguments (``ps`` shows those to every local user) nor
in a message: the tools get the URL without it and read it from ``PGPASSWORD`` in their
environment. Dumps are written to ``<name>.partial`` (mode 0600: they hold every row, password
hashes included) and renamed when ``pg_dump`` succeeds, so a failed dump never looks complete.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import URL, make_url

from propintel.db.embedded import EmbeddedDatabaseError, pg_bin_dir
from propintel.db.migrate import set_database_timezone
from propintel.db.urls import libpq_url, redacted
from propintel.kit.clock import now_new_york
from propintel.maintenance import repository

BACKUP_PREFIX = "propintel-"
BACKUP_SUFFIX = ".dump"
BACKUP_NAME = re.compile(r"^propintel-\d{8}-\d{6}\.dump$")
MAX_TOOL_OUTPUT = 4000


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why (never with a password)."""


@dataclass(frozen=True)
class BackupReport:
    file: str
    bytes: int
    database: str
    duration_ms: int
    removed: tuple[str, ...] = ()

    def to_detail(self) -> dict[str, Any]:
        return {**asdict(self), "removed": list(self.removed)}


@dataclass(frozen=True)
class RestoreReport:
    file: str
    database: str
    tables: int
    duration_ms: int
    warnings: tuple[str, ...] = ()

    def to_detail(self) -> dict[str, Any]:
        return {**asdict(self), "warnings": list(self.warnings)}


# -- tools -------------------------------------------------------------------------------------


def client_binary(name: str) -> str:
    """``pg_dump``/``pg_restore`` of the machine's PostgreSQL 15 (else from PATH).

    A client must be at least as new as the server it dumps: for a newer external server,
    install its client package and put it first on PATH.
    """
    try:
        candidate = pg_bin_dir() / name
        if candidate.exists():
            return str(candidate)
    except EmbeddedDatabaseError:
        pass
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} not found: install it with apt-get install -y postgresql-client-15"
        )
    return found


@dataclass(frozen=True)
class _Target:
    """A database URL split into what may be shown (arguments) and what may not (password)."""

    dbname_arg: str
    password: str | None
    shown: str


def _split_password(url: str) -> _Target:
    parsed: URL = make_url(libpq_url(url))
    password = parsed.password
    query = {key: value for key, value in parsed.query.items() if key != "password"}
    # URL.set(password=None) would keep the password (None there means "unchanged").
    without = URL.create(
        parsed.drivername, parsed.username, None, parsed.host, parsed.port, parsed.database, query
    )
    return _Target(
        dbname_arg=without.render_as_string(hide_password=False),
        password=str(password) if password is not None else None,
        shown=redacted(url),
    )


def _run_tool(argv: list[str], target: _Target) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if target.password is not None:
        env["PGPASSWORD"] = target.password
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        if target.password:
            output = output.replace(target.password, "***")
        tool = Path(argv[0]).name
        raise BackupError(f"{tool} failed for {target.shown}:\n{output[-MAX_TOOL_OUTPUT:]}")
    return result


# -- backup ------------------------------------------------------------------------------------


def default_backup_path(directory: Path, at: datetime | None = None) -> Path:
    """``<directory>/propintel-YYYYmmdd-HHMMSS.dump`` (New York time)."""
    stamp = (at or now_new_york()).strftime("%Y%m%d-%H%M%S")
    return directory / f"{BACKUP_PREFIX}{stamp}{BACKUP_SUFFIX}"


def backup_database(url: str, out: Path) -> BackupReport:
    """``pg_dump --format=custom`` of ``url`` into ``out`` (refuses to overwrite a file)."""
    out = out.resolve()
    if out.exists():
        raise BackupError(f"{out} exists already: remove it or choose another file")
    out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    target = _split_password(url)
    started = time.monotonic()
    argv = [client_binary("pg_dump"), "--format=custom", "--no-password"]
    try:
        _run_tool([*argv, f"--file={partial}", f"--dbname={target.dbname_arg}"], target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(out)
    return BackupReport(
        file=str(out),
        bytes=out.stat().st_size,
        database=target.shown,
        duration_ms=round((time.monotonic() - started) * 1000),
    )


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest ``propintel-YYYYmmdd-HHMMSS.dump`` files there.

    Only files named like that are considered: other files in the directory are never touched.
    """
    if keep < 1:
        raise ValueError("keep at least one backup")
    if not directory.is_dir():
        return []
    backups = sorted(path for path in directory.iterdir() if BACKUP_NAME.match(path.name))
    doomed = backups[:-keep]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def scheduled_backup(url: str, directory: Path, keep: int) -> BackupReport:
    """A new backup under ``directory`` with the default name, then only ``keep`` are kept."""
    report = backup_database(url, default_backup_path(directory))
    removed = prune_backups(directory, keep)
    return BackupReport(**{**asdict(report), "removed": tuple(path.name for path in removed)})


# -- restore -----------------------------------------------------------------------------------


def public_tables(url: str) -> list[str]:
    """The tables in schema ``public`` of ``url`` (raises BackupError when unreachable)."""
    try:
        return repository.public_tables(url)
    except psycopg.OperationalError as error:
        message = str(error).strip()
        raise BackupError(
            f"cannot connect to {redacted(url)} (create the database first, e.g. "
            f"`createdb`, and check the URL): {message}"
        ) from error


def restore_database(dump: Path, url: str) -> RestoreReport:
    """``pg_restore`` of ``dump`` into the empty database at ``url``, in one transaction.

    Refuses a database that has any table in schema ``public``. ``--no-owner`` makes the
    restoring role own everything, so a dump of another server restores anywhere. Nothing is
    left behind when it fails (``--single-transaction``). The database-level time zone (not part
    of a dump) is set to New York afterwards, as revision 1 does.
    """
    if not dump.is_file():
        raise BackupError(f"{dump}: no such file")
    existing = public_tables(url)
    if existing:
        shown = ", ".join(existing[:5]) + (", …" if len(existing) > 5 else "")
        raise BackupError(
            f"{redacted(url)} is not empty ({len(existing)} tables in public: {shown}): "
            "restore only into a new, empty database"
        )
    target = _split_password(url)
    started = time.monotonic()
    argv = [client_binary("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction"]
    _run_tool([*argv, "--no-password", f"--dbname={target.dbname_arg}", str(dump)], target)
    warnings = _set_timezone(url)
    return RestoreReport(
        file=str(dump.resolve()),
        database=target.shown,
        tables=len(public_tables(url)),
        duration_ms=round((time.monotonic() - started) * 1000),
        warnings=warnings,
    )


def _set_timezone(url: str) -> tuple[str, ...]:
    try:
        set_database_timezone(url)
    except psycopg.Error as error:
        return (
            "restored, but could not set the database's time zone to America/New_York "
            f"(run ALTER DATABASE … SET timezone TO 'America/New_York' as its owner): {error}",
        )
    return ()
