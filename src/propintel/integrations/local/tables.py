"""The local email outbox's table (revision 0010: ``email_outbox``), for Core statements."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, FetchedValue, String, Table, Text
from sqlalchemy.dialects.postgresql import UUID

from propintel.db.base import Base

email_outbox = Table(
    "email_outbox",
    Base.metadata,
    Column("email_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("user_id", UUID(as_uuid=True)),
    Column("to_email", String(255)),
    Column("from_email", String(255)),
    Column("subject", String(255)),
    Column("text_body", Text),
    Column("html_body", Text),
    Column("category", String(50)),
    Column("created_at", DateTime),
)
