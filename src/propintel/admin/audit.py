"""The admin audit trail: one ``admin_audit_logs`` row per change an admin makes.

``changes`` is ``{"before": {...}, "after": {...}}`` with the changed fields' values (JSON: dates
and decimals are written as strings), plus ``"key"`` for rows whose key is not a UUID
(``token_pricing.action_type``), since ``target_id`` is a UUID column. Call it in the same
transaction as the change itself, so the trail and the change are committed (or rolled back)
together.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User

QUEUED_JOB = "procrastinate_jobs"  # the entity of an entry about a job an admin queued

INSERT = text(
    "INSERT INTO admin_audit_logs (admin_user_id, action, target_entity, target_id, changes) "
    "VALUES (:admin_user_id, :action, :target_entity, :target_id, CAST(:changes AS jsonb)) "
    "RETURNING log_id"
)


async def audit(
    session: AsyncSession,
    admin: User,
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
    changes = json.dumps(payload, default=str)
    log_id: uuid.UUID = (
        await session.execute(
            INSERT,
            {
                "admin_user_id": admin.user_id,
                "action": action,
                "target_entity": entity,
                "target_id": entity_id,
                "changes": changes,
            },
        )
    ).scalar_one()
    return log_id


async def audit_queued_job(
    session: AsyncSession,
    admin: User,
    action: str,
    task_name: str,
    job_id: int,
    **details: Any,
) -> uuid.UUID:
    """Record that ``admin`` queued job ``job_id`` of ``task_name`` (a refresh, an import, a
    maintenance run): the job is the change, what it will do is in ``details``."""
    after = {"task_name": task_name, "job_id": job_id, **details}
    return await audit(session, admin, action, QUEUED_JOB, None, None, after)
