"""Every query of the catalog. Table and column names come from ``tables.CATALOGS`` (our own
constants), values are always bound parameters."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import text

from propintel.catalog.tables import Catalog
from propintel.db.repository import Repository

Row = dict[str, Any]


def _bind(catalog: Catalog, name: str) -> str:
    """The placeholder of a column: JSON columns are sent as text and cast."""
    json_columns = {column.name for column in catalog.columns if column.kind == "features"}
    return f"CAST(:{name} AS jsonb)" if name in json_columns else f":{name}"


def _params(catalog: Catalog, values: Mapping[str, Any]) -> dict[str, Any]:
    json_columns = {column.name for column in catalog.columns if column.kind == "features"}
    return {
        name: json.dumps(value) if name in json_columns and value is not None else value
        for name, value in values.items()
    }


class CatalogRepository(Repository):
    async def rows(self, catalog: Catalog) -> list[Row]:
        columns = ", ".join(catalog.stored_columns)
        sql = f"SELECT {columns} FROM {catalog.table} ORDER BY {catalog.order_by}"
        return [dict(row) for row in (await self.session.execute(text(sql))).mappings()]

    async def row(self, catalog: Catalog, key: Any, *, for_update: bool = False) -> Row | None:
        columns = ", ".join(catalog.stored_columns)
        lock = " FOR UPDATE" if for_update else ""
        sql = f"SELECT {columns} FROM {catalog.table} WHERE {catalog.key} = :key{lock}"
        found = (await self.session.execute(text(sql), {"key": key})).mappings().first()
        return dict(found) if found else None

    async def key_with(self, catalog: Catalog, column: str, value: Any) -> Any | None:
        """The key of the row whose ``column`` equals ``value`` (unique columns), if any."""
        sql = f"SELECT {catalog.key} FROM {catalog.table} WHERE {column} = :value"
        return await self.session.scalar(text(sql), {"value": value})

    async def insert(self, catalog: Catalog, values: Mapping[str, Any]) -> Row:
        names = list(values)
        placeholders = ", ".join(_bind(catalog, name) for name in names)
        returning = ", ".join(catalog.stored_columns)
        sql = (
            f"INSERT INTO {catalog.table} ({', '.join(names)}) VALUES ({placeholders}) "
            f"RETURNING {returning}"
        )
        result = await self.session.execute(text(sql), _params(catalog, values))
        return dict(result.mappings().one())

    async def update(self, catalog: Catalog, key: Any, changes: Mapping[str, Any]) -> Row:
        """Write ``changes`` (and ``updated_at`` = now, New York time, where the table has it)."""
        assignments = [f"{name} = {_bind(catalog, name)}" for name in changes]
        if catalog.has_updated_at:
            assignments.append("updated_at = LOCALTIMESTAMP")
        returning = ", ".join(catalog.stored_columns)
        sql = (
            f"UPDATE {catalog.table} SET {', '.join(assignments)} "
            f"WHERE {catalog.key} = :key RETURNING {returning}"
        )
        params = {**_params(catalog, changes), "key": key}
        return dict((await self.session.execute(text(sql), params)).mappings().one())
