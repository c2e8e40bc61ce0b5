"""The statements of the offline CRM simulator (``local_crm_records``): one subscriber's simulated
workspace, people and opportunities as JSON payloads, listed newest first by keyset pages of
``(created_at, record_id)``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, cast, delete, func, insert, select, tuple_, update

from propintel.db.repository import Repository
from propintel.integrations.local.tables import local_crm_records

_COLUMNS = (
    local_crm_records.c.record_id,
    local_crm_records.c.kind,
    local_crm_records.c.payload,
    local_crm_records.c.created_at,
    local_crm_records.c.updated_at,
)


@dataclass(frozen=True)
class LocalCrmRecord:
    record_id: str
    kind: str  # "person" | "opportunity"
    payload: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class LocalCrmRepository(Repository):
    async def insert(
        self, user_id: uuid.UUID, record_id: str, kind: str, payload: dict[str, Any]
    ) -> None:
        # clock_timestamp(), not now(): records made in one transaction keep their order.
        stamp = cast(func.clock_timestamp(), DateTime)
        await self.session.execute(
            insert(local_crm_records).values(
                record_id=record_id,
                user_id=user_id,
                kind=kind,
                payload=payload,
                created_at=stamp,
                updated_at=stamp,
            )
        )

    async def get(self, user_id: uuid.UUID, record_id: str, kind: str) -> LocalCrmRecord | None:
        statement = select(*_COLUMNS).where(
            local_crm_records.c.user_id == user_id,
            local_crm_records.c.record_id == record_id,
            local_crm_records.c.kind == kind,
        )
        row = (await self.session.execute(statement)).mappings().first()
        return LocalCrmRecord(**row) if row else None

    async def replace_payload(
        self, user_id: uuid.UUID, record_id: str, payload: dict[str, Any]
    ) -> None:
        await self.session.execute(
            update(local_crm_records)
            .where(
                local_crm_records.c.user_id == user_id,
                local_crm_records.c.record_id == record_id,
            )
            .values(payload=payload, updated_at=cast(func.clock_timestamp(), DateTime))
        )

    async def page(
        self, user_id: uuid.UUID, after: tuple[datetime, str] | None, limit: int
    ) -> list[LocalCrmRecord]:
        conditions = [local_crm_records.c.user_id == user_id]
        if after is not None:
            key = tuple_(local_crm_records.c.created_at, local_crm_records.c.record_id)
            conditions.append(key < after)
        statement = (
            select(*_COLUMNS)
            .where(*conditions)
            .order_by(local_crm_records.c.created_at.desc(), local_crm_records.c.record_id.desc())
            .limit(limit)
        )
        rows = await self.session.execute(statement)
        return [LocalCrmRecord(**row) for row in rows.mappings()]

    async def count(self, user_id: uuid.UUID) -> dict[str, int]:
        statement = (
            select(local_crm_records.c.kind, func.count())
            .where(local_crm_records.c.user_id == user_id)
            .group_by(local_crm_records.c.kind)
        )
        return {kind: int(n) for kind, n in (await self.session.execute(statement)).all()}

    async def delete_owned(self, user_id: uuid.UUID) -> None:
        await self.session.execute(
            delete(local_crm_records).where(local_crm_records.c.user_id == user_id)
        )
