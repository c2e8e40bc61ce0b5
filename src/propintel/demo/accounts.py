"""The demo on a development install: the demo accounts (auth/demo_accounts.py), created once,
idempotently, and on first start the synthetic Miami-Dade, imported and scored."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.demo_accounts import DEMO_ACCOUNTS, demo_logins
from propintel.auth.service import register, user_by_email
from propintel.config import Settings
from propintel.db.engine import in_unit_of_work
from propintel.db.urls import database_url
from propintel.demo.cli import demo_progress
from propintel.demo.load import load_demo
from propintel.ingest.service import has_properties


async def _ensure_accounts(settings: Settings, url: str) -> None:
    async def ensure(session: AsyncSession) -> None:
        for _, account in DEMO_ACCOUNTS:
            if await user_by_email(session, account.email) is None:
                await register(session, settings, account)

    await in_unit_of_work(url, ensure)


def ensure_demo_data(settings: Settings, console: Console) -> list[dict[str, str]]:
    """Demo accounts, and on first start (no properties yet) the synthetic Miami-Dade, imported
    and scored, with a progress bar on ``console``."""
    url = database_url(settings)
    asyncio.run(_ensure_accounts(settings, url))
    if not has_properties(url):
        console.print(
            f"First start: generating, importing and scoring a synthetic Miami-Dade of "
            f"{settings.demo_parcels:,} parcels (about a minute)."
        )
        with (
            tempfile.TemporaryDirectory(prefix="propintel-demo-") as workdir,
            demo_progress(console) as on_step,
        ):
            load_demo(url, Path(workdir), settings.demo_parcels, on_step=on_step)
    return demo_logins()
