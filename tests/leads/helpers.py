"""Builders for lead tests: a scored property in one line."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.email import EmailMessage, EmailSendError, SentEmail
from propintel.integrations.local.email import LocalEmail
from tests.scoring.helpers import make_property


async def scored_property(
    db: AsyncSession, *, distressed: int = 0, new_homeowner: int | None = None, **columns: Any
) -> uuid.UUID:
    """A property with the given scores (as a refresh would have written them)."""
    return await make_property(
        db,
        distressed_score=distressed,
        new_homeowner_score=new_homeowner,
        is_new_homeowner=new_homeowner is not None,
        **columns,
    )


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
