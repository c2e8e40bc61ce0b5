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

from propintel.kit.i18n import N_, gettext

MAX_PAGE = 200

# What each action and entity is called on the page (English message ids, shown in the current
# locale); an action missing here shows as it is.
ACTION_LABELS = {
    "plan.create": N_("Created plan"),
    "plan.update": N_("Changed plan"),
    "plan.deactivate": N_("Deactivated plan"),
    "plan.activate": N_("Activated plan"),
    "bundle.create": N_("Created bundle"),
    "bundle.update": N_("Changed bundle"),
    "bundle.deactivate": N_("Deactivated bundle"),
    "bundle.activate": N_("Activated bundle"),
    "token_pricing.create": N_("Added token price"),
    "token_pricing.update": N_("Changed token price"),
    "ai_cost.create": N_("Added provider cost"),
    "ai_cost.update": N_("Changed provider cost"),
    "tokens.grant": N_("Granted tokens"),
    "tokens.deduct": N_("Deducted tokens"),
    "user.suspend": N_("Suspended account"),
    "user.reactivate": N_("Reactivated account"),
    "account.erase": N_("Account deleted by its owner"),
    "intent_indicator.create": N_("Added indicator"),
    "intent_indicator.update": N_("Changed indicator weight"),
    "scoring.refresh": N_("Requested score refresh"),
    "maintenance.run_now": N_("Ran scheduled job now"),
    "import.upload": N_("Uploaded file for import"),
    "dnc.import": N_("Imported Do-Not-Call numbers"),
    "opt_out.create": N_("Opted a contact out of the platform"),
    "verification.approve": N_("Approved contractor verification"),
    "verification.reject": N_("Rejected contractor verification"),
    "review.hide": N_("Hid a contractor review"),
}
ENTITY_LABELS = {
    "users": N_("User"),
    "subscription_plans": N_("Plan"),
    "token_bundles": N_("Bundle"),
    "token_pricing": N_("Token price"),
    "ai_cost_config": N_("Provider cost"),
    "intent_indicators": N_("Indicator"),
    "procrastinate_jobs": N_("Queued job"),
    "dnc_numbers": N_("Do-Not-Call list"),
    "outreach_opt_outs": N_("Opt-out"),
    "subscriber_profiles": N_("Contractor profile"),
    "contractor_reviews": N_("Contractor review"),
}


def action_label(action: str) -> str:
    """An action as people read it, in the current locale (an unknown one as it is)."""
    return gettext(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def entity_label(entity: str) -> str:
    """A table as people read it, in the current locale (an unknown one as it is)."""
    return gettext(ENTITY_LABELS[entity]) if entity in ENTITY_LABELS else entity


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
        return action_label(self.action) if self.action else None

    @property
    def entity_label(self) -> str | None:
        return entity_label(self.target_entity) if self.target_entity else None

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
