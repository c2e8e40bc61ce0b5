"""Readers for admin tests: the audit rows an action wrote."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def audit_rows(db: AsyncSession, action: str) -> list[dict[str, Any]]:
    rows = await db.execute(
        text(
            "SELECT admin_user_id, action, target_entity, target_id, changes "
            "FROM admin_audit_logs WHERE action = :action ORDER BY timestamp, log_id"
        ),
        {"action": action},
    )
    return [dict(row) for row in rows.mappings()]
