"""Email through SendGrid's v3 Mail Send (``POST /v3/mail/send``, Bearer key): 202 with the
message id in ``X-Message-Id``. The library is synchronous (urllib): it runs in a thread.

No idempotency key exists for Mail Send, so a send is never retried automatically here.
"""

from __future__ import annotations

import asyncio

from pydantic import SecretStr
from python_http_client.exceptions import HTTPError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import Category, CustomArg, From, Header, Mail, ReplyTo

from propintel.integrations.email import EmailMessage, EmailSendError, SentEmail, sender_of

PROVIDER = "sendgrid"
TIMEOUT_S = 15.0


def sendgrid_client(api_key: SecretStr) -> SendGridAPIClient:
    client = SendGridAPIClient(api_key.get_secret_value())
    client.client.timeout = TIMEOUT_S
    return client


def mail_of(message: EmailMessage, from_email: str) -> Mail:
    name, address = sender_of(from_email, message.from_name)
    mail = Mail(
        from_email=From(address, name or None),
        to_emails=message.to,
        subject=message.subject,
        plain_text_content=message.text,
        html_content=message.html,
    )
    if message.category:
        mail.category = Category(message.category)
    for key, value in message.headers.items():
        mail.header = Header(key, value)
    for key, value in message.custom_args.items():
        mail.custom_arg = CustomArg(key, value)
    if message.reply_to:
        mail.reply_to = ReplyTo(message.reply_to)
    return mail


class SendGridEmail:
    provider = PROVIDER

    def __init__(self, client: SendGridAPIClient, from_email: str) -> None:
        self.client = client
        self.from_email = from_email

    async def send(self, message: EmailMessage) -> SentEmail:
        mail = mail_of(message, self.from_email)
        try:
            response = await asyncio.to_thread(self.client.send, mail)
        except HTTPError as error:
            # The status only: SendGrid's error body may echo the recipient address.
            raise EmailSendError(
                f"SendGrid refused the message (HTTP {error.status_code})"
            ) from None
        except OSError as error:
            raise EmailSendError(
                f"SendGrid could not be reached ({type(error).__name__})"
            ) from None
        return SentEmail(PROVIDER, response.headers.get("X-Message-Id"))
