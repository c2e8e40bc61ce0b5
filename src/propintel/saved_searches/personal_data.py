"""Saved searches' part of "Your data" (docs/accounts.md): the account's saved searches for its
export, deleted when the account is erased (the matches recorded for their alerts go with them).
Called by ``account_data``."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.db.export import export_rows_of
from propintel.saved_searches.personal_data_repository import (
    EXPORTS,
    SavedSearchDataRepository,
)

SECTIONS: tuple[str, ...] = tuple(EXPORTS)


export_rows = export_rows_of(SavedSearchDataRepository)


async def erase(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Delete the account's saved searches; returns how many."""
    return await SavedSearchDataRepository.from_session(session).erase(user_id)
