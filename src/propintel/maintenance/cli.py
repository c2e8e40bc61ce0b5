"""`propintel maintenance …`: what the scheduled maintenance jobs do, on demand, and reports.

reconcile-tokens, cleanup, analyze and backup run the same code as their jobs and are recorded in
job_runs like them (the admin Maintenance page shows the latest run, whoever started it).
Exit status: 0 done, 1 failed (the reason on stderr), 3 reconcile-tokens found discrepancies.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import psycopg
import typer
from procrastinate.types import JSONDict
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.db.embedded import EmbeddedDatabaseError
from propintel.db.engine import create_engine_for, in_unit_of_work, unit_of_work
from propintel.db.urls import database_url, redacted
from propintel.jobs.runs import recorded_run
from propintel.maintenance import tasks
from propintel.maintenance.backup import BackupError, backup_database, restore_database
from propintel.maintenance.database import SlowQueriesUnavailable, index_usage, slow_queries

app = typer.Typer(
    help="Maintenance: token reconciliation, retention, VACUUM, reports, backup and restore.",
    no_args_is_help=True,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
JSON_OPTION = typer.Option(False, "--json", help="Print the result as JSON on stdout.")
DISCREPANCIES_EXIT = 3

Action = Callable[[AsyncSession], Awaitable[JSONDict]]


class _Failed(Exception):
    """A command failed for a reason the operator can act on (printed, exit 1)."""


def _fail(message: str, as_json: bool) -> NoReturn:
    if as_json:
        print(json.dumps({"status": "failed", "error": message}))
    err.print(Text.assemble(("error: ", "red"), message), highlight=False)  # no markup in it
    raise typer.Exit(1)


@contextmanager
def _failures(as_json: bool) -> Iterator[None]:
    """Turn the expected failures into one clear line and exit status 1."""
    try:
        yield
    except (BackupError, SlowQueriesUnavailable, EmbeddedDatabaseError, _Failed) as error:
        _fail(str(error), as_json)
    except ArgumentError:  # its message quotes the URL, password included: not shown
        _fail("not a database URL (expected postgresql://user:password@host:port/db)", as_json)
    except (DBAPIError, psycopg.Error) as error:
        reason = getattr(error, "orig", None) or error
        _fail(f"database error: {str(reason).strip()}", as_json)


def _configured_url() -> str:
    settings = get_settings()
    try:
        return database_url(settings)
    except FileNotFoundError as error:
        raise _Failed(
            "the embedded cluster is not initialised yet: run `propintel db up`"
        ) from error


def _print_json(payload: dict[str, Any] | list[Any]) -> None:
    print(json.dumps(payload, default=str, indent=2))


async def _recorded(url: str, name: str, action: Action) -> JSONDict:
    """Run ``action`` in one unit of work, recorded in job_runs as a run of job ``name``."""
    engine = create_engine_for(url, pool_size=1)
    try:
        async with recorded_run(engine, name) as run, unit_of_work(engine) as session:
            run.detail = {**await action(session), "source": "cli"}
        return run.detail
    finally:
        await engine.dispose()


def _run_job(name: str, action: Action, as_json: bool) -> dict[str, Any]:
    with _failures(as_json):
        detail: dict[str, Any] = asyncio.run(_recorded(_configured_url(), name, action))
    if as_json:
        _print_json({"status": "ok", **detail})
    return detail


# -- commands ----------------------------------------------------------------------------------


@app.command("reconcile-tokens")
def reconcile_tokens(as_json: bool = JSON_OPTION) -> None:
    """Recompute the token pool from the ledgers; report balance discrepancies.

    Users whose token_balance is not what their ledger rows imply are listed (exit status 3);
    balances are never changed.
    """
    detail = _run_job(tasks.RECONCILE_TOKENS, tasks.reconcile_tokens_job, as_json)
    if not as_json:
        _show_reconciliation(detail)
    if detail["discrepancy_count"]:
        raise typer.Exit(DISCREPANCIES_EXIT)


def _show_reconciliation(detail: dict[str, Any]) -> None:
    for pool in detail["pool"] or []:
        out.print(
            f"pool {pool['pool_id']}: purchased {pool['tokens_purchased']:,}, consumed "
            f"{pool['tokens_consumed']:,}, total {pool['total_tokens']:,}"
            + ("" if detail["pool_changed"] else " (unchanged)")
        )
    for warning in detail["warnings"] or []:
        err.print(f"[yellow]warning:[/yellow] {warning}")
    count = detail["discrepancy_count"]
    noun = "discrepancy" if count == 1 else "discrepancies"
    out.print(f"{detail['users_checked']:,} users checked, {count:,} {noun}")
    if not count:
        return
    table = Table("user", "token_balance", "ledger implies", "difference")
    for item in detail["discrepancies"] or []:
        table.add_row(
            f"{item['email']} ({item['user_id']})",
            str(item["token_balance"]),
            str(item["implied_balance"]),
            f"{item['difference']:+,}",
        )
    out.print(table)
    if detail["discrepancies_truncated"]:
        out.print(f"(the {len(detail['discrepancies'] or [])} largest differences are listed)")


@app.command()
def cleanup(as_json: bool = JSON_OPTION) -> None:
    """Delete conversation history, email logs and job history older than the retention periods.

    The periods are PROPINTEL_RETENTION_CONVERSATION_DAYS, PROPINTEL_RETENTION_EMAIL_LOG_DAYS and
    PROPINTEL_RETENTION_JOB_HISTORY_DAYS (job_runs, except each task's latest run, and finished
    Procrastinate jobs).
    """
    detail = _run_job(tasks.CLEANUP, tasks.cleanup_job, as_json)
    if not as_json:
        out.print(
            f"deleted {detail['conversations_deleted']:,} conversation_history rows older than "
            f"{detail['conversation_days']} days, {detail['email_logs_deleted']:,} "
            f"email_workflow_logs rows older than {detail['email_log_days']} days, "
            f"{detail['job_runs_deleted']:,} job_runs rows and {detail['queue_jobs_deleted']:,} "
            f"finished procrastinate_jobs older than {detail['job_history_days']} days"
        )


@app.command()
def analyze(as_json: bool = JSON_OPTION) -> None:
    """Store the parcels in map order (CLUSTER), then VACUUM (ANALYZE) the whole database (what
    the weekly job runs)."""
    detail = _run_job(tasks.ANALYZE, tasks.analyze_job, as_json)
    if not as_json:
        if detail.get("properties_reordered_ms") is not None:
            out.print(f"CLUSTER properties: {detail['properties_reordered_ms']} ms")
        out.print(f"VACUUM (ANALYZE): {detail['tables']} tables, {detail['duration_ms']} ms")
        for notice in detail["notices"] or []:
            err.print(str(notice))


@app.command("index-usage")
def index_usage_command(
    limit: int | None = typer.Option(None, min=1, help="Show only the N least used."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The spec's index-usage query: every index, least scanned first."""
    with _failures(as_json):
        rows = asyncio.run(
            in_unit_of_work(_configured_url(), lambda s: index_usage(s, limit=limit))
        )
    if as_json:
        _print_json([row.__dict__ for row in rows])
        return
    table = Table("schemaname", "tablename", "indexname", "idx_scan")
    for row in rows:
        table.add_row(row.schemaname, row.tablename, row.indexname, f"{row.idx_scan:,}")
    out.print(table)


