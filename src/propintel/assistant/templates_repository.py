"""The subscriber's AI call templates (``ai_call_templates``): CRUD and keyset pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, tuple_, update

from propintel.assistant.tables import call_templates
from propintel.db.repository import Repository

_c = call_templates.c
# The spec leaves the name nullable; we always write one, but list an old NULL as ''.
_NAME = func.coalesce(_c.template_name, "")


@dataclass(frozen=True)
class TemplateRow:
    template_id: uuid.UUID
    template_type: str | None
    template_name: str
    template_content: str
    variables: list[str]
    created_at: datetime | None


_COLUMNS = (
    _c.template_id,
    _c.template_type,
    _NAME.label("template_name"),
    func.coalesce(_c.template_content, "").label("template_content"),
    _c.variables,
    _c.created_at,
)


def _row(row: Any) -> TemplateRow:
    variables = row[4] if isinstance(row[4], list) else []
    return TemplateRow(row[0], row[1], row[2], row[3], [str(v) for v in variables], row[5])


class TemplatesRepository(Repository):
    async def page(
        self,
        user_id: uuid.UUID,
        after: tuple[str, uuid.UUID] | None,
        limit: int,
        *,
        template_type: str | None = None,
    ) -> list[TemplateRow]:
        """The subscriber's templates by name (then id), after ``after``."""
        query = select(*_COLUMNS).where(_c.user_id == user_id)
        if template_type is not None:
            query = query.where(_c.template_type == template_type)
        if after is not None:
            query = query.where(
                tuple_(_NAME, _c.template_id) > tuple_(literal(after[0]), literal(after[1]))
            )
        query = query.order_by(_NAME, _c.template_id).limit(limit)
        return [_row(row) for row in await self.session.execute(query)]

    async def get(self, user_id: uuid.UUID, template_id: uuid.UUID) -> TemplateRow | None:
        query = select(*_COLUMNS).where(_c.user_id == user_id, _c.template_id == template_id)
        row = (await self.session.execute(query)).first()
        return _row(row) if row else None

    async def names(self, user_id: uuid.UUID) -> set[str]:
        query = select(_NAME).where(_c.user_id == user_id)
        return set((await self.session.scalars(query)).all())

    async def add(self, user_id: uuid.UUID, values: dict[str, Any]) -> uuid.UUID:
        statement = (
            insert(call_templates).values(user_id=user_id, **values).returning(_c.template_id)
        )
        template_id: uuid.UUID = (await self.session.execute(statement)).scalar_one()
        return template_id

    async def change(
        self, user_id: uuid.UUID, template_id: uuid.UUID, values: dict[str, Any]
    ) -> bool:
        statement = (
            update(call_templates)
            .where(_c.user_id == user_id, _c.template_id == template_id)
            .values(**values)
            .returning(_c.template_id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def remove(self, user_id: uuid.UUID, template_id: uuid.UUID) -> bool:
        statement = (
            delete(call_templates)
            .where(_c.user_id == user_id, _c.template_id == template_id)
            .returning(_c.template_id)
        )
        return (await self.session.execute(statement)).first() is not None
