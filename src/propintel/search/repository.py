"""Every query of the search domain. ``search_sql`` builds the one statement a search runs (the
benchmark runs exactly that text directly, to measure the API against it).

Ordering is keyset pagination on ``(sort value, property_id)`` (``criteria.LISTINGS``): the sort
values are never NULL (``COALESCE`` to a floor), so a row comparison continues exactly after the
last row of a page, whatever was inserted meanwhile; no OFFSET. The sort expressions match the
indexes of revision 0009 (docs/schema.md), so the planner can walk them in order.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from sqlalchemy import RowMapping, text

from propintel.db.repository import Repository
from propintel.search.criteria import Intent, SearchCriteria, SortKey
from propintel.search.scope import Scope

NAMED_PARAMETER = re.compile(r"(?<![:\w]):([a-z_]+)\b")
ACTIVE_LISTING = (
    "EXISTS (SELECT 1 FROM fsbo_listings f WHERE f.property_id = p.property_id "
    "AND f.listing_status = 'active')"
)
# "Distressed" is written so that no index can answer it on its own: more than half of all
# properties are distressed, and a bitmap of them (the spec's partial index) ANDed with an area
# or an indicator costs more than the rest of the search. The planner then either walks the score
# index in order (areas dense with matches) or starts from the area or the indicator (few).
INTENT_CONDITION: dict[Intent, str] = {
    Intent.NEW_HOMEOWNER: "p.is_new_homeowner",
    Intent.DISTRESSED: "(p.distressed_score > 0) IS TRUE",
    Intent.FSBO: ACTIVE_LISTING,
}
NEW_HOMEOWNER_SCORE = "COALESCE(p.new_homeowner_score, 0)"
DISTRESSED_SCORE = "COALESCE(p.distressed_score, 0)"
BEST_SCORE = f"GREATEST({DISTRESSED_SCORE}, {NEW_HOMEOWNER_SCORE})"
CENTRE = "ST_SetSRID(ST_MakePoint(:near_lon, :near_lat), 4326)::geography"
# Within the radius: the bounding-box test uses the GiST index (and PostGIS estimates it well);
# the exact distance is a plain filter. ST_DWithin would add its own, far too low, estimate,
# and the planner would then never walk the score index in order, even for dense areas.
# _ST_Expand is the box ST_DWithin's own index support uses.
WITHIN_RADIUS = (
    f"p.location && _ST_Expand({CENTRE}, :radius_m) "
    f"AND ST_Distance(p.location, {CENTRE}) <= :radius_m"
)
POLYGON = "ST_SetSRID(ST_GeomFromGeoJSON(:polygon), 4326)"
# Inside the polygon: the box test on the index, then point-in-polygon in longitude/latitude
# (edges drawn straight on the map), which is cheap and estimated sanely.
INSIDE_POLYGON = (
    f"p.location && {POLYGON}::geography AND ST_Intersects(p.location::geometry, {POLYGON})"
)
# A search is a short query reading at most a few thousand rows: JIT compilation and parallel
# workers cost more to start than they save (JIT alone took seconds on 1M rows). Its best plan
# depends on the values (a dense area or a sparse one), so a prepared statement (psycopg
# prepares a statement run 5 times) is planned for each execution, never generically: a generic
# plan made 5 km radius searches 100 times slower.
PLANNER_SETTINGS = (
    "SELECT set_config('jit', 'off', true), "
    "set_config('max_parallel_workers_per_gather', '0', true), "
    "set_config('plan_cache_mode', 'force_custom_plan', true)"
)
# Every search starts with one round trip: the settings, the caller's plan, and what only the
# database can tell about the criteria (indicator names that do not exist, why a polygon is not
# valid), so a good search costs no extra statement for its checks.
START_SEARCH = (
    PLANNER_SETTINGS
    + """, (SELECT features FROM subscription_plans WHERE plan_name = :plan) AS features,
  ARRAY(SELECT name FROM unnest(CAST(:indicators AS text[])) AS name WHERE NOT EXISTS
    (SELECT 1 FROM intent_indicators i WHERE i.indicator_name = name) ORDER BY name)
    AS unknown_indicators,
  (SELECT CASE WHEN ST_IsValid(g) THEN NULL ELSE ST_IsValidReason(g) END
    FROM ST_GeomFromGeoJSON(CAST(:polygon AS text)) AS g WHERE g IS NOT NULL) AS polygon_problem"""
)
# What a result row carries: public-record facts, the owner and where to write to them. Never
# the enriched contact data (phone_number, email).
RESULT_COLUMNS = """p.property_id, p.folio_number, p.full_address, p.street_address, p.city,
  p.zip_code, ST_Y(p.location::geometry) AS lat, ST_X(p.location::geometry) AS lon,
  p.property_type, p.bedrooms, p.bathrooms, p.square_feet, p.lot_size_sqft, p.year_built, p.pool,
  p.stories, p.assessed_value, p.market_value, p.estimated_equity, p.mortgage_balance,
  p.last_sale_price, p.last_sale_date, p.sale_date, p.days_since_sale, p.owner_name, p.owner_type,
  p.owner_first_name, p.owner_last_name, p.mailing_address, p.mailing_street, p.mailing_city,
  p.mailing_state, p.mailing_zip, p.absentee_owner, p.out_of_state_owner, p.is_new_homeowner,
  p.distressed_score, p.new_homeowner_score, p.intent_breakdown"""
# An exact count up to this many matches; beyond it a search says "10,000+" (counting every
# match of a broad search would cost more than the search itself).
TOTAL_CAP = 10_000


@dataclass(frozen=True)
class SearchStart:
    """What the first statement of a search found (``START_SEARCH``)."""

    features: dict[str, Any] | None  # of the caller's plan; None: no such plan (or an admin)
    unknown_indicators: list[str]
    polygon_problem: str | None  # None: no polygon, or a valid one


@dataclass(frozen=True)
class SearchStatement:
    """One search as SQL text with ``:name`` parameters."""

    sql: str
    params: dict[str, Any] = field(default_factory=dict)

    def for_psycopg(self) -> str:
        """The same statement in psycopg's ``%(name)s`` form (``::`` casts left alone; the
        statement has no ``%`` and no ``:`` inside string literals)."""
        return NAMED_PARAMETER.sub(r"%(\1)s", self.sql)


def score_sql(intent: Intent | None, scope: Scope) -> str:
    """The score (points) a search filters (min_score), orders by and shows as the lead score:
    the intent's own score, or without an intent the higher of the scores the plan includes (a
    plan never sees, or is ordered by, a score it does not pay for)."""
    if intent is None:
        if scope.new_homeowner_scores and scope.distressed_scores:
            return BEST_SCORE
        intent = Intent.NEW_HOMEOWNER if scope.new_homeowner_scores else Intent.DISTRESSED
    return NEW_HOMEOWNER_SCORE if intent == Intent.NEW_HOMEOWNER else DISTRESSED_SCORE


def sort_sql(criteria: SearchCriteria, scope: Scope) -> tuple[str, str]:
    """(never-NULL sort expression, direction)."""
    if criteria.sort == SortKey.SALE_DATE:
        return "COALESCE(p.sale_date, DATE '0001-01-01')", "DESC"
    if criteria.sort == SortKey.VALUE:
        return "COALESCE(p.market_value, -1)", "DESC"
    if criteria.sort == SortKey.DISTANCE:
        return f"ST_Distance(p.location, {CENTRE})", "ASC"
    return score_sql(criteria.intent, scope), "DESC"


def _scope_conditions(criteria: SearchCriteria, scope: Scope) -> list[str]:
    if criteria.intent is not None:
        return [INTENT_CONDITION[criteria.intent]]
    if scope.everything:
        return []
    allowed = [INTENT_CONDITION[intent] for intent in Intent if scope.allows(intent)]
    return ["(" + " OR ".join(allowed) + ")"]


def _filters(
    criteria: SearchCriteria, scope: Scope, today: date
) -> tuple[list[str], dict[str, Any]]:
    """SQL conditions and their parameters: the plan's scope, then one per given criterion."""
    c = criteria
    where: list[str] = _scope_conditions(criteria, scope)
    params: dict[str, Any] = {}

    def add(condition: str, **values: Any) -> None:
        where.append(condition)
        params.update(values)

    if c.zip:
        add("p.zip_code = ANY(CAST(:zip AS text[]))", zip=c.zip)
    if c.city:
        add("upper(p.city) = :city", city=c.city)
    if c.property_type:
        add("p.property_type = ANY(CAST(:property_type AS text[]))", property_type=c.property_type)
    if c.near is not None:
        add(
            WITHIN_RADIUS,
            near_lat=c.near.lat,
            near_lon=c.near.lon,
            radius_m=float(c.radius_m or 0),
        )
    if c.polygon is not None:
        add(INSIDE_POLYGON, polygon=c.polygon.model_dump_json())
    if c.min_score is not None:
        add(f"{score_sql(c.intent, scope)} >= :min_score", min_score=c.min_score)
    if c.indicator:
        add("p.intent_breakdown ?& CAST(:indicator AS text[])", indicator=c.indicator)
    if c.sold_within_days is not None:
        add("p.sale_date >= :sold_since", sold_since=today - timedelta(days=c.sold_within_days))
    if c.min_years_owned is not None:
        owned_before = _years_before(today, c.min_years_owned)
        add("p.last_sale_date <= :owned_before", owned_before=owned_before)
    if c.pool is not None:
        where.append("p.pool IS TRUE" if c.pool else "p.pool IS NOT TRUE")
    if c.min_beds is not None:
        add("p.bedrooms >= :min_beds", min_beds=c.min_beds)
    if c.min_baths is not None:
        add("p.bathrooms >= :min_baths", min_baths=c.min_baths)
    if c.min_value is not None:
        add("p.market_value >= :min_value", min_value=c.min_value)
    if c.max_value is not None:
        add("p.market_value <= :max_value", max_value=c.max_value)
    if c.min_equity_pct is not None:
        add(
            "p.market_value > 0 AND p.estimated_equity >= p.market_value * :equity_share",
            equity_share=c.min_equity_pct / 100,
        )
    if c.owner_type is not None:
        add("p.owner_type = :owner_type", owner_type=c.owner_type)
    if c.out_of_state is not None:
        where.append(
            "p.out_of_state_owner IS TRUE" if c.out_of_state else "p.out_of_state_owner IS NOT TRUE"
        )
    return where, params


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def search_sql(
    criteria: SearchCriteria,
    scope: Scope,
    *,
    today: date,
    limit: int,
    after: tuple[Any, uuid.UUID] | None = None,
    columns: str = RESULT_COLUMNS,
) -> SearchStatement:
    """The statement of one page: ``limit`` rows after the keyset ``after`` (the sort value and
    property_id of the previous page's last row), in the criteria's order, with ``distance_m``
    (when ``near`` is given), ``lead_points`` (the score shown as the lead score) and
    ``sort_value`` (the keyset value of each row) after ``columns``."""
    where, params = _filters(criteria, scope, today)
    key, direction = sort_sql(criteria, scope)
    if after is not None:
        compare = ">" if direction == "ASC" else "<"
        where.append(f"({key}, p.property_id) {compare} (:after_value, :after_id)")
        params.update(after_value=after[0], after_id=after[1])
    if criteria.near is not None:
        columns += f", ST_Distance(p.location, {CENTRE}) AS distance_m"
    columns += f", {score_sql(criteria.intent, scope)} AS lead_points"
    sql = (
        f"SELECT {columns}, {key} AS sort_value FROM properties p"
        + (f"\nWHERE {' AND '.join(where)}" if where else "")
        + f"\nORDER BY {key} {direction}, p.property_id {direction}\nLIMIT :limit"
    )
    return SearchStatement(sql, {**params, "limit": limit})


