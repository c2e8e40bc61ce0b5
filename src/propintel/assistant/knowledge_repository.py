"""The knowledge base's SQL: a subscriber's entries (always filtered by ``user_id``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, tuple_, update

from propintel.assistant.tables import knowledge_base as kb
from propintel.db.repository import Repository


@dataclass(frozen=True)
class EntryRow:
    kb_id: uuid.UUID
    content_type: str | None
    title: str
    content: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime


_COLUMNS = (
    kb.c.kb_id,
    kb.c.content_type,
    kb.c.title,
    kb.c.content,
    func.coalesce(kb.c.tags, literal([], kb.c.tags.type)),
    kb.c.created_at,
    kb.c.updated_at,
)


class KnowledgeRepository(Repository):
    async def page(
        self,
        user_id: uuid.UUID,
        after: tuple[Any, ...] | None,
        limit: int,
        *,
        content_type: str | None = None,
        tag: str | None = None,
    ) -> list[EntryRow]:
        """The subscriber's entries, the latest updated first."""
        query = select(*_COLUMNS).where(kb.c.user_id == user_id)
        if content_type is not None:
            query = query.where(kb.c.content_type == content_type)
        if tag is not None:
            query = query.where(kb.c.tags.contains([tag]))
        if after is not None:
            query = query.where(
                tuple_(kb.c.updated_at, kb.c.kb_id) < tuple_(literal(after[0]), literal(after[1]))
            )
        query = query.order_by(kb.c.updated_at.desc(), kb.c.kb_id.desc()).limit(limit)
        return [EntryRow(*row) for row in await self.session.execute(query)]

    async def get(self, user_id: uuid.UUID, kb_id: uuid.UUID) -> EntryRow | None:
        query = select(*_COLUMNS).where(kb.c.user_id == user_id, kb.c.kb_id == kb_id)
        row = (await self.session.execute(query)).first()
        return EntryRow(*row) if row else None

    async def titles(self, user_id: uuid.UUID, wanted: list[str]) -> set[str]:
        """Which of ``wanted`` the subscriber already has as an entry title."""
        query = select(kb.c.title).where(kb.c.user_id == user_id, kb.c.title.in_(wanted))
        return set((await self.session.execute(query)).scalars())

    async def tag_names(self, user_id: uuid.UUID) -> list[str]:
        """Every tag on the subscriber's entries, as spelled there, sorted."""
        tag = func.jsonb_array_elements_text(kb.c.tags).table_valued("value").alias("tag")
        query = (
            select(tag.c.value)
            .select_from(kb)
            .join(tag, literal(True))
            .where(kb.c.user_id == user_id, func.jsonb_typeof(kb.c.tags) == "array")
            .distinct()
            .order_by(tag.c.value)
        )
        return list((await self.session.execute(query)).scalars())

    async def insert(
        self,
        user_id: uuid.UUID,
        *,
        content_type: str,
        title: str,
        content: str,
        tags: list[str],
        now: datetime,
    ) -> uuid.UUID:
        statement = (
            insert(kb)
            .values(
                user_id=user_id,
                content_type=content_type,
                title=title,
                content=content,
                tags=tags,
                created_at=now,
                updated_at=now,
            )
            .returning(kb.c.kb_id)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def update(
        self, user_id: uuid.UUID, kb_id: uuid.UUID, values: dict[str, Any], now: datetime
    ) -> bool:
        statement = (
            update(kb)
            .where(kb.c.user_id == user_id, kb.c.kb_id == kb_id)
            .values(**values, updated_at=now)
            .returning(kb.c.kb_id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def delete(self, user_id: uuid.UUID, kb_id: uuid.UUID) -> bool:
        statement = (
            delete(kb).where(kb.c.user_id == user_id, kb.c.kb_id == kb_id).returning(kb.c.kb_id)
        )
        return (await self.session.execute(statement)).first() is not None
