"""The leads domain's part of "Your data" (docs/accounts.md): the account's saved leads, their
history, tasks and outreach logs, for the export; and their deletion when the account is erased
(a subscriber's working data is not kept). Called by ``account_data``."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.db.export import export_rows_of
from propintel.leads.personal_data_repository import EXPORTS, LeadDataRepository

SECTIONS: tuple[str, ...] = tuple(EXPORTS)


export_rows = export_rows_of(LeadDataRepository)


async def erase(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Delete the account's leads, notes, events, tags, tasks and outreach logs; how many leads."""
    return await LeadDataRepository.from_session(session).erase(user_id)
