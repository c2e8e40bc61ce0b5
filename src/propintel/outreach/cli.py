"""`propintel outreach …`: outreach commands (the Do-Not-Call registry import)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.db.engine import in_unit_of_work
from propintel.db.urls import database_url
from propintel.kit.i18n import using_locale
from propintel.outreach import dnc

app = typer.Typer(help="Outreach: the Do-Not-Call registry (docs/outreach/compliance.md).")
console = Console(stderr=True)
FILES_ARGUMENT = typer.Argument(
    ..., exists=True, dir_okay=False, readable=True, help="Registry area-code files."
)


@contextmanager
def _progress(paths: list[Path], enabled: bool) -> Iterator[dnc.OnLine | None]:
    if not enabled:
        yield None
        return
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    total = sum(path.stat().st_size for path in paths)
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("reading the registry files", total=total)
        yield lambda line: progress.advance(task, len(line.encode()))


@app.command("dnc-import")
def dnc_import(
    paths: list[Path] = FILES_ARGUMENT,
    as_json: bool = typer.Option(False, "--json", help="Print the reports as JSON on stdout."),
    rejects: Path | None = typer.Option(
        None, "--rejects", help="Also write every bad line here (file, line, reason, text; TSV)."
    ),
) -> None:
    """Add the numbers of national Do-Not-Call registry files (one number a line: 3055551234,
    305-555-1234 or 305,5551234) to the list the guard checks; all files in one transaction.
    Every bad line is reported with its line number and reason."""
    show_bar = console.is_terminal and not as_json
    with ExitStack() as stack, using_locale("en"):
        on_line = stack.enter_context(_progress(paths, show_bar))
        out = stack.enter_context(rejects.open("w", encoding="utf-8")) if rejects else None
        try:
            reports = asyncio.run(
                in_unit_of_work(
                    database_url(get_settings()),
                    lambda session: _import_all(session, paths, on_line, out, as_json),
                )
            )
        except Exception as error:
            message = f"import failed, nothing was changed: {type(error).__name__}: {error}"
            if as_json:
                print(json.dumps({"status": "failed", "error": message}))
            console.print(f"[red]error:[/red] {message}")
            raise typer.Exit(1) from None
    if as_json:
        print(json.dumps([report.as_dict() for report in reports]))
    else:
        _print(reports)


async def _import_all(
    session: AsyncSession,
    paths: list[Path],
    on_line: dnc.OnLine | None,
    rejects: TextIO | None,
    as_json: bool,
) -> list[dnc.DncImport]:
    reports = []
    for path in paths:

        def on_bad(bad: dnc.BadLine, name: str = path.name) -> None:
            if not as_json:
                console.print(f"{name}:{bad.line}: {bad.reason_text}: {bad.text!r}", markup=False)
            if rejects is not None:
                rejects.write(f"{name}\t{bad.line}\t{bad.reason}\t{bad.text}\n")

        with path.open(encoding="utf-8", errors="replace", newline="") as lines:
            reports.append(
                await dnc.import_dnc(session, lines, name=path.name, on_bad=on_bad, on_line=on_line)
            )
    return reports


def _print(reports: list[dnc.DncImport]) -> None:
    table = Table("file", "lines", "numbers", "added", "already listed", "repeated", "blank", "bad")
    for report in reports:
        table.add_row(
            report.name,
            f"{report.lines:,}",
            f"{report.numbers:,}",
            f"{report.added:,}",
            f"{report.already_listed:,}",
            f"{report.duplicates:,}",
            f"{report.blank:,}",
            f"{report.bad_total:,}",
        )
    Console().print(table)
    for report in reports:
        for reason, count in sorted(report.bad.items()):
            Console().print(f"{report.name}: {count:,} bad: {dnc.reason_text(reason)}")
