"""The subscriber's token page: history with running balance, preferences form with CSRF."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.tokens import service
from propintel.web.security import CSRF_REFUSAL
from tests.factories import NOON, funded_subscriber, log_in_browser


async def test_tokens_page_shows_history_and_saves_preferences(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await funded_subscriber(db, 100)
    await service.charge(db, user.user_id, "sms_send", 1, "sms-1", now=NOON)
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
    assert no_csrf.status_code == 403 and CSRF_REFUSAL in no_csrf.text


async def test_history_pages_by_cursor_and_a_wrong_number_is_named(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await funded_subscriber(db, 100)
    for minute in range(50):  # 51 entries: one page of 50, then the purchase
        await service.charge(db, user.user_id, "email_send", 1, now=NOON.replace(minute=minute))
    await log_in_browser(client, user)
    first = await client.get("/tokens")
    assert "First page" not in first.text and first.text.count("usage: email_send") == 50
    [next_url] = re.findall(r'href="(/tokens\?cursor=[^"]+)">Next page', first.text)
    second = await client.get(next_url)
    assert second.status_code == 200 and "Token purchase" in second.text
    assert "Next page" not in second.text and '<a href="/tokens">First page</a>' in second.text
    assert (await client.get("/tokens?cursor=bm90LWEtY3Vyc29y")).status_code == 422
    form = {"csrf_token": client.cookies.get("propintel_csrf"), "recharge_threshold": "ten"}
    wrong = await client.post("/tokens/preferences", data=form)
    assert wrong.status_code == 422 and "Enter a whole number." in wrong.text
    assert 'data-testid="error-recharge_threshold"' in wrong.text
