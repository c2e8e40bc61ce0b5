"""Email: one interface, the SendGrid adapter (production) and the local outbox (development and
tests), chosen once by settings (``providers.email_senders``): SendGrid when
``PROPINTEL_SENDGRID_API_KEY`` is set.

The local adapter is an honest simulator: it stores each message in ``email_outbox`` in the
caller's transaction, nothing leaves the machine, and /outbox shows what would have been sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr
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
    user_id: uuid.UUID | None = None  # whose outbox shows it: the recipient's account, or the
    # subscriber who sent an outreach e-mail
    # Extra header lines (``List-Unsubscribe``, ``List-Unsubscribe-Post``), sent as they are.
    headers: Mapping[str, str] = field(default_factory=dict)
    # Tags the provider echoes in its events (SendGrid's custom_args: ``log_id``, ``user_id``).
    custom_args: Mapping[str, str] = field(default_factory=dict)
    reply_to: str | None = None
    from_name: str | None = None  # the sender's display name (the address stays ours)


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


def sender_of(from_email: str, from_name: str | None) -> tuple[str, str]:
    """(display name, address) of a message sent from ``from_email`` (``"PropIntel
    <alerts@…>"``), under ``from_name`` when it has one."""
    name, address = parseaddr(from_email)
    return (from_name or name), address


def formatted_sender(from_email: str, from_name: str | None) -> str:
    """The ``From`` line: ``"Name <address>"`` (quoted where the name needs it)."""
    name, address = sender_of(from_email, from_name)
    return formataddr((name, address)) if name else address


def uses_local_email(settings: Settings) -> bool:
    return settings.sendgrid_api_key is None
