"""The audit trail's part of "Your data" (docs/accounts.md): the entries about the account, for
its export. An erasure keeps them (the record of what admins did) and adds its own
``account.erase`` entry, which names no personal data. Called by ``account_data``."""

from __future__ import annotations

from propintel.audit.personal_data_repository import EXPORTS, AuditDataRepository
from propintel.db.export import export_rows_of

SECTIONS: tuple[str, ...] = tuple(EXPORTS)


export_rows = export_rows_of(AuditDataRepository)
