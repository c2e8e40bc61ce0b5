"""Every query of the catalog. Table and column names come from ``tables.CATALOGS`` (our own
constants), values are always bound parameters. Besides the admin's CRUD, the offer other domains
read: the plans and bundles on sale, an action's token price."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import RowMapping, bindparam, text

from propintel.catalog.tables import Catalog, Row
from propintel.db.repository import Repository


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


_PLAN_COLUMNS = (
    "plan_id, plan_name, monthly_price, yearly_price, COALESCE(base_tokens_monthly, 0) AS "
    "base_tokens_monthly, COALESCE(features, '{}'::jsonb) AS features, stripe_price_id"
)
_ACTIVE_BUNDLES = text(
    "SELECT bundle_id, COALESCE(bundle_name, token_amount || ' credits') AS bundle_name, "
    "token_amount, price, stripe_price_id FROM token_bundles "
    "WHERE is_active IS NOT FALSE ORDER BY token_amount"
)
_PRICE = text(
    "SELECT action_type, tokens_required, COALESCE(actual_cost_usd, 0) AS actual_cost_usd "
    "FROM token_pricing WHERE action_type = :action_type"
)


class CatalogRepository(Repository):
    async def page(self, catalog: Catalog, after: Sequence[Any] | None, limit: int) -> list[Row]:
        """Up to ``limit`` rows in the listing's order, after the row whose sort key is
        ``after`` (keyset: ``(sort columns) > (after)``)."""
        columns = ", ".join(catalog.stored_columns)
        sort = ", ".join(name for name, _ in catalog.sort)
        params: dict[str, Any] = {"limit": limit}
        where = ""
        if after is not None:
            marks = ", ".join(f":after_{index}" for index in range(len(after)))
            where = f"WHERE ({sort}) > ({marks}) "
            params |= {f"after_{index}": value for index, value in enumerate(after)}
        sql = f"SELECT {columns} FROM {catalog.table} {where}ORDER BY {sort} LIMIT :limit"
        return [dict(row) for row in (await self.session.execute(text(sql), params)).mappings()]

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

    # --- the offer, as other domains read it ------------------------------------------------
    async def active_plans(self) -> Sequence[RowMapping]:
        sql = (
            f"SELECT {_PLAN_COLUMNS} FROM subscription_plans WHERE is_active IS NOT FALSE "
            "ORDER BY monthly_price, plan_name"
        )
        return (await self.session.execute(text(sql))).mappings().all()

    async def plans(self, plan_ids: Collection[uuid.UUID]) -> Sequence[RowMapping]:
        """The plans with these ids, active or not."""
        sql = text(
            f"SELECT {_PLAN_COLUMNS} FROM subscription_plans WHERE plan_id IN :plan_ids"
        ).bindparams(bindparam("plan_ids", expanding=True))
        return (await self.session.execute(sql, {"plan_ids": list(plan_ids)})).mappings().all()

    async def active_bundles(self) -> Sequence[RowMapping]:
        return (await self.session.execute(_ACTIVE_BUNDLES)).mappings().all()

    async def price(self, action_type: str) -> RowMapping | None:
        return (await self.session.execute(_PRICE, {"action_type": action_type})).mappings().first()
