"""The email adapter, chosen once by settings.

``create_app`` keeps the choice on ``app.state.email_senders``; code that runs without an app (the
worker's jobs, the CLI) gets the same choice from ``configured_email_senders()``, made once per
process from its settings. Either way callers get a function of their session, because the local
outbox writes in the caller's unit of work.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings, get_settings
from propintel.integrations.email import EmailSender, EmailSenders, uses_local_email
from propintel.integrations.local.email import LocalEmail
from propintel.integrations.local.storage import LocalFileStorage
from propintel.integrations.s3.storage import S3FileStorage, s3_client
from propintel.integrations.sendgrid.email import SendGridEmail, sendgrid_client
from propintel.integrations.storage import FileStorage


def email_senders(settings: Settings) -> EmailSenders:
    """SendGrid when its key is set (one client for the process), else the local outbox."""
    from_email = settings.email_from
    if uses_local_email(settings):

        def local(session: AsyncSession) -> EmailSender:
            return LocalEmail(session, from_email)

        return local
    assert settings.sendgrid_api_key is not None
    sendgrid = SendGridEmail(sendgrid_client(settings.sendgrid_api_key), from_email)
    return lambda _session: sendgrid


@lru_cache(maxsize=1)
def configured_email_senders() -> EmailSenders:
    """The choice for this process's settings (``get_settings()``), made on first use."""
    return email_senders(get_settings())


def file_storage(settings: Settings) -> FileStorage:
    """S3 when a bucket is set (one client for the process), else files under the data dir."""
    if settings.storage_bucket:
        client = s3_client(settings.storage_endpoint_url, settings.storage_region)
        return S3FileStorage(client, settings.storage_bucket, settings.storage_prefix)
    return LocalFileStorage(settings.data_dir / "media")


@lru_cache(maxsize=1)
def configured_file_storage() -> FileStorage:
    """The choice for this process's settings (``get_settings()``), made on first use."""
    return file_storage(get_settings())
