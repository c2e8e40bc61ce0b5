"""The subscriber's scripts (``subscriber_scripts``): CRUD and keyset pages for the scripts pages
and API, the active scripts other domains offer, and the use counter they bump. The generated
search columns (revision 0019) are never written here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, or_, select, tuple_, update

from propintel.assistant.tables import scripts
from propintel.db.repository import Repository

_c = scripts.c


@dataclass(frozen=True)
class ScriptRow:
    script_id: uuid.UUID
    script_type: str
    script_name: str
    script_content: str
    is_active: bool
    use_count: int
    created_at: datetime | None
    last_used_at: datetime | None


_COLUMNS = (
    _c.script_id,
    _c.script_type,
    _c.script_name,
    _c.script_content,
    func.coalesce(_c.is_active, True).label("is_active"),
    func.coalesce(_c.use_count, 0).label("use_count"),
    _c.created_at,
    _c.last_used_at,
)

# A missing flag counts as active (the column's default is TRUE; older rows may hold NULL).
_ACTIVE = or_(_c.is_active.is_(True), _c.is_active.is_(None))


class ScriptsRepository(Repository):
    async def page(
        self,
        user_id: uuid.UUID,
        after: tuple[str, uuid.UUID] | None,
        limit: int,
        *,
        script_type: str | None = None,
        active: bool | None = None,
    ) -> list[ScriptRow]:
        """The subscriber's scripts by name (then id), after ``after``."""
        query = select(*_COLUMNS).where(_c.user_id == user_id)
        if script_type is not None:
            query = query.where(_c.script_type == script_type)
        if active is True:
            query = query.where(_ACTIVE)
        elif active is False:
            query = query.where(_c.is_active.is_(False))
        if after is not None:
            query = query.where(
                tuple_(_c.script_name, _c.script_id) > tuple_(literal(after[0]), literal(after[1]))
            )
        query = query.order_by(_c.script_name, _c.script_id).limit(limit)
        return [ScriptRow(*row) for row in await self.session.execute(query)]

    async def get(self, user_id: uuid.UUID, script_id: uuid.UUID) -> ScriptRow | None:
        query = select(*_COLUMNS).where(_c.user_id == user_id, _c.script_id == script_id)
        row = (await self.session.execute(query)).first()
        return ScriptRow(*row) if row else None

    async def names(self, user_id: uuid.UUID) -> set[str]:
        query = select(_c.script_name).where(_c.user_id == user_id)
        return set((await self.session.scalars(query)).all())

    async def add(
        self,
        user_id: uuid.UUID,
        *,
        script_type: str,
        script_name: str,
        script_content: str,
        is_active: bool,
    ) -> uuid.UUID:
        statement = (
            insert(scripts)
            .values(
                user_id=user_id,
                script_type=script_type,
                script_name=script_name,
                script_content=script_content,
                is_active=is_active,
            )
            .returning(_c.script_id)
        )
        script_id: uuid.UUID = (await self.session.execute(statement)).scalar_one()
        return script_id

    async def change(
        self, user_id: uuid.UUID, script_id: uuid.UUID, values: dict[str, Any]
    ) -> bool:
        statement = (
            update(scripts)
            .where(_c.user_id == user_id, _c.script_id == script_id)
            .values(**values)
            .returning(_c.script_id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def remove(self, user_id: uuid.UUID, script_id: uuid.UUID) -> bool:
        statement = (
            delete(scripts)
            .where(_c.user_id == user_id, _c.script_id == script_id)
            .returning(_c.script_id)
        )
        return (await self.session.execute(statement)).first() is not None

    # --- for other domains --------------------------------------------------------------------
    async def active(
        self,
        user_id: uuid.UUID,
        script_type: str,
        *,
        most_used_first: bool,
        limit: int | None,
    ) -> list[tuple[uuid.UUID, str, str]]:
        order = (
            (_c.use_count.desc().nulls_last(), _c.script_name, _c.script_id)
            if most_used_first
            else (_c.script_name, _c.script_id)
        )
        query = (
            select(_c.script_id, _c.script_name, _c.script_content)
            .where(_c.user_id == user_id, _c.script_type == script_type, _ACTIVE)
            .order_by(*order)
        )
        if limit is not None:
            query = query.limit(limit)
        return [(row[0], row[1], row[2]) for row in await self.session.execute(query)]

    async def active_one(
        self, user_id: uuid.UUID, script_type: str, script_id: uuid.UUID
    ) -> tuple[uuid.UUID, str, str] | None:
        query = select(_c.script_id, _c.script_name, _c.script_content).where(
            _c.user_id == user_id, _c.script_type == script_type, _c.script_id == script_id, _ACTIVE
        )
        row = (await self.session.execute(query)).first()
        return (row[0], row[1], row[2]) if row else None

    async def mark_used(self, user_id: uuid.UUID, script_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(scripts)
            .where(_c.script_id == script_id, _c.user_id == user_id)
            .values(use_count=func.coalesce(_c.use_count, 0) + 1, last_used_at=now)
        )
