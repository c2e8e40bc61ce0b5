"""The leads domain's part of "Your data" (docs/accounts.md): the account's saved leads, their
history, tasks and outreach logs, for the export; and their deletion when the account is erased
(a subscriber's working data is not kept). Called by ``account_data``."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.db.export import EXPORT_PAGE_SIZE, ExportPage
from propintel.leads.personal_data_repository import EXPORTS, LeadDataRepository

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
    return await LeadDataRepository.from_session(session).export_page(
        section, user_id, after, limit
    )


async def erase(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Delete the account's leads, notes, events, tags, tasks and outreach logs; how many leads."""
    return await LeadDataRepository.from_session(session).erase(user_id)
