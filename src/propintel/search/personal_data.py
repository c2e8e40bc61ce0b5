"""Lead search's part of "Your data" (docs/accounts.md): the log of the account's CSV exports for
its export, deleted when the account is erased. Called by ``account_data``."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.db.export import EXPORT_PAGE_SIZE, ExportPage
from propintel.search.personal_data_repository import EXPORTS, SearchDataRepository

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
    repo = SearchDataRepository.from_session(session)
    return await repo.export_page(section, user_id, after, limit)


async def erase(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Delete the log of the account's CSV exports."""
    await SearchDataRepository.from_session(session).erase(user_id)
