"""The import record's tables (``import_runs``, ``import_quarantine``, revision 0004) for the Core
statements of ``repository.py``; the importers write them with psycopg (decision 0006)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Integer, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from propintel.db.base import Base

import_runs = Table(
    "import_runs",
    Base.metadata,
    Column("run_id", UUID(as_uuid=True), primary_key=True),
    Column("kind", String(40)),
    Column("source_file", Text),
    Column("requested_by", UUID(as_uuid=True)),
    Column("requested_by_label", String(255)),
    Column("started_at", DateTime),
    Column("finished_at", DateTime),
    Column("status", String(12)),
    Column("counts", JSONB),
    Column("error", Text),
)

import_quarantine = Table(
    "import_quarantine",
    Base.metadata,
    Column("quarantine_id", BigInteger, primary_key=True),
    Column("run_id", UUID(as_uuid=True)),
    Column("line_number", Integer),
    Column("action", String(16)),
    Column("field", String(60)),
    Column("reason", Text),
    Column("raw_content", Text),
)
