"""`propintel scores …`: refresh every property's scores from the stored records."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import OperationalError

from propintel.config import get_settings
from propintel.db.engine import in_unit_of_work
from propintel.db.urls import database_url
from propintel.scoring.refresh import refresh_scores
from propintel.scoring.refresh_plan import RefreshResult

app = typer.Typer(help="Scores: detection of the intent indicators, scores, flags, estimates.")
console = Console(stderr=True)


async def _refresh(as_of: date | None, full: bool) -> RefreshResult:
    settings = get_settings()
    return await in_unit_of_work(
        database_url(settings),
        lambda session: refresh_scores(
            session, as_of=as_of, new_homeowner_days=settings.new_homeowner_days, full=full
        ),
    )


@app.command("refresh")
def refresh(
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON on stdout."),
    as_of: datetime | None = typer.Option(
        None,
        "--as-of",
        formats=["%Y-%m-%d"],
        help="Score as of this New York date (default today).",
    ),
    full: bool = typer.Option(
        False,
        "--full",
        help="Examine every property, repair sale summaries and stored indicators (slower).",
    ),
) -> None:
    """Detect every indicator and write the scores, flags and estimates that changed (one
    transaction; only changed rows are written; only the properties whose records changed since
    the last refresh are examined). Prints counts per field and the duration."""
    try:
        result = asyncio.run(_refresh(as_of.date() if as_of else None, full))
    except OperationalError as error:
        message = f"cannot reach the database: {error.orig or error}"
        if as_json:
            print(json.dumps({"status": "failed", "error": message}))
        console.print(f"[red]error:[/red] {message}")
        raise typer.Exit(1) from error
    if as_json:
        print(json.dumps(result.as_dict()))
        return
    _print(result)


def _print(result: RefreshResult) -> None:
    table = Table(title=f"Score refresh as of {result.as_of} ({result.mode})", show_header=False)
    table.add_row("properties examined", f"{result.examined:,}")
    table.add_row("properties changed", f"{result.changed:,}")
    for column, count in result.fields.items():
        if count:
            table.add_row(f"  {column}", f"{count:,}")
    table.add_row("indicators detected (new)", f"{result.intents_inserted:,}")
    table.add_row("indicators ended", f"{result.intents_deleted:,}")
    if result.mode == "full":
        table.add_row("sale summaries repaired", f"{result.sale_summaries_repaired:,}")
    table.add_row("duration", f"{result.duration_s:.2f} s")
    Console().print(table)
