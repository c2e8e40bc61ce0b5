"""Email: one interface, the SendGrid adapter (production) and the local outbox (development and
tests), chosen once by settings (``providers.email_senders``): SendGrid when
``PROPINTEL_SENDGRID_API_KEY`` is set.

The local adapter is an honest simulator: it stores each message in ``email_outbox`` in the
caller's transaction, nothing leaves the machine, and /outbox shows what would have been sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings


@dataclass(frozen=True)
class EmailMessage:
    to: str
    subject: str
    text: str
    html: str | None = None
    category: str | None = None  # e.g. "saved_search_alert" (a SendGrid category, an outbox tag)
    user_id: uuid.UUID | None = None  # the recipient's account, when they have one


@dataclass(frozen=True)
class SentEmail:
    provider: str
    message_id: str | None


class EmailSendError(Exception):
    """The provider refused or could not be reached; nothing was sent."""


class EmailSender(Protocol):
    provider: str

    async def send(self, message: EmailMessage) -> SentEmail: ...


# The sender of one unit of work: the local outbox writes through the caller's session, so an
# outbox row exists only if the caller commits.
EmailSenders = Callable[[AsyncSession], EmailSender]


def uses_local_email(settings: Settings) -> bool:
    return settings.sendgrid_api_key is None
