"""What other packages read of ingest: the import runs and their quarantined rows (the admin
import pages), whether anything was imported yet (the demo load). The imports themselves run as
jobs (``tasks.py``) and from the CLI."""

from __future__ import annotations

import uuid

import psycopg
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.ingest.repository import ImportRepository, QuarantineRow, RunRow, any_property
from propintel.ingest.tasks import prune_uploads as prune_uploads
from propintel.kit.errors import NotFound
from propintel.kit.i18n import N_
from propintel.kit.pagination import KeyPart, Listing, fingerprint

QUARANTINE = Listing("import_quarantine", (KeyPart.INT,))  # by quarantine_id, oldest first


ABANDONED = N_(
    "The process running this import stopped (worker killed, or cut from the database); nothing "
    "of it was kept. Import the file again."
)
ABANDONED_AFTER_S = 60.0


async def fail_abandoned_runs(session: AsyncSession) -> list[uuid.UUID]:
    """Mark failed the runs left ``running`` by a process that died; their ids."""
    return await ImportRepository.from_session(session).fail_abandoned_runs(
        ABANDONED, ABANDONED_AFTER_S
    )


async def recent_runs(session: AsyncSession, limit: int = 50) -> list[RunRow]:
    """The latest ``limit`` runs, newest first."""
    return await ImportRepository.from_session(session).recent_runs(limit=limit)


async def import_run(session: AsyncSession, run_id: uuid.UUID) -> RunRow:
    """One run; ``NotFound`` for an unknown id."""
    run = await ImportRepository.from_session(session).run(run_id)
    if run is None:
        raise NotFound("No such import run.")
    return run


async def quarantine_page(
    session: AsyncSession, run_id: uuid.UUID, limit: int, cursor: str | None = None
) -> tuple[list[QuarantineRow], str | None]:
    """One page of the run's quarantined rows, oldest first, and the cursor of the next page
    (None: the last); a cursor continues only the run it was made for."""
    bound_to = fingerprint({"run_id": str(run_id)})
    after = QUARANTINE.decode_optional(cursor, bound_to=bound_to)
    rows = await ImportRepository.from_session(session).quarantine(
        run_id, after_id=after[0] if after else 0, limit=limit + 1
    )
    return QUARANTINE.page(rows, limit, key=lambda row: (row.quarantine_id,), bound_to=bound_to)


async def quarantined_rows(
    session: AsyncSession, run_id: uuid.UUID | None, limit: int
) -> list[QuarantineRow]:
    """The first ``limit`` quarantined rows of a run, or of every run (``None``), for the CLI."""
    return await ImportRepository.from_session(session).quarantine(run_id, limit=limit)


def has_properties(url: str) -> bool:
    """Has any property been imported into the database at ``url``?"""
    with psycopg.connect(url) as conn:
        return any_property(conn)
