"""The local outbox page is keyset-paged: newest first, a "Next page" link carrying the cursor,
"First page" once a cursor is used, and a cursor that is not the outbox's is refused (422)."""

from __future__ import annotations

import re
import uuid
from html import unescape

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.home.outbox import PER_PAGE
from propintel.integrations.email import EmailMessage
from propintel.integrations.local.email import LocalEmail
from propintel.integrations.local.outbox_repository import OutboxRepository
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


async def test_a_user_reads_only_their_own_messages_and_an_admin_reads_all(
    db: AsyncSession,
) -> None:
    mine, theirs = await make_subscriber(db), await make_subscriber(db)
    sender = LocalEmail(db, "alerts@example.com")
    sent = []
    for number, user in enumerate((mine, theirs, mine, theirs)):
        message = EmailMessage(user.email, f"Note {number}", "text", user_id=user.user_id)
        sent.append(uuid.UUID((await sender.send(message)).message_id))
    outbox = OutboxRepository(db)

    assert [e.subject for e in await outbox.page(mine.user_id, None, 10)] == ["Note 2", "Note 0"]
    assert await outbox.count(mine.user_id) == 2
    assert await outbox.count(None) >= 4
    newest = await outbox.page(None, None, 2)
    assert [e.subject for e in newest] == ["Note 3", "Note 2"]
    after = (newest[-1].created_at, newest[-1].email_id)
    assert [e.subject for e in await outbox.page(None, after, 2)] == ["Note 1", "Note 0"]
    own = await outbox.page(mine.user_id, (newest[0].created_at, newest[0].email_id), 10)
    assert [e.subject for e in own] == ["Note 2", "Note 0"]

    assert (await outbox.get(sent[1], None)) is not None
    assert (await outbox.get(sent[1], mine.user_id)) is None
    found = await outbox.get(sent[0], mine.user_id)
    assert found is not None and (found.subject, found.user_id) == ("Note 0", mine.user_id)
