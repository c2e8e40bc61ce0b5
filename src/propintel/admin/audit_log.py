"""Reading the admin audit trail: filters (admin, action, entity, New York date range), keyset
pages newest first, and each entry's before/after as field rows for people to read."""

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


_PAGE = text(
    """
    SELECT l.log_id, COALESCE(l.timestamp, 'epoch') AS timestamp, l.admin_user_id,
           u.email AS admin_email, l.action, l.target_entity, l.target_id, l.changes
    FROM admin_audit_logs l LEFT JOIN users u ON u.user_id = l.admin_user_id
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
    ORDER BY 1, 3
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
    """The admins, actions and entities that occur in the log, for the filter menus."""
    options: dict[str, list[tuple[str, str]]] = {"admin": [], "action": [], "entity": []}
    for row in await session.execute(_OPTIONS):
        options[row.kind].append((row.value, row.label))
    return options
