"""Queries over import runs and the quarantine (for the CLI and the admin pages), and whether any
property was imported yet (a first start loads the demo)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import Select, func, select, text, update

from propintel.auth.models import User
from propintel.db.repository import Repository
from propintel.ingest.runs import RUN_LOCK_KEY_SQL
from propintel.ingest.tables import import_quarantine, import_runs


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


_runs = import_runs.c
_quarantine = import_quarantine.c


def _runs_with_requester() -> Select[Any]:
    """Runs with who asked for them: the user's email, or the label of a CLI run."""
    return select(
        _runs.run_id,
        _runs.kind,
        _runs.source_file,
        func.coalesce(User.email, _runs.requested_by_label).label("requested_by"),
        _runs.started_at,
        _runs.finished_at,
        _runs.status,
        _runs.counts,
        _runs.error,
    ).outerjoin(User, User.user_id == _runs.requested_by)


class ImportRepository(Repository):
    async def fail_abandoned_runs(self, error: str, started_before_s: float) -> list[uuid.UUID]:
        """Runs ``running`` whose process is gone (their lock is free, see ``runs.py``) and which
        started more than ``started_before_s`` ago (a run takes its lock just after its row is
        written), marked failed with ``error``."""
        lock_is_free = text(
            f"pg_try_advisory_xact_lock({RUN_LOCK_KEY_SQL.replace('%s', 'import_runs.run_id')})"
        )
        statement = (
            update(import_runs)
            .where(
                _runs.status == "running",
                _runs.started_at < func.localtimestamp() - timedelta(seconds=started_before_s),
                lock_is_free,
            )
            .values(status="failed", finished_at=func.localtimestamp(), error=error)
            .returning(_runs.run_id)
        )
        return list((await self.session.execute(statement)).scalars())

    async def recent_runs(self, limit: int = 50, before: datetime | None = None) -> list[RunRow]:
        statement = _runs_with_requester()
        if before is not None:
            statement = statement.where(_runs.started_at < before)
        rows = await self.session.execute(statement.order_by(_runs.started_at.desc()).limit(limit))
        return [RunRow(**row._mapping) for row in rows]

    async def run(self, run_id: uuid.UUID) -> RunRow | None:
        statement = _runs_with_requester().where(_runs.run_id == run_id)
        row = (await self.session.execute(statement)).first()
        return RunRow(**row._mapping) if row else None

    async def quarantine(
        self, run_id: uuid.UUID | None = None, *, after_id: int = 0, limit: int = 100
    ) -> list[QuarantineRow]:
        """Keyset-paginated quarantine rows, oldest first (``after_id`` from the last page)."""
        statement = select(
            _quarantine.quarantine_id,
            _quarantine.run_id,
            _quarantine.line_number,
            _quarantine.action,
            _quarantine.field,
            _quarantine.reason,
            _quarantine.raw_content,
        ).where(_quarantine.quarantine_id > after_id)
        if run_id is not None:
            statement = statement.where(_quarantine.run_id == run_id)
        rows = await self.session.execute(
            statement.order_by(_quarantine.quarantine_id).limit(limit)
        )
        return [QuarantineRow(**row._mapping) for row in rows]


def any_property(conn: psycopg.Connection[Any]) -> bool:
    """Has anything been imported into ``properties`` (on a synchronous connection)?"""
    # Kept as text: a plain psycopg connection (the importers' driver), no SQLAlchemy session.
    return conn.execute("SELECT EXISTS (SELECT 1 FROM properties)").fetchone() == (True,)
