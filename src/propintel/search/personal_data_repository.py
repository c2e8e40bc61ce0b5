"""What lead search holds of one account: the log of its CSV exports (criteria, row counts), for
the account's export and its erasure ("Your data", docs/accounts.md)."""

from __future__ import annotations

import uuid

from sqlalchemy import column, delete, table
from sqlalchemy.dialects.postgresql import UUID

from propintel.db.export import Export, ExportingRepository, owned_by

_exports = table(
    "search_exports",
    column("export_id", UUID(as_uuid=True)),
    column("user_id", UUID(as_uuid=True)),
)

EXPORTS: dict[str, Export] = {
    "search_exports": Export(_exports, _exports.c.export_id, owned_by(_exports.c.user_id)),
}


class SearchDataRepository(ExportingRepository):
    exports = EXPORTS

    async def erase(self, user_id: uuid.UUID) -> None:
        await self.session.execute(delete(_exports).where(_exports.c.user_id == user_id))