@app.command("slow-queries")
def slow_queries_command(
    limit: int = typer.Option(10, min=1, help="How many statements."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The statements of this database with the highest mean time (pg_stat_statements)."""
    with _failures(as_json):
        rows = asyncio.run(
            in_unit_of_work(_configured_url(), lambda s: slow_queries(s, limit=limit))
        )
    if as_json:
        _print_json([row.__dict__ for row in rows])
        return
    table = Table("mean ms", "calls", "query")
    for row in rows:
        table.add_row(f"{row.mean_exec_time_ms:,.2f}", f"{row.calls:,}", row.query)
    out.print(table)


@app.command()
def backup(
    out_file: Path | None = typer.Option(
        None,
        "--out",
        dir_okay=False,
        help="Write here (never overwritten). Default: the backup directory, "
        "propintel-YYYYmmdd-HHMMSS.dump, keeping the newest PROPINTEL_BACKUP_KEEP there.",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """pg_dump (custom format) of the configured database, embedded or external."""
    action = tasks.backup_job if out_file is None else _backup_to(out_file)
    detail = _run_job(tasks.BACKUP, action, as_json)
    if not as_json:
        out.print(f"backup of {detail['database']}: {detail['file']} ({detail['bytes']:,} bytes)")
        for name in detail["removed"] or []:
            out.print(f"removed old backup {name}")


def _backup_to(target: Path) -> Action:
    async def action(session: AsyncSession) -> JSONDict:
        url = tasks.session_database_url(session)
        return (await asyncio.to_thread(backup_database, url, target)).to_detail()

    return action


@app.command()
def restore(
    dump: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="A dump."),
    into: str = typer.Option(..., "--into", help="URL of an existing, empty database."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Restore a `maintenance backup` file into an empty database (refused if it has tables)."""
    with _failures(as_json):
        report = restore_database(dump, into)
    if as_json:
        _print_json({"status": "ok", **report.to_detail()})
        return
    out.print(f"restored {dump} into {redacted(into)}: {report.tables} tables")
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}")
