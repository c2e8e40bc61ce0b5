"""Queries over import runs and the quarantine (for the CLI and the admin pages), and whether any
property was imported yet (a first start loads the demo)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import text

from propintel.db.repository import Repository


@dataclass(frozen=True)
class RunRow:
    run_id: uuid.UUID
    kind: str
    source_file: str
    requested_by: str | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    counts: dict[str, Any] | None
    error: str | None


@dataclass(frozen=True)
class QuarantineRow:
    quarantine_id: int
    run_id: uuid.UUID
    line_number: int | None
    action: str
    field: str | None
    reason: str
    raw_content: str | None


RUN_COLUMNS = """r.run_id, r.kind, r.source_file,
  COALESCE(u.email, r.requested_by_label) AS requested_by, r.started_at, r.finished_at,
  r.status, r.counts, r.error"""


class ImportRepository(Repository):
    async def recent_runs(self, limit: int = 50, before: datetime | None = None) -> list[RunRow]:
        rows = await self.session.execute(
            text(
                f"SELECT {RUN_COLUMNS} FROM import_runs r "
                "LEFT JOIN users u ON u.user_id = r.requested_by "
                "WHERE (CAST(:before AS timestamp) IS NULL OR r.started_at < :before) "
                "ORDER BY r.started_at DESC LIMIT :limit"
            ),
            {"limit": limit, "before": before},
        )
        return [RunRow(**row._mapping) for row in rows]

    async def run(self, run_id: uuid.UUID) -> RunRow | None:
        row = (
            await self.session.execute(
                text(
                    f"SELECT {RUN_COLUMNS} FROM import_runs r "
                    "LEFT JOIN users u ON u.user_id = r.requested_by WHERE r.run_id = :run_id"
                ),
                {"run_id": run_id},
            )
        ).first()
        return RunRow(**row._mapping) if row else None

    async def quarantine(
        self, run_id: uuid.UUID | None = None, *, after_id: int = 0, limit: int = 100
    ) -> list[QuarantineRow]:
        """Keyset-paginated quarantine rows, oldest first (``after_id`` from the last page)."""
        rows = await self.session.execute(
            text(
                "SELECT quarantine_id, run_id, line_number, action, field, reason, raw_content "
                "FROM import_quarantine WHERE quarantine_id > :after "
                "AND (CAST(:run_id AS uuid) IS NULL OR run_id = :run_id) "
                "ORDER BY quarantine_id LIMIT :limit"
            ),
            {"run_id": run_id, "after": after_id, "limit": limit},
        )
        return [QuarantineRow(**row._mapping) for row in rows]


def any_property(conn: psycopg.Connection[Any]) -> bool:
    """Has anything been imported into ``properties`` (on a synchronous connection)?"""
    return conn.execute("SELECT EXISTS (SELECT 1 FROM properties)").fetchone() == (True,)
