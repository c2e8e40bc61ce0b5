"""Saved searches' part of "Your data" (docs/accounts.md): the account's saved searches for its
export, deleted when the account is erased (the matches recorded for their alerts go with them).
Called by ``account_data``."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.db.export import EXPORT_PAGE_SIZE, ExportPage
from propintel.saved_searches.personal_data_repository import (
    EXPORTS,
    SavedSearchDataRepository,
)

SECTIONS: tuple[str, ...] = tuple(EXPORTS)


async def export_rows(
    session: AsyncSession,
    user_id: uuid.UUID,
    section: str,
    *,
    after: Any = None,
    limit: int = EXPORT_PAGE_SIZE,
) -> ExportPage:
    """One keyset page of the account's rows of ``section`` (one of ``SECTIONS``)."""
    repo = SavedSearchDataRepository.from_session(session)
    return await repo.export_page(section, user_id, after, limit)


async def erase(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Delete the account's saved searches; returns how many."""
    return await SavedSearchDataRepository.from_session(session).erase(user_id)
