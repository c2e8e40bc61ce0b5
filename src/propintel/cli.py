"""The `propintel` command line."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError

from propintel.auth.cli import app as users_app
from propintel.config import Settings, get_settings
from propintel.db.cli import app as db_app
from propintel.demo.cli import app as demo_app
from propintel.ingest.cli import app as import_app
from propintel.jobs.cli import worker
from propintel.maintenance.cli import app as maintenance_app
from propintel.outreach.cli import app as outreach_app
from propintel.scoring.cli import app as scores_app

if TYPE_CHECKING:
    from fastapi import FastAPI

app = typer.Typer(help="PropIntel: Miami-Dade property intelligence.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(import_app, name="import")
app.add_typer(demo_app, name="demo")
app.add_typer(maintenance_app, name="maintenance")
app.add_typer(scores_app, name="scores")
app.add_typer(outreach_app, name="outreach")
app.command("worker")(worker)


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Bind address (default PROPINTEL_HOST)."),
    port: int | None = typer.Option(None, help="Port (default PORT, else 8000)."),
    workers: int | None = typer.Option(
        None, min=1, help="Web processes (default PROPINTEL_WEB_WORKERS: one per CPU core)."
    ),
) -> None:
    """Run the web server (the database must be up and migrated: `propintel db migrate`).

    With more than one worker, uvicorn's supervisor binds the socket and starts that many
    processes (each builds its own app and database engine from the factory) and replaces any
    that dies."""
    import uvicorn

    from propintel.kit.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_file)
    # Created here, once, when missing: processes started together would each write their own.
    settings.signing_key()
    uvicorn.run(
        "propintel.cli:web_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.web_workers,
        proxy_headers=True,
        log_config=None,
    )


def web_app() -> FastAPI:
    """The app of one web process, its logging set up first: uvicorn starts each of several
    workers as a new interpreter, which inherits none of the parent's logging configuration."""
    from propintel.app import create_app
    from propintel.kit.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_file)
    web = create_app(settings)
    # What is built so far (modules, routes, templates: ~430k objects) lives as long as the
    # process: kept out of the collector's full passes, which walked it all every few dozen
    # requests (~0.3 s each on the benchmark, docs/reliability.md "CPU per request").
    gc.collect()
    gc.freeze()
    return web


@app.command()
def run(demo: bool = typer.Option(True, help="Load demo data on first start.")) -> None:
    """Everything for development: database, migrations, demo data, worker and web server."""
    from propintel.runner import run_everything

    raise typer.Exit(run_everything(demo=demo))


def main() -> None:
    try:
        get_settings()  # a bad setting stops every command before it starts
    except ValidationError as error:
        typer.echo(configuration_errors(error), err=True)
        raise SystemExit(2) from None
    app()


def configuration_errors(error: ValidationError) -> str:
    """The settings' validation errors, one a line, each named by its variable."""
    lines = ["Invalid configuration (environment variables or .env):"]
    for problem in error.errors(include_url=False, include_input=False):
        field = str(problem["loc"][0]) if problem["loc"] else ""
        alias = Settings.model_fields[field].validation_alias if field else None
        name = str(alias or f"PROPINTEL_{field.upper()}") if field else "settings"
        lines.append(f"  {name}: {problem['msg'].removeprefix('Value error, ')}")
    return "\n".join(lines)
