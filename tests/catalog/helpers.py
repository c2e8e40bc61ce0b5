"""Builders for admin tests: an admin with API headers, the audit rows an action wrote."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User, UserType
from tests.factories import bearer_for, make_user


async def admin_headers(db: AsyncSession, client: httpx.AsyncClient) -> tuple[User, dict[str, str]]:
    admin = await make_user(db, UserType.ADMIN)
    return admin, await bearer_for(client, admin)


async def audit_rows(db: AsyncSession, action: str) -> list[dict[str, Any]]:
    rows = await db.execute(
        text(
            "SELECT admin_user_id, action, target_entity, target_id, changes "
            "FROM admin_audit_logs WHERE action = :action ORDER BY timestamp, log_id"
        ),
        {"action": action},
    )
    return [dict(row) for row in rows.mappings()]