def count_sql(
    criteria: SearchCriteria, scope: Scope, *, today: date, cap: int = TOTAL_CAP
) -> SearchStatement:
    """How many properties match, counted up to ``cap + 1`` (more reads as "10,000+"): the
    page's conditions without its order, so the planner may take any index."""
    where, params = _filters(criteria, scope, today)
    condition = f"\nWHERE {' AND '.join(where)}" if where else ""
    sql = f"SELECT count(*) AS total FROM (SELECT FROM properties p{condition}\nLIMIT :cap) m"
    return SearchStatement(sql, {**params, "cap": cap + 1})


def start_sql(plan_name: str | None, criteria: SearchCriteria | None) -> SearchStatement:
    """The first statement of a search (``START_SEARCH``) for a caller on ``plan_name``."""
    polygon = criteria.polygon if criteria else None
    params = {
        "plan": plan_name,
        "indicators": (criteria.indicator if criteria else None) or None,
        "polygon": polygon.model_dump_json() if polygon else None,
    }
    return SearchStatement(START_SEARCH, params)


class SearchRepository(Repository):
    async def page(
        self,
        criteria: SearchCriteria,
        scope: Scope,
        *,
        today: date,
        limit: int,
        after: tuple[Any, uuid.UUID] | None = None,
    ) -> list[dict[str, Any]]:
        """``limit`` result rows after the keyset ``after`` (``search_sql``)."""
        return await self._through_driver(
            search_sql(criteria, scope, today=today, limit=limit, after=after)
        )

    async def count(self, criteria: SearchCriteria, scope: Scope, *, today: date, cap: int) -> int:
        """How many properties match, up to ``cap + 1`` (``count_sql``)."""
        [row] = await self._through_driver(count_sql(criteria, scope, today=today, cap=cap))
        return int(row["total"])

    async def start_search(
        self, plan_name: str | None, criteria: SearchCriteria | None = None
    ) -> SearchStart:
        """Applies PLANNER_SETTINGS for the rest of the transaction (``set_config(…, true)`` is
        ``SET LOCAL``), reads the features of ``plan_name`` and checks ``criteria``."""
        [row] = await self._through_driver(start_sql(plan_name, criteria))
        return SearchStart(row["features"], row["unknown_indicators"], row["polygon_problem"])

    async def _through_driver(self, statement: SearchStatement) -> list[dict[str, Any]]:
        """Rows of ``statement`` on the session's own connection and transaction, but straight
        through the driver: a search is a few milliseconds of SQL, and SQLAlchemy's statement
        and result handling would add half as much again."""
        connection = await (await self.session.connection()).get_raw_connection()
        driver = connection.driver_connection
        assert isinstance(driver, AsyncConnection)
        async with driver.cursor(row_factory=dict_row) as cursor:
            await cursor.execute(statement.for_psycopg(), statement.params)
            return await cursor.fetchall()

    async def ids(
        self, criteria: SearchCriteria, scope: Scope, *, today: date, limit: int
    ) -> list[uuid.UUID]:
        """The ids of the first ``limit`` matches, in the criteria's order."""
        statement = search_sql(criteria, scope, today=today, limit=limit, columns="p.property_id")
        rows = await self.session.execute(text(statement.sql), statement.params)
        return [row.property_id for row in rows]

    async def stream(
        self, criteria: SearchCriteria, scope: Scope, *, today: date, limit: int, batch: int
    ) -> AsyncIterator[Sequence[RowMapping]]:
        """The first ``limit`` result rows (the search's own statement, ``search_sql``) through a
        server-side cursor, ``batch`` rows at a time: an export never holds all of them in
        memory, nor pays the async driver's round trip (a greenlet switch) per row."""
        statement = search_sql(criteria, scope, today=today, limit=limit)
        result = await self.session.stream(text(statement.sql), statement.params)
        async for rows in result.mappings().partitions(batch):
            yield rows

    async def property_record(self, property_id: uuid.UUID, scope: Scope) -> RowMapping | None:
        """A property's page record (no enriched contact data) with ``in_scope``: whether
        ``scope`` covers it."""
        in_scope = _scope_conditions(SearchCriteria(), scope) or ["true"]
        row = await self.session.execute(
            text(
                f"SELECT {RESULT_COLUMNS}, p.parcel_id, p.dor_use_code, p.homestead, "
                "p.legal_description, p.data_issues, p.data_quality_score, p.last_updated, "
                f"{score_sql(None, scope)} AS lead_points, "
                f"({in_scope[0]}) AS in_scope FROM properties p WHERE p.property_id = :id"
            ),
            {"id": property_id},
        )
        return row.mappings().first()

    async def in_scope(
        self, property_ids: Sequence[uuid.UUID], scope: Scope
    ) -> dict[uuid.UUID, bool]:
        """Which of ``property_ids`` exist, each with whether ``scope`` covers it
        (``property_record``'s ``in_scope`` for many properties in one statement)."""
        covered = _scope_conditions(SearchCriteria(), scope) or ["true"]
        rows = await self.session.execute(
            text(
                f"SELECT p.property_id, ({covered[0]}) AS in_scope FROM properties p "
                "WHERE p.property_id = ANY(CAST(:ids AS uuid[]))"
            ),
            {"ids": list(property_ids)},
        )
        return {row[0]: bool(row[1]) for row in rows}

    async def sale_history(self, folio_number: str | None) -> list[RowMapping]:
        if folio_number is None:
            return []
        rows = await self.session.execute(
            text(
                "SELECT sale_date, sale_day_exact, sale_price, qualification_code, or_book, "
                "or_page, clerk_number, source FROM property_sales WHERE folio_number = :folio "
                "ORDER BY sale_date DESC NULLS LAST, sale_price DESC NULLS LAST"
            ),
            {"folio": folio_number},
        )
        return list(rows.mappings())

    async def listings(self, property_id: uuid.UUID) -> list[RowMapping]:
        """FSBO listings of the property (the seller's contact details are not read)."""
        rows = await self.session.execute(
            text(
                "SELECT listing_url, listing_platform, listing_price, listing_description, "
                "listing_status, listed_date, days_on_market, updated_at FROM fsbo_listings "
                "WHERE property_id = :id ORDER BY (listing_status = 'active') DESC, "
                "listed_date DESC NULLS LAST"
            ),
            {"id": property_id},
        )
        return list(rows.mappings())

    async def log_export(
        self, user_id: uuid.UUID, criteria: dict[str, Any], max_rows: int
    ) -> uuid.UUID:
        export_id: uuid.UUID = (
            await self.session.execute(
                text(
                    "INSERT INTO search_exports (user_id, criteria, max_rows) "
                    "VALUES (:user_id, CAST(:criteria AS jsonb), :max_rows) RETURNING export_id"
                ),
                {"user_id": user_id, "criteria": json.dumps(criteria), "max_rows": max_rows},
            )
        ).scalar_one()
        return export_id

    async def finish_export(self, export_id: uuid.UUID, rows: int) -> None:
        await self.session.execute(
            text(
                "UPDATE search_exports SET row_count = :rows, finished_at = now() "
                "WHERE export_id = :id"
            ),
            {"rows": rows, "id": export_id},
        )

    async def best_scored(
        self, ids: Sequence[uuid.UUID], intent: Intent | None, scope: Scope, limit: int
    ) -> list[RowMapping]:
        """The best ``limit`` of ``ids`` by ``score_sql`` (points), with their addresses."""
        rows = await self.session.execute(
            text(
                f"SELECT p.property_id, p.full_address, {score_sql(intent, scope)} AS score "
                "FROM properties p WHERE p.property_id = ANY(CAST(:ids AS uuid[])) "
                "ORDER BY score DESC, p.full_address, p.property_id LIMIT :limit"
            ),
            {"ids": list(ids), "limit": limit},
        )
        return list(rows.mappings())
