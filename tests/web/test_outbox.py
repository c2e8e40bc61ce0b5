"""The local outbox page is keyset-paged: newest first, a "Next page" link carrying the cursor,
"First page" once a cursor is used, and a cursor that is not the outbox's is refused (422)."""

from __future__ import annotations

import re
from html import unescape

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.home.outbox import PER_PAGE
from propintel.integrations.email import EmailMessage
from propintel.integrations.local.email import LocalEmail
from tests.factories import log_in_browser, make_subscriber


def _subjects(html: str) -> list[str]:
    return re.findall(r'<a href="/outbox/[0-9a-f-]{36}">([^<]*)</a>', html)


def _link(html: str, label: str) -> str | None:
    found = re.search(rf'<a href="([^"]*)">{label}</a>', html)
    return unescape(found.group(1)) if found else None


async def test_the_outbox_pages_by_cursor_newest_first(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await make_subscriber(db)
    sender = LocalEmail(db, "alerts@example.com")
    count = PER_PAGE + 3
    for number in range(count):
        message = EmailMessage(user.email, f"Alert {number:02}", "text", user_id=user.user_id)
        await sender.send(message)
    await log_in_browser(client, user)

    first = await client.get("/outbox")
    assert first.status_code == 200 and f"{count} emails" in first.text
    assert _subjects(first.text) == [f"Alert {n:02}" for n in range(count - 1, 2, -1)]
    assert _link(first.text, "First page") is None
    next_url = _link(first.text, "Next page")
    assert next_url and next_url.startswith("/outbox?cursor=")

    second = await client.get(next_url)
    assert _subjects(second.text) == ["Alert 02", "Alert 01", "Alert 00"]
    assert _link(second.text, "Next page") is None
    assert _link(second.text, "First page") == "/outbox"


async def test_a_cursor_not_made_by_the_outbox_is_refused(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    await log_in_browser(client, await make_subscriber(db))

    response = await client.get("/outbox", params={"cursor": "not-a-cursor"})

    assert response.status_code == 422
