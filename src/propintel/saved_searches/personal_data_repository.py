"""What saved searches hold of one account, for its export and its erasure ("Your data",
docs/accounts.md): the statements of ``saved_searches.personal_data``."""

from __future__ import annotations

import uuid

from sqlalchemy import delete

from propintel.db.export import Export, ExportingRepository, owned_by
from propintel.saved_searches.models import SavedSearch

EXPORTS: dict[str, Export] = {
    "saved_searches": Export(
        SavedSearch.__table__, SavedSearch.search_id, owned_by(SavedSearch.user_id)
    ),
}


class SavedSearchDataRepository(ExportingRepository):
    exports = EXPORTS

    async def erase(self, user_id: uuid.UUID) -> int:
        """Delete the account's saved searches (their matches go with them: ON DELETE CASCADE)."""
        result = await self.session.execute(
            delete(SavedSearch).where(SavedSearch.user_id == user_id),
            execution_options={"synchronize_session": False},
        )
        return int(getattr(result, "rowcount", 0) or 0)
