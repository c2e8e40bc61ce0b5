"""The audit trail's table (spec: ``admin_audit_logs``), for Core statements."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, FetchedValue, String, Table
from sqlalchemy.dialects.postgresql import JSONB, UUID

from propintel.db.base import Base

admin_audit_logs = Table(
    "admin_audit_logs",
    Base.metadata,
    Column("log_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("admin_user_id", UUID(as_uuid=True)),
    Column("action", String(100)),
    Column("target_entity", String(50)),
    Column("target_id", UUID(as_uuid=True)),
    Column("changes", JSONB),
    Column("timestamp", DateTime, server_default=FetchedValue()),
)
