"""A Stripe signature is good for 5 minutes either way: Stripe's own check refuses only old
timestamps, so one dated in the future (signed ahead to be replayed later) is refused too."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.integrations.payments import BadSignature
from propintel.integrations.stripe import webhooks as stripe_webhooks
from tests.billing.helpers import SECRET, envelope, now, signed


@pytest.fixture
def app_options() -> dict[str, Any]:
    settings = get_settings().model_copy(update={"stripe_webhook_secret": SecretStr(SECRET)})
    return {"settings": settings}


def _event() -> dict[str, Any]:
    return envelope("invoice.paid", {"id": "in_future", "object": "invoice"})


async def _post(client: httpx.AsyncClient, body: bytes, header: str) -> httpx.Response:
    return await client.post(
        "/webhooks/stripe",
        content=body,
        headers={"Content-Type": "application/json", "Stripe-Signature": header},
    )


async def test_a_signature_dated_ten_minutes_ahead_is_refused_and_nothing_stored(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    body, header = signed(_event(), at=now() + 600)
    response = await _post(client, body, header)
    assert response.status_code == 400
    assert "signature" in response.text.lower()
    assert await db.scalar(text("SELECT count(*) FROM webhook_events")) == 0


async def test_a_signature_a_little_ahead_is_accepted(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    body, header = signed(_event(), at=now() + 60)
    assert (await _post(client, body, header)).status_code == 200


@pytest.mark.parametrize("offset", [-301, 301, 600, -600])
def test_beyond_the_tolerance_either_way_is_refused(offset: int) -> None:
    clock = 1_800_000_000
    body, header = signed(_event(), at=clock + offset)
    with pytest.raises(BadSignature):
        stripe_webhooks.verified_event(body, header, SECRET, now=clock)


@pytest.mark.parametrize("offset", [-299, 0, 299])
def test_within_the_tolerance_either_way_is_accepted(offset: int) -> None:
    clock = 1_800_000_000
    body, header = signed(_event(), at=clock + offset)
    assert stripe_webhooks.verified_event(body, header, SECRET, now=clock)["type"] == "invoice.paid"
