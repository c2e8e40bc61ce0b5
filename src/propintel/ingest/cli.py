"""`propintel import …`: load public record files; `--json` prints a machine-readable summary."""

from __future__ import annotations

import asyncio
import getpass
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

import typer
from procrastinate.types import JSONDict
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from propintel.config import get_settings
from propintel.db.engine import in_unit_of_work
from propintel.db.urls import database_url
from propintel.ingest import service
from propintel.ingest.errors import ImportRefused
from propintel.ingest.registry import importer_for
from propintel.ingest.runs import ImportSummary, run_import
from propintel.ingest.signals_kinds import SIGNAL_KINDS
from propintel.ingest.source import ProgressCallback
from propintel.ingest.tasks import SCORE_REFRESH_JOB
from propintel.jobs.app import run_job_now

T = TypeVar("T")
app = typer.Typer(help="Import public record files (DOR NAL/SDF, PA points, signals, FSBO).")
console = Console(stderr=True)
FILE_ARGUMENT = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The file.")
JSON_OPTION = typer.Option(False, "--json", help="Print the summary as JSON on stdout.")
REFRESH_OPTION = typer.Option(
    True,
    "--refresh/--no-refresh",
    help="Refresh the scores of what the import changed (default), or leave that to the next "
    "refresh (to import several files, then refresh once).",
)


@contextmanager
def _progress(path: Path, enabled: bool) -> Iterator[ProgressCallback | None]:
    if not enabled:
        yield None
        return
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(f"reading {path.name}", total=path.stat().st_size)
        yield lambda consumed: progress.advance(task, consumed)


def run_cli_import(kind: str, path: Path, as_json: bool, refresh: bool = True) -> None:
    """Import ``path``, then (unless ``refresh`` is off) refresh the scores of what it changed,
    so the new records show in searches at once."""
    show_bar = console.is_terminal and not as_json
    url = database_url(get_settings())
    try:
        with _progress(path, show_bar) as on_progress:
            summary = run_import(
                importer_for(kind),
                path,
                url,
                requested_by_label=f"cli:{getpass.getuser()}",
                on_progress=on_progress,
            )
    except ImportRefused as error:
        _fail("refused", error.message, as_json)
    except Exception as error:
        detail = f"{type(error).__name__}: {error}"
        _fail("failed", f"import failed, nothing was changed: {detail}", as_json)
    scores = _refresh_scores(url, show_bar) if refresh else None
    _report(summary, scores, as_json)
    if scores is not None and "error" in scores:
        raise typer.Exit(1)


def _refresh_scores(url: str, show_spinner: bool) -> JSONDict:
    """The score refresh job, run here and now (incremental: it examines what changed)."""
    try:
        with (
            console.status("refreshing scores…", spinner="dots") if show_spinner else nullcontext()
        ):
            return run_job_now(url, SCORE_REFRESH_JOB) or {}
    except Exception as error:
        console.print(
            f"[red]error:[/red] the import is saved, but refreshing the scores failed "
            f"({type(error).__name__}: {error}); run `propintel scores refresh`"
        )
        return {"error": f"{type(error).__name__}: {error}"}


def _fail(status: str, message: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"status": status, "error": message}))
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(1)


def _report(summary: ImportSummary, scores: JSONDict | None, as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary.as_dict() | {"score_refresh": scores}))
        return
    table = Table(title=f"{summary.kind} import of {summary.source_file}", show_header=False)
    for label, value in _summary_lines(summary) + _score_lines(scores):
        table.add_row(label, value)
    Console().print(table)


def _score_lines(scores: JSONDict | None) -> list[tuple[str, str]]:
    if scores is None:
        return [("scores", "not refreshed (--no-refresh): run `propintel scores refresh`")]
    if "error" in scores:
        return [("scores", "refresh failed")]
    return [
        ("scores: properties examined", f"{scores['examined']:,}"),
        ("scores: properties changed", f"{scores['changed']:,}"),
        ("scores: refresh took", f"{scores['duration_s']:.2f} s"),
    ]


def _summary_lines(summary: ImportSummary) -> list[tuple[str, str]]:
    lines = [
        ("run", str(summary.run_id)),
        ("read", f"{summary.read:,}"),
        ("inserted", f"{summary.inserted:,}"),
        ("updated", f"{summary.updated:,}"),
        ("unchanged", f"{summary.unchanged:,}"),
    ]
    lines += [
        (f"quarantined: {reason}", f"{count:,}") for reason, count in summary.quarantined.items()
    ]
    lines += [(f"nulled: {field}", f"{count:,}") for field, count in summary.nulled.items()]
    if summary.matched is not None:
        lines += [
            ("matched", f"{summary.matched:,}"),
            ("unmatched", f"{summary.unmatched:,}"),
            ("match rate", f"{(summary.match_rate or 0):.1%}"),
        ]
    lines += [
        (key.replace("_", " "), f"{value:,}" if isinstance(value, int) else str(value))
        for key, value in summary.extra.items()
    ]
    lines.append(("elapsed", f"{summary.elapsed_s:.2f} s"))
    return lines


