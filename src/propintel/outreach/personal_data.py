"""Outreach's part of "Your data" (docs/accounts.md): the account's unlocks, consents, opt-outs,
attempts, e-mail sequences and CRM records for the export; their erasure (what is kept and why:
``personal_data_repository``). Called by ``account_data``. The SMS thread is in
``conversation_history`` and the e-mail log in ``email_workflow_logs``, exported with the
assistant's and the leads' rows."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.db.export import export_rows_of
from propintel.outreach.personal_data_repository import EXPORTS, OutreachDataRepository

SECTIONS: tuple[str, ...] = tuple(EXPORTS)

export_rows = export_rows_of(OutreachDataRepository)


async def erase(session: AsyncSession, user_id: uuid.UUID) -> None:
    await OutreachDataRepository.from_session(session).erase(user_id)
