"""`propintel db …`: the embedded cluster and migrations of whichever database is configured."""

from __future__ import annotations

import os
import shutil
import subprocess

import typer
from rich.console import Console

from propintel.config import get_settings
from propintel.db import migrate
from propintel.db.embedded import EmbeddedCluster, EmbeddedDatabaseError, pg_bin_dir
from propintel.db.urls import database_url, libpq_url, redacted

app = typer.Typer(help="The database: embedded cluster lifecycle, URL, migrations, psql.")
console = Console(stderr=True)


def _embedded_or_exit() -> EmbeddedCluster:
    settings = get_settings()
    if not settings.uses_embedded_database:
        console.print(
            "PROPINTEL_DATABASE_URL is set: the external database is used and there is no "
            "embedded cluster to manage."
        )
        raise typer.Exit(2)
    return EmbeddedCluster.from_settings(settings)


def prepare_database() -> str:
    """Start the embedded cluster (if used), create the database, migrate. Returns the URL."""
    settings = get_settings()
    if settings.uses_embedded_database:
        EmbeddedCluster.from_settings(settings).start()
    url = database_url(settings)
    migrate.ensure_database_exists(url)
    migrate.upgrade(url)
    return url


@app.command()
def up() -> None:
    """Start the embedded PostgreSQL (initialising it on first use)."""
    cluster = _embedded_or_exit()
    try:
        started = cluster.start()
    except EmbeddedDatabaseError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    console.print(("started" if started else "already running") + f" on port {cluster.port}")


def run_with_cluster(cluster: EmbeddedCluster | None, command: list[str]) -> int:
    """Run ``command`` with the database up and return its exit code.

    The embedded cluster (None: an external database, nothing to manage) is stopped afterwards only
    if this call started it: one that was already running, say under `make run`, is someone
    else's. It is stopped whatever the command's outcome, Ctrl-C included.
    """
    started = cluster.start() if cluster else False
    if cluster and started:
        console.print(f"embedded PostgreSQL started on port {cluster.port}; stopped afterwards")
    try:
        return _wait(subprocess.Popen(command))  # noqa: S603 - the caller's own command
    finally:
        if cluster and started:
            cluster.stop()
            console.print("embedded PostgreSQL stopped")


def _wait(process: subprocess.Popen[bytes]) -> int:
    """The exit code of ``process``. Ctrl-C reaches it too: let it finish its own clean-up."""
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


@app.command(name="with", context_settings={"ignore_unknown_options": True})
def with_database(
    command: list[str] = typer.Argument(..., metavar="COMMAND", show_default=False),
) -> None:
    """Run COMMAND with the database up and exit with its code (how `make test` runs pytest).

    Starts the embedded PostgreSQL if needed, and stops it afterwards only if it started it.

    Example: propintel db with -- .venv/bin/pytest -x
    """
    settings = get_settings()
    cluster = EmbeddedCluster.from_settings(settings) if settings.uses_embedded_database else None
    try:
        code = run_with_cluster(cluster, command)
    except EmbeddedDatabaseError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    except FileNotFoundError as error:
        console.print(f"[red]no such command: {command[0]}[/red]")
        raise typer.Exit(127) from error
    raise typer.Exit(code)


@app.command()
def down() -> None:
    """Stop the embedded PostgreSQL."""
    cluster = _embedded_or_exit()
    console.print("stopped" if cluster.stop() else "not running")


@app.command()
def status() -> None:
    """Is the database reachable, and are migrations current?"""
    settings = get_settings()
    url = database_url(settings) if settings.uses_embedded_database is False else None
    if settings.uses_embedded_database:
        cluster = EmbeddedCluster.from_settings(settings)
        if not cluster.is_running():
            console.print(f"embedded cluster at {cluster.root}: not running")
            raise typer.Exit(1)
        url = cluster.url()
        console.print(f"embedded cluster at {cluster.root}: running on port {cluster.port}")
    assert url is not None
    try:
        current, head = migrate.current_revision(url), migrate.head_revision(url)
    except Exception as error:
        console.print(f"[red]cannot reach {redacted(url)}: {error}[/red]")
        raise typer.Exit(1) from error
    state = "current" if current == head else f"behind (at {current}, head {head})"
    console.print(f"{redacted(url)}: migrations {state}")
    if current != head:
        raise typer.Exit(1)


@app.command()
def url() -> None:
    """Print the database URL (libpq form, with its password: it is for your own use)."""
    settings = get_settings()
    try:
        print(libpq_url(database_url(settings)))
    except FileNotFoundError as error:
        console.print("the embedded cluster is not initialised yet: run `propintel db up`")
        raise typer.Exit(1) from error


@app.command(name="migrate")
def migrate_command(
    revision: str = typer.Option("head", help="Target revision (default: newest)."),
) -> None:
    """Create the database if needed and apply migrations (embedded or PROPINTEL_DATABASE_URL)."""
    try:
        url = prepare_database() if revision == "head" else database_url(get_settings())
        if revision != "head":
            migrate.upgrade(url, revision)
    except EmbeddedDatabaseError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    console.print(f"{redacted(url)}: at revision {migrate.current_revision(url)}")


@app.command()
def psql() -> None:
    """Open psql on the configured database."""
    target = libpq_url(database_url(get_settings()))
    binary = shutil.which("psql") or str(pg_bin_dir() / "psql")
    os.execv(binary, [binary, target])  # noqa: S606
