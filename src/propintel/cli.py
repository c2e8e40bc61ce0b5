"""The `propintel` command line."""

from __future__ import annotations

import typer

from propintel.db.cli import app as db_app

app = typer.Typer(help="PropIntel: Miami-Dade property intelligence.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def main() -> None:
    app()
