"""The local email adapter: messages go to the ``email_outbox`` table (``outbox_repository``),
never to the network."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.email import EmailMessage, SentEmail
from propintel.integrations.local.outbox_repository import OutboxRepository

PROVIDER = "local"


class LocalEmail:
    provider = PROVIDER

    def __init__(self, session: AsyncSession, from_email: str) -> None:
        self.session = session
        self.from_email = from_email

    async def send(self, message: EmailMessage) -> SentEmail:
        email_id = await OutboxRepository.from_session(self.session).insert(
            user_id=message.user_id,
            to=message.to,
            from_email=self.from_email,
            subject=message.subject,
            text_body=message.text,
            html_body=message.html,
            category=message.category,
        )
        return SentEmail(PROVIDER, str(email_id))
