"""The audit trail's part of "Your data" (docs/accounts.md): the entries about the account, for
its export. An erasure keeps them (the record of what admins did) and adds its own
``account.erase`` entry, which names no personal data. Called by ``account_data``."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.audit.personal_data_repository import EXPORTS, AuditDataRepository
from propintel.db.export import EXPORT_PAGE_SIZE, ExportPage

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
    repo = AuditDataRepository.from_session(session)
    return await repo.export_page(section, user_id, after, limit)
