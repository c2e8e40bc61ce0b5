"""Lead search's part of "Your data" (docs/accounts.md): the log of the account's CSV exports for
its export, deleted when the account is erased. Called by ``account_data``."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.db.export import export_rows_of
from propintel.search.personal_data_repository import EXPORTS, SearchDataRepository

SECTIONS: tuple[str, ...] = tuple(EXPORTS)


export_rows = export_rows_of(SearchDataRepository)


async def erase(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Delete the log of the account's CSV exports."""
    await SearchDataRepository.from_session(session).erase(user_id)
