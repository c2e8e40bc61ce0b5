"""Every query of the catalog, over the Core tables of ``tables.py`` (a ``Catalog`` names its
table and columns, our own constants). Besides the admin's CRUD, the offer other domains read:
the plans and bundles on sale, an action's token price."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    RowMapping,
    String,
    Table,
    case,
    cast,
    func,
    insert,
    literal,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB

from propintel.catalog.features import DEFAULT_FEATURES
from propintel.catalog.tables import (
    TABLES,
    Catalog,
    Row,
    ai_cost_config,
    subscription_plans,
    token_bundles,
    token_pricing,
)
from propintel.db.repository import Repository


def _table(catalog: Catalog) -> Table:
    return TABLES[catalog.table]


_plans = subscription_plans.c
# A plan's features as in force: the defaults of its name (``DEFAULT_FEATURES``) overlaid by what
# is stored. A plan without stored features stays NULL, as the admin pages show it.
_EFFECTIVE_FEATURES = case(
    (_plans.features.is_(None), None),
    else_=case(
        *(
            (_plans.plan_name == name, literal(defaults, JSONB))
            for name, defaults in DEFAULT_FEATURES.items()
        ),
        else_=literal({}, JSONB),
    ).op("||")(_plans.features),
).label("features")


def _stored(catalog: Catalog) -> list[ColumnElement[Any]]:
    table = _table(catalog)
    return [
        _EFFECTIVE_FEATURES if table is subscription_plans and name == "features" else table.c[name]
        for name in catalog.stored_columns
    ]


_PLAN_COLUMNS = (
    _plans.plan_id,
    _plans.plan_name,
    _plans.monthly_price,
    _plans.yearly_price,
    func.coalesce(_plans.base_tokens_monthly, 0).label("base_tokens_monthly"),
    func.coalesce(_EFFECTIVE_FEATURES, literal({}, JSONB)).label("features"),
    _plans.stripe_price_id,
)
_bundles = token_bundles.c
_ACTIVE_BUNDLES = (
    select(
        _bundles.bundle_id,
        func.coalesce(_bundles.bundle_name, cast(_bundles.token_amount, String) + " credits").label(
            "bundle_name"
        ),
        _bundles.token_amount,
        _bundles.price,
        _bundles.stripe_price_id,
    )
    .where(_bundles.is_active.is_not(False))
    .order_by(_bundles.token_amount)
)


class CatalogRepository(Repository):
    async def page(self, catalog: Catalog, after: Sequence[Any] | None, limit: int) -> list[Row]:
        """Up to ``limit`` rows in the listing's order, after the row whose sort key is
        ``after`` (keyset: ``(sort columns) > (after)``)."""
        table = _table(catalog)
        sort = [table.c[name] for name, _ in catalog.sort]
        statement = select(*_stored(catalog)).order_by(*sort).limit(limit)
        if after is not None:
            statement = statement.where(tuple_(*sort) > tuple_(*after))
        return [dict(row) for row in (await self.session.execute(statement)).mappings()]

    async def row(self, catalog: Catalog, key: Any, *, for_update: bool = False) -> Row | None:
        statement = select(*_stored(catalog)).where(_table(catalog).c[catalog.key] == key)
        if for_update:
            statement = statement.with_for_update()
        found = (await self.session.execute(statement)).mappings().first()
        return dict(found) if found else None

    async def key_with(self, catalog: Catalog, column: str, value: Any) -> Any | None:
        """The key of the row whose ``column`` equals ``value`` (unique columns), if any."""
        table = _table(catalog)
        return await self.session.scalar(
            select(table.c[catalog.key]).where(table.c[column] == value)
        )

    async def insert(self, catalog: Catalog, values: Mapping[str, Any]) -> Row:
        statement = insert(_table(catalog)).values(dict(values)).returning(*_stored(catalog))
        return dict((await self.session.execute(statement)).mappings().one())

    async def update(self, catalog: Catalog, key: Any, changes: Mapping[str, Any]) -> Row:
        """Write ``changes`` (and ``updated_at`` = now, New York time, where the table has it)."""
        table = _table(catalog)
        assignments: dict[str, Any] = dict(changes)
        if catalog.has_updated_at:
            assignments["updated_at"] = func.localtimestamp()
        statement = (
            update(table)
            .where(table.c[catalog.key] == key)
            .values(assignments)
            .returning(*_stored(catalog))
        )
        return dict((await self.session.execute(statement)).mappings().one())

    # --- the offer, as other domains read it ------------------------------------------------
    async def active_plans(self) -> Sequence[RowMapping]:
        statement = (
            select(*_PLAN_COLUMNS)
            .where(_plans.is_active.is_not(False))
            .order_by(_plans.monthly_price, _plans.plan_name)
        )
        return (await self.session.execute(statement)).mappings().all()

    async def plans(self, plan_ids: Collection[uuid.UUID]) -> Sequence[RowMapping]:
        """The plans with these ids, active or not."""
        statement = select(*_PLAN_COLUMNS).where(_plans.plan_id.in_(list(plan_ids)))
        return (await self.session.execute(statement)).mappings().all()

    async def plan_features(self, plan_name: str) -> dict[str, Any] | None:
        """The features object of the plan with this name (None: no such plan or no features)."""
        statement = select(_EFFECTIVE_FEATURES).where(_plans.plan_name == plan_name)
        features = (await self.session.execute(statement)).scalar_one_or_none()
        return features if isinstance(features, dict) else None

    async def active_bundles(self) -> Sequence[RowMapping]:
        return (await self.session.execute(_ACTIVE_BUNDLES)).mappings().all()

    async def price(self, action_type: str) -> RowMapping | None:
        pricing = token_pricing.c
        statement = select(
            pricing.action_type,
            pricing.tokens_required,
            func.coalesce(pricing.actual_cost_usd, 0).label("actual_cost_usd"),
        ).where(pricing.action_type == action_type)
        return (await self.session.execute(statement)).mappings().first()

    async def service_cost(self, service_name: str) -> Decimal | None:
        """``cost_per_unit`` of the ``ai_cost_config`` row of this service (None: no row)."""
        statement = select(ai_cost_config.c.cost_per_unit).where(
            ai_cost_config.c.service_name == service_name
        )
        value = await self.session.scalar(statement)
        return Decimal(value) if value is not None else None
