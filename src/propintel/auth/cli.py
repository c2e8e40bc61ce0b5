"""`propintel users …`: create accounts from the command line (the only way to make an admin)."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from propintel.auth.models import Plan, UserType
from propintel.auth.service import NewAccount, register
from propintel.config import get_settings
from propintel.db.engine import in_unit_of_work
from propintel.db.urls import database_url
from propintel.kit.errors import DomainError

app = typer.Typer(help="User accounts.", no_args_is_help=True)
console = Console(stderr=True)


async def create_account(account: NewAccount) -> str:
    settings = get_settings()
    user = await in_unit_of_work(
        database_url(settings), lambda session: register(session, settings, account)
    )
    return str(user.user_id)


@app.command("create")
def create(
    email: str = typer.Option(..., help="Log-in email."),
    password: str = typer.Option(..., help="At least 10 characters.", hide_input=True),
    user_type: UserType = typer.Option(..., "--type", help="subscriber, homeowner or admin."),
    plan: Plan = typer.Option(Plan.NONE, help="Subscribers only: contractor, investor or full."),
    name: str | None = typer.Option(None, help="Person or business name."),
) -> None:
    """Create a user with a local password (subscribers may get an active plan)."""
    try:
        user_id = asyncio.run(
            create_account(NewAccount(email, password, user_type, plan, name, email_verified=True))
        )
    except DomainError as error:
        console.print(f"[red]error:[/red] {error.message}")
        raise typer.Exit(1) from error
    console.print(f"created {user_type.value} {email} ({user_id})")
