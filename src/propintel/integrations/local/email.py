"""The local email adapter: messages go to the ``email_outbox`` table (``outbox_repository``),
never to the network. Extra headers are kept with the message (the Reply-To among them), as the
outbox page shows them; SendGrid's custom args have no place in a message and are not kept (the
provider's message id, the outbox row's id, leads back to whatever they tagged)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.email import EmailMessage, SentEmail, formatted_sender
from propintel.integrations.local.outbox_repository import OutboxRepository

PROVIDER = "local"


class LocalEmail:
    provider = PROVIDER

    def __init__(self, session: AsyncSession, from_email: str) -> None:
        self.session = session
        self.from_email = from_email

    async def send(self, message: EmailMessage) -> SentEmail:
        headers = dict(message.headers)
        if message.reply_to:
            headers["Reply-To"] = message.reply_to
        email_id = await OutboxRepository.from_session(self.session).insert(
            user_id=message.user_id,
            to=message.to,
            from_email=formatted_sender(self.from_email, message.from_name),
            subject=message.subject,
            text_body=message.text,
            html_body=message.html,
            category=message.category,
            headers=headers,
        )
        return SentEmail(PROVIDER, str(email_id))
