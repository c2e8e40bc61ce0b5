"""The assistant's part of "Your data" (docs/accounts.md): the account's knowledge base, scripts
and AI call templates for the export (without the generated search columns), and their erasure.
Called by ``account_data``. The assistant's chats are in ``conversation_history``, exported by
``account_data`` with the marketplace's rows."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant.personal_data_repository import EXPORTS, AssistantDataRepository
from propintel.db.export import export_rows_of

SECTIONS: tuple[str, ...] = tuple(EXPORTS)

export_rows = export_rows_of(AssistantDataRepository)


async def erase(session: AsyncSession, user_id: uuid.UUID) -> None:
    await AssistantDataRepository.from_session(session).erase(user_id)
