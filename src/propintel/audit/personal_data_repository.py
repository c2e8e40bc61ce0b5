"""The audit entries about one account (an admin suspended it, adjusted its tokens...), for the
account's export ("Your data", docs/accounts.md). Entries are never deleted."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement

from propintel.audit.tables import admin_audit_logs
from propintel.db.export import Export, ExportingRepository


def _about(user_id: uuid.UUID) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = (admin_audit_logs.c.target_entity == "users") & (
        admin_audit_logs.c.target_id == user_id
    )
    return condition


# Which admin acted is staff data: the export says what was done, when, and to what.
EXPORTS: dict[str, Export] = {
    "audit_entries_about_you": Export(
        admin_audit_logs, admin_audit_logs.c.log_id, _about, omit=("admin_user_id",)
    ),
}


class AuditDataRepository(ExportingRepository):
    exports = EXPORTS
