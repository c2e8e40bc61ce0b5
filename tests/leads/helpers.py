"""Lead tests' own builders: a lead saved through the API, an email sender that fails once."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from propintel.integrations.email import EmailMessage, EmailSendError, SentEmail
from propintel.integrations.local.email import LocalEmail
from tests.factories import api_as, scored_property


async def save_lead(
    client: httpx.AsyncClient, headers: dict[str, str], prop: uuid.UUID, source: str = "distressed"
) -> dict[str, Any]:
    """Save ``prop`` as a lead through the API; its JSON."""
    saved = await client.post(
        "/api/v1/leads", json={"property_id": str(prop), "lead_source": source}, headers=headers
    )
    assert saved.status_code == 201, saved.text
    lead: dict[str, Any] = saved.json()
    return lead


async def api_lead(
    client: httpx.AsyncClient, db: AsyncSession, source: str = "distressed"
) -> tuple[dict[str, str], dict[str, Any]]:
    """A new full-plan subscriber's API headers, and a lead it saved through the API (of an
    unscored property, for ``source``)."""
    headers = await api_as(client, db, Plan.FULL)
    return headers, await save_lead(client, headers, await scored_property(db), source)


class FailingOnce:
    """An email sender whose first send fails as SendGrid's outage would; later ones go to
    ``fallback``."""

    provider = "failing"

    def __init__(self, fallback: LocalEmail) -> None:
        self.calls = 0
        self.fallback = fallback

    async def send(self, message: EmailMessage) -> SentEmail:
        self.calls += 1
        if self.calls == 1:
            raise EmailSendError("SendGrid could not be reached (TimeoutError)")
        return await self.fallback.send(message)
