"""With a SendGrid key the outbox does not exist (mail really leaves) and the nav hides it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings
from tests.factories import log_in_browser, make_subscriber


@pytest.fixture
def app_options() -> dict[str, Any]:
    return {"settings": Settings(sendgrid_api_key=SecretStr("SG.test"))}


async def test_no_outbox_when_sendgrid_is_configured(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    page = await client.get("/outbox")
    dashboard = await client.get("/dashboard")
    assert page.status_code == 404
    assert 'href="/outbox"' not in dashboard.text