@app.command("nal")
def import_nal(
    path: Path = FILE_ARGUMENT, as_json: bool = JSON_OPTION, refresh: bool = REFRESH_OPTION
) -> None:
    """Florida DOR NAL tax roll (CSV, Miami-Dade CO_NO 23) → properties."""
    run_cli_import("nal", path, as_json, refresh)


@app.command("sdf")
def import_sdf(
    path: Path = FILE_ARGUMENT, as_json: bool = JSON_OPTION, refresh: bool = REFRESH_OPTION
) -> None:
    """Florida DOR SDF sale file (CSV) → sale history and each property's latest sale."""
    run_cli_import("sdf", path, as_json, refresh)


@app.command("pa-points")
def import_pa_points(
    path: Path = FILE_ARGUMENT, as_json: bool = JSON_OPTION, refresh: bool = REFRESH_OPTION
) -> None:
    """Property Appraiser point layer (GeoJSON, ArcGIS JSON or CSV) → location, beds/baths,
    stories and exact sale days."""
    run_cli_import("pa-points", path, as_json, refresh)


@app.command("signals")
def import_signals(
    kind: str = typer.Argument(..., help=f"The feed: {', '.join(SIGNAL_KINDS)}."),
    path: Path = FILE_ARGUMENT,
    as_json: bool = JSON_OPTION,
    refresh: bool = REFRESH_OPTION,
) -> None:
    """Signal feeds (code/building violations, tax certificates, foreclosure auctions, lis
    pendens, probate, generic signal CSV) → property_signals, matched to properties."""
    if kind.lower() not in SIGNAL_KINDS:
        _fail("refused", f"unknown signal kind {kind!r}; known: {', '.join(SIGNAL_KINDS)}", as_json)
    run_cli_import(f"signals:{kind.lower()}", path, as_json, refresh)


@app.command("fsbo")
def import_fsbo(
    path: Path = FILE_ARGUMENT, as_json: bool = JSON_OPTION, refresh: bool = REFRESH_OPTION
) -> None:
    """FSBO listing feed (CSV or JSON) → fsbo_listings, matched by folio or address."""
    run_cli_import("fsbo", path, as_json, refresh)


@app.command("runs")
def list_runs(
    limit: int = typer.Option(20, min=1, max=500, help="How many, newest first."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Recent import runs: who, what, when, status and counts."""
    runs = asyncio.run(
        in_unit_of_work(
            database_url(get_settings()), lambda session: service.recent_runs(session, limit)
        )
    )
    if as_json:
        print(json.dumps([asdict(run) for run in runs], default=str))
        return
    if not runs:
        console.print("no imports yet")
        return
    table = Table("started", "kind", "file", "by", "status", "read", "quarantined", "run id")
    for run in runs:
        counts = run.counts or {}
        table.add_row(
            f"{run.started_at:%Y-%m-%d %H:%M}",
            run.kind,
            run.source_file,
            run.requested_by or "",
            run.status,
            str(counts.get("read", "")),
            str(counts.get("quarantined_total", "")),
            str(run.run_id),
        )
    Console().print(table)


@app.command("quarantine")
def show_quarantine(
    run_id: uuid.UUID | None = typer.Option(None, "--run", help="Only this import run."),
    limit: int = typer.Option(100, min=1, max=10_000, help="How many rows."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Rows an import could not use (and fields it nulled): line, reason and raw text."""
    rows = asyncio.run(
        in_unit_of_work(
            database_url(get_settings()),
            lambda session: service.quarantined_rows(session, run_id, limit),
        )
    )
    if as_json:
        print(json.dumps([asdict(row) for row in rows], default=str))
        return
    if not rows:
        console.print("the quarantine is empty" + (f" for run {run_id}" if run_id else ""))
        return
    table = Table("run", "line", "action", "field", "reason", "raw", show_lines=False)
    for row in rows:
        raw = (row.raw_content or "")[:60]
        table.add_row(
            str(row.run_id)[:8],
            str(row.line_number or ""),
            row.action,
            row.field or "",
            row.reason,
            raw,
        )
    Console().print(table)
