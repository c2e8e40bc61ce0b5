"""``propintel demo …``: generate the synthetic Miami-Dade (the lead wires this app in)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from propintel.config import get_settings
from propintel.db.urls import database_url
from propintel.demo.generator import MAX_PARCELS, Manifest, generate
from propintel.demo.load import DEMO_SEED, StepCallback, load_demo, step_count
from propintel.ingest.runs import ImportSummary
from propintel.ingest.service import has_properties

app = typer.Typer(help="Synthetic Miami-Dade demo data in the real public file formats.")


@app.callback()
def _main() -> None:
    """Synthetic Miami-Dade demo data in the real public file formats."""


@app.command("generate")
def generate_command(
    out: Path = typer.Option(..., "--out", help="Directory to write the files into."),
    parcels: int = typer.Option(20_000, "--parcels", min=1, max=MAX_PARCELS, help="Parcels."),
    seed: int = typer.Option(42, "--seed", help="Same seed, same files (byte for byte)."),
    pa_csv: bool = typer.Option(False, "--pa-csv", help="Also write pa_points.csv."),
    roll_year: int = typer.Option(2026, "--roll-year", help="Tax roll year of the NAL/SDF."),
    today: str = typer.Option("", "--today", help="Anchor date YYYY-MM-DD (default: today)."),
    workers: int = typer.Option(0, "--workers", min=0, help="Processes (0: one per CPU)."),
) -> None:
    """Write NAL, SDF, PA points, signal feeds, FSBO listings and manifest.json into OUT."""
    console = Console()
    try:
        anchor = date.fromisoformat(today) if today else None
    except ValueError:
        console.print(f"[red]--today must be YYYY-MM-DD, got {today!r}[/red]")
        raise typer.Exit(2) from None
    with _bar(console, "[bold]Generating parcels") as bar:
        task = bar.add_task("parcels", total=parcels)
        manifest = generate(
            out,
            parcels,
            seed,
            roll_year,
            anchor,
            pa_csv=pa_csv,
            workers=workers or None,
            progress=lambda done, _total: bar.update(task, completed=done),
        )
    console.print(summary_table(manifest, out))


def summary_table(manifest: Manifest, out: Path) -> Table:
    """Rows per file, and what is deliberately bad or unmatched in it."""
    table = Table(title=f"{manifest.parcels:,} parcels, seed {manifest.seed} → {out}")
    table.add_column("file")
    table.add_column("rows", justify="right")
    table.add_column("notes")
    for name, stats in manifest.files.items():
        table.add_row(name, f"{stats['rows']:,}", _notes(stats))
    return table


def _notes(stats: dict[str, object]) -> str:
    notes = []
    for key in ("bad_rows", "junk"):
        group = stats.get(key)
        if isinstance(group, dict) and sum(group.values()):
            notes.append(f"{key.replace('_', ' ')} {sum(group.values())}")
    for key in ("short_folio", "placeholders", "unmatched", "cancellations"):
        value = stats.get(key)
        if isinstance(value, int) and value:
            notes.append(f"{key.replace('_', ' ')} {value}")
    return ", ".join(notes)


def _bar(console: Console, title: str) -> Progress:
    """A progress bar with a count and the time so far, shown only on a terminal."""
    return Progress(
        TextColumn(title),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )


@contextmanager
def demo_progress(console: Console) -> Iterator[StepCallback]:
    """A bar of ``load_demo``'s steps, naming the current one: the first start takes a while."""
    with _bar(console, "[bold]Demo data[/bold] {task.description}") as bar:
        task = bar.add_task("", total=step_count())
        started = False

        def on_step(label: str) -> None:
            nonlocal started
            if started:
                bar.advance(task)
            started = True
            bar.update(task, description=label)
            if not console.is_terminal:  # no bar (a log, CI): one line per step
                console.print(f"demo data: {label}…")

        yield on_step
        bar.update(task, completed=step_count(), description="loaded")


@app.command("load")
def load_command(
    parcels: int = typer.Option(
        0, "--parcels", min=0, max=MAX_PARCELS, help="Parcels (default PROPINTEL_DEMO_PARCELS)."
    ),
    seed: int = typer.Option(DEMO_SEED, "--seed", help="Generator seed."),
    force: bool = typer.Option(False, "--force", help="Load even if properties exist."),
) -> None:
    """Generate the demo data, import it through the real importers and score it."""
    settings = get_settings()
    url = database_url(settings)
    console = Console()
    if has_properties(url) and not force:
        console.print("properties already exist: nothing loaded (use --force to add the demo)")
        return
    count = parcels or settings.demo_parcels
    console.print(f"generating, importing and scoring a synthetic Miami-Dade of {count:,} parcels")
    with (
        tempfile.TemporaryDirectory(prefix="propintel-demo-") as workdir,
        demo_progress(console) as on_step,
    ):
        loaded = load_demo(url, Path(workdir), count, seed=seed, on_step=on_step)
    console.print(import_table(loaded.imports))
    console.print(f"demo data loaded; {loaded.scores.get('changed', 0):,} properties scored")


def import_table(summaries: list[ImportSummary]) -> Table:
    table = Table(title="Demo imports")
    for column in ("file", "read", "inserted", "quarantined", "seconds"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for summary in summaries:
        table.add_row(
            summary.source_file,
            f"{summary.read:,}",
            f"{summary.inserted:,}",
            f"{sum(summary.quarantined.values()):,}",
            f"{summary.elapsed_s:.1f}",
        )
    return table
