"""The homeowner dashboard's table (spec: ``homeowner_jobs``), for Core statements: only the
columns home's queries use."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, FetchedValue, String, Table
from sqlalchemy.dialects.postgresql import UUID

from propintel.db.base import Base

homeowner_jobs = Table(
    "homeowner_jobs",
    Base.metadata,
    Column("job_id", UUID(as_uuid=True), primary_key=True, server_default=FetchedValue()),
    Column("homeowner_id", UUID(as_uuid=True)),
    Column("job_title", String(255)),
    Column("service_category", String(100)),
    Column("status", String(20)),
    Column("created_at", DateTime),
)
