"""Reading the admin audit trail: filters (admin, action, entity, New York date range), keyset
pages newest first, and each entry for people to read: the admin's email, the action's name, the
changed row's name (resolved in the page's one query, by entity) and before/after as field rows.
The ids stay on each entry for support."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.kit.errors import Invalid

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


# Each target table is joined only for its own entries (by primary key), so one query names
# every entry of the page whatever it changed.
_PAGE = text(
    """
    SELECT l.log_id, COALESCE(l.timestamp, 'epoch') AS timestamp, l.admin_user_id,
           u.email AS admin_email, l.action, l.target_entity, l.target_id, l.changes,
           CASE l.target_entity
             WHEN 'users' THEN target_user.email
             WHEN 'subscription_plans' THEN plan.plan_name
             WHEN 'token_bundles' THEN bundle.bundle_name
             WHEN 'intent_indicators' THEN indicator.indicator_name
             WHEN 'ai_cost_config' THEN cost.service_name
             WHEN 'token_pricing' THEN l.changes->>'key'
             WHEN 'procrastinate_jobs'
               THEN COALESCE(l.changes->'after'->>'filename', l.changes->'after'->>'task_name')
           END AS target_name
    FROM admin_audit_logs l
    LEFT JOIN users u ON u.user_id = l.admin_user_id
    LEFT JOIN users target_user
      ON l.target_entity = 'users' AND target_user.user_id = l.target_id
    LEFT JOIN subscription_plans plan
      ON l.target_entity = 'subscription_plans' AND plan.plan_id = l.target_id
    LEFT JOIN token_bundles bundle
      ON l.target_entity = 'token_bundles' AND bundle.bundle_id = l.target_id
    LEFT JOIN intent_indicators indicator
      ON l.target_entity = 'intent_indicators' AND indicator.indicator_id = l.target_id
    LEFT JOIN ai_cost_config cost
      ON l.target_entity = 'ai_cost_config' AND cost.config_id = l.target_id
    WHERE (CAST(:admin_user_id AS uuid) IS NULL OR l.admin_user_id = :admin_user_id)
      AND (CAST(:action AS text) IS NULL OR l.action = :action)
      AND (CAST(:entity AS text) IS NULL OR l.target_entity = :entity)
      AND (CAST(:start AS timestamp) IS NULL OR l.timestamp >= :start)
      AND (CAST(:end AS timestamp) IS NULL OR l.timestamp < :end)
      AND (CAST(:after_at AS timestamp) IS NULL
           OR (COALESCE(l.timestamp, 'epoch'), l.log_id)
              < (CAST(:after_at AS timestamp), CAST(:after_id AS uuid)))
    ORDER BY COALESCE(l.timestamp, 'epoch') DESC, l.log_id DESC
    LIMIT :limit
    """
)

_OPTIONS = text(
    """
    SELECT 'admin' AS kind, CAST(l.admin_user_id AS text) AS value, MIN(u.email) AS label
      FROM admin_audit_logs l JOIN users u ON u.user_id = l.admin_user_id GROUP BY l.admin_user_id
    UNION ALL
    SELECT 'action', action, action FROM admin_audit_logs WHERE action IS NOT NULL GROUP BY action
    UNION ALL
    SELECT 'entity', target_entity, target_entity FROM admin_audit_logs
      WHERE target_entity IS NOT NULL GROUP BY target_entity
    """
)


def _encode(entry: AuditEntry) -> str:
    raw = json.dumps([entry.timestamp.isoformat(), str(entry.log_id)])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        at, log_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(at), uuid.UUID(log_id)
    except (ValueError, TypeError) as error:
        raise Invalid("The cursor is not one this API returned.", field="cursor") from error


async def audit_page(
    session: AsyncSession, filters: AuditFilters, limit: int = 50, cursor: str | None = None
) -> tuple[list[AuditEntry], str | None]:
    """One page of matching entries, newest first, and the cursor of the next (None: last)."""
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise Invalid("The end date is before the start date.", field="date_to")
    after_at, after_id = _decode(cursor) if cursor else (None, None)
    params = {
        "admin_user_id": filters.admin_user_id,
        "action": filters.action or None,
        "entity": filters.entity or None,
        "start": datetime.combine(filters.date_from, datetime.min.time())
        if filters.date_from
        else None,
        "end": datetime.combine(filters.date_to + timedelta(days=1), datetime.min.time())
        if filters.date_to
        else None,
        "after_at": after_at,
        "after_id": after_id,
        "limit": limit + 1,
    }
    rows = [AuditEntry(**row) for row in (await session.execute(_PAGE, params)).mappings()]
    next_cursor = _encode(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor


async def filter_options(session: AsyncSession) -> dict[str, list[tuple[str, str]]]:
    """The admins, actions and entities that occur in the log, for the filter menus: (value,
    name shown), by name."""
    options: dict[str, list[tuple[str, str]]] = {"admin": [], "action": [], "entity": []}
    names = {"action": ACTION_LABELS, "entity": ENTITY_LABELS}
    for row in await session.execute(_OPTIONS):
        label = names.get(row.kind, {}).get(row.value, row.label)
        options[row.kind].append((row.value, label))
    return {kind: sorted(values, key=lambda option: option[1]) for kind, values in options.items()}
