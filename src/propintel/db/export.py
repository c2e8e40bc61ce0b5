"""One account's rows of a table, whole, as JSON objects: the building block of the "Your data"
export (docs/accounts.md). A repository declares an ``Export`` for each of its own tables and
pages through it; nothing else calls it.

A row is ``to_jsonb(table)`` computed by PostgreSQL, so columns added by later revisions come
along without code changes; ``omit`` drops secrets (password and token hashes) before the row
leaves the repository. Times are the columns' own values: New York wall-clock time, ISO 8601
without an offset. Pages are keyset pages on a unique ``key`` (no OFFSET), so an account of any
size is read in bounded memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, cast

from sqlalchemy import ColumnElement, FromClause, TableClause, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from propintel.db.repository import Repository

EXPORT_PAGE_SIZE = 500


def owned_by(owner: Any) -> Callable[[Any], ColumnElement[bool]]:
    """The condition of an ``Export`` whose rows carry the owner's id in column ``owner``."""

    def condition(owner_id: Any) -> ColumnElement[bool]:
        clause: ColumnElement[bool] = owner == owner_id
        return clause

    return condition


@dataclass(frozen=True)
class ExportPage:
    rows: list[dict[str, Any]]
    # The key to read the next page after; None when this page was the last.
    after: Any


@dataclass(frozen=True)
class Export:
    """The rows of ``source`` that ``owned_by(owner)`` selects, ordered by the unique ``key``."""

    source: FromClause
    key: ColumnElement[Any] | QueryableAttribute[Any]
    owned_by: Callable[[Any], ColumnElement[bool]]
    omit: tuple[str, ...] = field(default=())

    async def page(
        self,
        session: AsyncSession,
        owner: Any,
        after: Any = None,
        limit: int = EXPORT_PAGE_SIZE,
    ) -> ExportPage:
        table = cast(TableClause, self.source)
        whole_row = func.to_jsonb(table.table_valued(), type_=JSONB).label("row")
        stmt = select(whole_row, self.key.label("key")).where(self.owned_by(owner))
        if after is not None:
            stmt = stmt.where(self.key > after)
        result = await session.execute(stmt.order_by(self.key).limit(limit + 1))
        fetched = result.all()
        rows = [
            {name: value for name, value in row.row.items() if name not in self.omit}
            for row in fetched[:limit]
        ]
        more = len(fetched) > limit
        return ExportPage(rows=rows, after=fetched[limit - 1].key if more else None)


class ExportingRepository(Repository):
    """A domain's repository for "Your data": ``exports`` names each of its tables' ``Export``
    by section."""

    exports: ClassVar[Mapping[str, Export]]

    async def export_page(
        self, section: str, user_id: uuid.UUID, after: Any, limit: int
    ) -> ExportPage:
        return await self.exports[section].page(self.session, user_id, after, limit)


class ExportRows(Protocol):
    def __call__(
        self,
        session: AsyncSession,
        user_id: uuid.UUID,
        section: str,
        *,
        after: Any = None,
        limit: int = EXPORT_PAGE_SIZE,
    ) -> Awaitable[ExportPage]: ...


def export_rows_of(repository: type[ExportingRepository]) -> ExportRows:
    """A domain's ``export_rows``: one keyset page of the account's rows of ``section``."""

    async def export_rows(
        session: AsyncSession,
        user_id: uuid.UUID,
        section: str,
        *,
        after: Any = None,
        limit: int = EXPORT_PAGE_SIZE,
    ) -> ExportPage:
        return await repository.from_session(session).export_page(section, user_id, after, limit)

    return export_rows
