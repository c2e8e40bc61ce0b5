"""Lead tests' own builders: a lead saved through the API, an email sender that fails once."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from propintel.integrations.email import EmailMessage, EmailSendError, SentEmail
from propintel.integrations.local.email import LocalEmail


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
