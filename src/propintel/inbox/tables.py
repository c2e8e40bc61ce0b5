"""The inbox's table (revision 0007 as ``billing_events``, renamed by 0018), for Core statements."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, FetchedValue, Integer, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from propintel.db.base import Base

webhook_events = Table(
    "webhook_events",
    Base.metadata,
    Column("event_pk", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("source", String(20)),
    Column("event_id", String(255)),
    Column("event_type", String(100)),
    Column("event_created", DateTime),
    Column("payload", JSONB),
    Column("received_at", DateTime),
    Column("processed_at", DateTime),
    Column("outcome", Text),
    Column("attempts", Integer),
)
