"""POST /webhooks/stripe: the signature is checked on the raw body before anything is stored;
an event is stored once and handled by a job."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from tests.billing.helpers import SECRET, envelope, now, signed

STORED = "SELECT count(*) FROM webhook_events"
DEFERRED = "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'billing.handle_event'"


@pytest.fixture
def app_options() -> dict[str, Any]:
    settings = get_settings().model_copy(update={"stripe_webhook_secret": SecretStr(SECRET)})
    return {"settings": settings}


def _event() -> dict[str, Any]:
    return envelope("invoice.paid", {"id": "in_1", "object": "invoice"})


async def _counts(db: AsyncSession) -> tuple[int, int]:
    return int(await db.scalar(text(STORED))), int(await db.scalar(text(DEFERRED)))


async def _post(client: httpx.AsyncClient, body: bytes, header: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["Stripe-Signature"] = header
    return await client.post("/webhooks/stripe", content=body, headers=headers)


async def test_a_signed_event_is_stored_once_and_handed_to_a_job(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    body, header = signed(_event())
    first = await _post(client, body, header)
    assert first.status_code == 200 and first.json() == {"received": True, "duplicate": False}
    replay = await _post(client, body, header)
    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    assert await _counts(db) == (1, 1)


@pytest.mark.parametrize(
    "case",
    ["tampered body", "wrong secret", "stale timestamp", "missing header", "garbage header"],
)
async def test_a_bad_signature_is_refused_with_400_and_nothing_stored(
    db: AsyncSession, client: httpx.AsyncClient, case: str
) -> None:
    body, header = signed(_event())
    if case == "tampered body":
        body = body.replace(b"in_1", b"in_2")
    elif case == "wrong secret":
        body, header = signed(_event(), secret="whsec_someone_else")
    elif case == "stale timestamp":
        body, header = signed(_event(), at=now() - 301)
    elif case == "garbage header":
        header = "t=1,v1=deadbeef"
    response = await _post(client, body, None if case == "missing header" else header)
    assert response.status_code == 400
    assert "signature" in response.text.lower()
    assert await _counts(db) == (0, 0)


async def test_a_timestamp_within_the_tolerance_is_accepted(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    body, header = signed(_event(), at=now() - 290)
    assert (await _post(client, body, header)).status_code == 200
    assert await _counts(db) == (1, 1)
