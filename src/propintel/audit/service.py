"""The admin audit trail: one ``admin_audit_logs`` row per change an admin makes, and its pages.

``changes`` is ``{"before": {...}, "after": {...}}`` with the changed fields' values (JSON: dates
and decimals are written as strings), plus ``"key"`` for rows whose key is not a UUID
(``token_pricing.action_type``), since ``target_id`` is a UUID column. Call ``audit`` in the same
transaction as the change itself, so the trail and the change are committed (or rolled back)
together.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.audit.entries import (
    ACTION_LABELS,
    ENTITY_LABELS,
    AuditEntry,
    AuditFilters,
    action_label,
    entity_label,
)
from propintel.audit.repository import AuditRepository
from propintel.kit.errors import Invalid
from propintel.kit.i18n import _
from propintel.kit.pagination import KeyPart, Listing, fingerprint

QUEUED_JOB = "procrastinate_jobs"  # the entity of an entry about a job an admin queued

AUDIT_LOG = Listing("audit", (KeyPart.DATETIME, KeyPart.UUID))


class Admin(Protocol):
    """Whoever made the change (an admin user)."""

    @property
    def user_id(self) -> uuid.UUID: ...


async def audit(
    session: AsyncSession,
    admin: Admin,
    action: str,
    entity: str,
    entity_id: uuid.UUID | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    entity_key: str | None = None,
) -> uuid.UUID:
    """Record that ``admin`` did ``action`` (``domain.verb``, e.g. ``intent_indicator.update``) on
    row ``entity_id`` of table ``entity``; returns the log row's id."""
    payload: dict[str, Any] = {"before": before, "after": after}
    if entity_key is not None:
        payload["key"] = entity_key
    # Through JSON once, so dates and decimals are stored as the strings the docstring promises.
    changes = json.loads(json.dumps(payload, default=str))
    return await AuditRepository.from_session(session).insert(
        admin.user_id, action, entity, entity_id, changes
    )


async def audit_queued_job(
    session: AsyncSession,
    admin: Admin,
    action: str,
    task_name: str,
    job_id: int,
    **details: Any,
) -> uuid.UUID:
    """Record that ``admin`` queued job ``job_id`` of ``task_name`` (a refresh, an import, a
    maintenance run): the job is the change, what it will do is in ``details``."""
    after = {"task_name": task_name, "job_id": job_id, **details}
    return await audit(session, admin, action, QUEUED_JOB, None, None, after)


def _day_start(day: Any) -> datetime | None:
    return datetime.combine(day, datetime.min.time()) if day else None


async def audit_page(
    session: AsyncSession, filters: AuditFilters, limit: int = 50, cursor: str | None = None
) -> tuple[list[AuditEntry], str | None]:
    """One page of matching entries, newest first, and the cursor of the next (None: last)."""
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise Invalid(_("The end date is before the start date."), field="date_to")
    bound_to = fingerprint(filters)
    after_at, after_id = AUDIT_LOG.decode_optional(cursor, bound_to=bound_to) or (None, None)
    params = {
        "admin_user_id": filters.admin_user_id,
        "action": filters.action or None,
        "entity": filters.entity or None,
        "start": _day_start(filters.date_from),
        "end": _day_start(filters.date_to + timedelta(days=1)) if filters.date_to else None,
        "after_at": after_at,
        "after_id": after_id,
        "limit": limit + 1,
    }
    rows = [AuditEntry(**row) for row in await AuditRepository.from_session(session).page(params)]
    return AUDIT_LOG.page(
        rows, limit, key=lambda entry: (entry.timestamp, entry.log_id), bound_to=bound_to
    )


async def filter_options(session: AsyncSession) -> dict[str, list[tuple[str, str]]]:
    """The admins, actions and entities that occur in the log, for the filter menus: (value,
    name shown in the current locale), by name."""
    options: dict[str, list[tuple[str, str]]] = {"admin": [], "action": [], "entity": []}
    for row in await AuditRepository.from_session(session).filter_options():
        kind, value = row["kind"], row["value"]
        if kind == "action" and value in ACTION_LABELS:
            label = action_label(value)
        elif kind == "entity" and value in ENTITY_LABELS:
            label = entity_label(value)
        else:
            label = row["label"]
        options[kind].append((value, label))
    return {kind: sorted(values, key=lambda option: option[1]) for kind, values in options.items()}
