"""An audit entry as people read it: the admin's email, the action's name, the changed row's name
(resolved in the page's one query, by entity) and before/after as field rows; the filters of the
trail. The ids stay on each entry for support."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_PAGE = 200

# What each action and entity is called on the page; an action missing here shows as it is.
ACTION_LABELS = {
    "plan.create": "Created plan",
    "plan.update": "Changed plan",
    "plan.deactivate": "Deactivated plan",
    "plan.activate": "Activated plan",
    "bundle.create": "Created bundle",
    "bundle.update": "Changed bundle",
    "bundle.deactivate": "Deactivated bundle",
    "bundle.activate": "Activated bundle",
    "token_pricing.create": "Added token price",
    "token_pricing.update": "Changed token price",
    "ai_cost.create": "Added provider cost",
    "ai_cost.update": "Changed provider cost",
    "tokens.grant": "Granted tokens",
    "tokens.deduct": "Deducted tokens",
    "user.suspend": "Suspended account",
    "user.reactivate": "Reactivated account",
    "intent_indicator.create": "Added indicator",
    "intent_indicator.update": "Changed indicator weight",
    "scoring.refresh": "Requested score refresh",
    "maintenance.run_now": "Ran scheduled job now",
    "import.upload": "Uploaded file for import",
}
ENTITY_LABELS = {
    "users": "User",
    "subscription_plans": "Plan",
    "token_bundles": "Bundle",
    "token_pricing": "Token price",
    "ai_cost_config": "Provider cost",
    "intent_indicators": "Indicator",
    "procrastinate_jobs": "Queued job",
}


class AuditFilters(BaseModel):
    """All optional; dates are New York calendar days, both inclusive."""

    model_config = ConfigDict(extra="ignore")

    admin_user_id: uuid.UUID | None = None
    action: str | None = Field(default=None, max_length=100)
    entity: str | None = Field(default=None, max_length=50)
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditEntry:
    log_id: uuid.UUID
    timestamp: datetime
    admin_user_id: uuid.UUID | None
    admin_email: str | None
    action: str | None
    target_entity: str | None
    target_id: uuid.UUID | None
    changes: dict[str, Any] | None
    target_name: str | None  # the changed row's name: a user's email, a plan's name, …

    @property
    def action_label(self) -> str | None:
        return ACTION_LABELS.get(self.action, self.action) if self.action else None

    @property
    def entity_label(self) -> str | None:
        if not self.target_entity:
            return None
        return ENTITY_LABELS.get(self.target_entity, self.target_entity)

    @property
    def target_key(self) -> str | None:
        """The changed row: its UUID, or the text key kept in ``changes`` (pricing rows)."""
        if self.target_id is not None:
            return str(self.target_id)
        return str((self.changes or {}).get("key") or "") or None

    @property
    def fields(self) -> list[FieldChange]:
        return change_rows(self.changes)


def _readable(value: Any, present: bool) -> str:
    if not present:
        return "—"
    if value is None:
        return "null"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def change_rows(changes: dict[str, Any] | None) -> list[FieldChange]:
    """``{"before": {...}, "after": {...}}`` as one row per field (before's order, then after's);
    a field missing on one side (a creation has no before) shows a dash."""
    before = (changes or {}).get("before") or {}
    after = (changes or {}).get("after") or {}
    names = list(dict.fromkeys([*before, *after]))
    return [
        FieldChange(
            name,
            _readable(before.get(name), name in before),
            _readable(after.get(name), name in after),
        )
        for name in names
    ]
