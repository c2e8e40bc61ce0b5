"""The subscriber's token page: history with running balance, preferences form with CSRF."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.tokens import service
from propintel.tokens.repository import TokenRepository
from tests.factories import log_in_browser
from tests.tokens.helpers import NOON, funded_subscriber


async def test_tokens_page_shows_history_and_saves_preferences(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await funded_subscriber(db, 100)
    await service.charge(TokenRepository(db), user.user_id, "sms_send", 1, "sms-1", now=NOON)
    await log_in_browser(client, user)
    page = await client.get("/tokens")
    assert page.status_code == 200
    assert 'href="/tokens"' in page.text and "sms_send" in page.text and "<td>90</td>" in page.text
    csrf = client.cookies.get("propintel_csrf")
    form = {
        "csrf_token": csrf,
        "daily_limit": "40",
        "recharge_threshold": "0",
        "recharge_amount": "0",
    }
    saved = await client.post("/tokens/preferences", data=form)
    assert saved.status_code == 303
    bad = await client.post("/tokens/preferences", data={**form, "daily_limit": "-5"})
    assert bad.status_code == 422 and "error-daily_limit" in bad.text
    assert 'value="40"' in bad.text
    no_csrf = await client.post("/tokens/preferences", data={"daily_limit": "1"})
    assert no_csrf.status_code in (400, 403)
