"""The score refresh: set-based SQL that writes only the rows whose values change.

One transaction, in this order (``RefreshPlan.statements``):

1. ``scoring_changes`` (a temporary table) = one pass over ``properties`` that keeps only the
   properties whose computed values differ from the stored ones. Per property it joins the bits of
   its open records and active listings (one aggregate), its last arm's-length sale with the days
   since it and the mortgage estimate (one aggregate, read in index order), computes its two rule
   keys (``indicators.py``) and looks up, by key, the breakdown, scores and flags in two small
   tables built from ``intent_indicators`` in the same statement (every possible key: 2,048 and
   33 rows). So a property costs a few integer operations and one row comparison, whatever the
   number of indicators.
2. Counts per written column: the changed rows against their stored values.
3. ``property_intents`` of the changed rows: delete the indicators no longer detected, insert the
   new ones (``ON CONFLICT DO NOTHING`` keeps the ``detected_at`` of an ongoing detection).
4. One ``UPDATE properties … FROM scoring_changes`` (``last_updated`` = now).

Why step 3 needs only the changed rows: the refresh writes ``intent_breakdown`` (the detected
indicators' names) and ``property_intents`` together, so when a property's values are unchanged,
its detected set is too. ``full=True`` also keeps every property with a detection and reconciles the
whole ``property_intents`` table with them (repairs rows written by anything else), at the price of
a much bigger temporary table.

"Today" is the New York date (``as_of`` overrides it, for tests and replays).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Final

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.ingest.sales import ARMS_LENGTH_CODES, REFRESH_SALE_SUMMARY
from propintel.scoring import quality
from propintel.scoring.indicators import (
    ANY_PROPERTY_RULES,
    BAND_RULES,
    BIT,
    DISTRESSED,
    DISTRESSED_KEYS,
    FLAG_RULES,
    IS_NEW_BIT,
    NEW_HOMEOWNER,
    NEW_HOMEOWNER_BASE_SCORE,
    NEW_HOMEOWNER_RULES,
    OLD_LISTING_DAYS,
    RULES,
    Rule,
    is_new_sql,
    new_homeowner_keys,
    sql_list,
)
from propintel.scoring.mortgage import balance_sql

NEW_YORK_TODAY: Final = "SELECT (now() AT TIME ZONE 'America/New_York')::date"
# Refreshes never overlap (a CLI run and the job, two workers): they queue on this lock.
LOCK_KEY: Final = 7_361_420_001
WORK_MEM: Final = "256MB"  # the aggregates and hash joins of a million rows stay in memory
# The planner cannot estimate joins on computed keys: it would sort a million rows for a merge
# join with a 2,048-row lookup. And compiling this statement (JIT) costs more than it saves.
# The planner also overestimates the rows that differ (a few percent): with its default tuple
# costs it would not scan in parallel.
PLANNER: Final = (
    ("enable_mergejoin", "off"),
    ("join_collapse_limit", "1"),  # join in the written order: the big table probes, lookups hash
    ("jit", "off"),
    ("parallel_setup_cost", "100"),
    ("parallel_tuple_cost", "0.001"),
)

ARMS_LENGTH: Final = sql_list(ARMS_LENGTH_CODES)
# The order of "the last arm's-length sale" (as ingest/sales.py: latest first, higher price first).
LAST_SALE_ORDER: Final = "sale_date DESC, sale_price DESC NULLS LAST"

# An open signal record that counts as evidence. A lis pendens stops counting once any sale of the
# parcel is recorded after it (the owner it names has sold, or the lender took title: certificate
# of title deeds are never arm's-length, so every recorded sale counts).
OPEN: Final = "s.status = 'open' AND s.property_id IS NOT NULL"
NO_LATER_SALE: Final = """NOT EXISTS (
    SELECT 1 FROM property_sales later
    WHERE later.folio_number = s.folio_number AND later.sale_date > s.recorded_date)"""
OPEN_SIGNAL: Final = f"{OPEN} AND (s.signal_type <> 'pre_foreclosure' OR {NO_LATER_SALE})"


def listing_days(as_of: str) -> str:
    """A listing's days on market on ``as_of`` (SQL date): from ``listed_date``, else the feed's
    count (docs/data.md: ``days_on_market`` is only as fresh as the last import)."""
    return f"COALESCE({as_of} - listed_date, days_on_market)"


# --- the inputs of each property -----------------------------------------------------------------


def record_bits_sql(as_of: date, *, signals_where: str = "", listings_where: str = "") -> str:
    """Per property, ``bits``: the rules its open records and active listings detect."""
    others = [
        (kind, BIT[rule.name])
        for rule in RULES
        for kind in rule.signal_types
        if rule.name != "pre_foreclosure"
    ]
    cases = " ".join(f"WHEN '{kind}' THEN {bit}" for kind, bit in others)
    [listing_rule] = [rule for rule in RULES if rule.listing]
    # The lis pendens apart: NOT EXISTS as a top-level condition is an anti-join (parallel safe).
    return f"""SELECT property_id, bit_or(bit) AS bits FROM (
  SELECT s.property_id, CASE s.signal_type {cases} END AS bit
  FROM property_signals s
  WHERE {OPEN} AND s.signal_type IN ({sql_list(tuple(kind for kind, _ in others))}){signals_where}
  UNION ALL
  SELECT s.property_id, {BIT["pre_foreclosure"]} FROM property_signals s
  WHERE {OPEN} AND s.signal_type = 'pre_foreclosure' AND {NO_LATER_SALE}{signals_where}
  UNION ALL
  SELECT property_id, {BIT[listing_rule.name]} FROM fsbo_listings
  WHERE listing_status = 'active' AND property_id IS NOT NULL
    AND {listing_days(f"DATE '{as_of}'")} > {OLD_LISTING_DAYS}{listings_where}
) record
GROUP BY property_id"""


def last_sale_sql(as_of: date) -> str:
    """The last arm's-length sale of ``p`` from the sale summary the importers keep on
    ``properties`` (``ingest/sales.py``): when ``sale_date`` (that sale's date) is set,
    ``last_sale_price`` is its price. With ``days`` since it and the ``mortgage`` estimate."""
    return f"""SELECT p.sale_date, p.last_sale_price AS sale_price,
  DATE '{as_of}' - p.sale_date AS days,
  {balance_sql("p.last_sale_price", "p.sale_date", as_of)} AS mortgage"""


def _bit_if(rule: Rule, *, records: bool) -> str:
    tests = [f"(COALESCE(f.bits, 0) & {BIT[rule.name]}) <> 0"] if records else []
    tests += [f"({rule.condition})"] if rule.condition else []
    return f"CASE WHEN {' OR '.join(tests)} THEN {BIT[rule.name]} ELSE 0 END"


def distressed_key_sql() -> str:
    """The bits of the rules that hold on any property (over ``p``, ``f``, ``s``)."""
    from_records = sum(BIT[r.name] for r in ANY_PROPERTY_RULES if r.signal_types or r.listing)
    parts = [f"(COALESCE(f.bits, 0) & {from_records})"]
    parts += [_bit_if(rule, records=False) for rule in ANY_PROPERTY_RULES if rule.condition]
    return " | ".join(parts)


def new_homeowner_key_sql(new_homeowner_days: int) -> str:
    """``IS_NEW_BIT`` + the bits of the new-homeowner rules that hold; 0 for everyone else."""
    parts = [str(IS_NEW_BIT)]
    parts += [_bit_if(rule, records=bool(rule.signal_types)) for rule in NEW_HOMEOWNER_RULES]
    return f"CASE WHEN {is_new_sql(new_homeowner_days)} THEN {' | '.join(parts)} ELSE 0 END"


def inputs_sql(as_of: date, *, one_property: bool = False) -> str:
    """``FROM`` properties ``p`` with their record bits ``f`` and last arm's-length sale ``s``
    (only the property ``:property_id`` when ``one_property``: the same SQL for explanations)."""
    signals_where = listings_where = where = ""
    if one_property:
        signals_where = "\n    AND s.property_id = :property_id"
        listings_where = " AND property_id = :property_id"
        where = "\nWHERE p.property_id = :property_id"
    bits = record_bits_sql(as_of, signals_where=signals_where, listings_where=listings_where)
    return (
        f"FROM properties p\nLEFT JOIN ({bits}) f ON f.property_id = p.property_id\n"
        f"CROSS JOIN LATERAL ({last_sale_sql(as_of)}) s{where}"
    )


# The importers' own statement (ingest/sales.py), run over every folio by a full refresh: it
# repairs a sale summary that anything but an importer left stale.
SALE_SUMMARY_REPAIR: Final = REFRESH_SALE_SUMMARY.format(staging="scoring_folios").replace(
    "%(arms_length)s", f"ARRAY[{ARMS_LENGTH}]"
)
ALL_FOLIOS: Final = """CREATE TEMPORARY TABLE scoring_folios ON COMMIT DROP AS
SELECT folio_number AS folio, NULL::text AS reject_reason FROM properties
WHERE folio_number IS NOT NULL"""


# --- the lookups: every key's breakdown, scores and flags, from intent_indicators ---------------


def _weights_sql() -> str:
    columns = ",\n  ".join(
        f"max(weight) FILTER (WHERE indicator_name = '{rule.name}') AS w_{rule.name}, "
        f"max(intent_type) FILTER (WHERE indicator_name = '{rule.name}') AS t_{rule.name}"
        for rule in RULES
    )
    return f"SELECT\n  {columns}\nFROM intent_indicators"


def _detected(rule: str) -> str:
    """The key has the rule, and ``intent_indicators`` has its indicator."""
    return f"(k.key & {BIT[rule]} <> 0 AND w.w_{rule} IS NOT NULL)"


def _sum_of(rules: tuple[Rule, ...], intent_type: str) -> str:
    return " + ".join(
        f"CASE WHEN {_detected(rule.name)} AND w.t_{rule.name} = '{intent_type}'"
        f" THEN w.w_{rule.name} ELSE 0 END"
        for rule in rules
    )


def _lookup_sql(keys: str, rules: tuple[Rule, ...], extra: list[str]) -> str:
    pairs = ", ".join(
        f"'{rule.name}', CASE WHEN {_detected(rule.name)} THEN w.w_{rule.name} END"
        for rule in rules
    )
    columns = [
        "k.key",
        f"NULLIF(jsonb_strip_nulls(jsonb_build_object({pairs})), '{{}}'::jsonb) AS breakdown",
        f"{_sum_of(rules, DISTRESSED)} AS distressed",
        f"{_sum_of(rules, NEW_HOMEOWNER)} AS new_homeowner",
        *extra,
    ]
    # DISTINCT (the keys are distinct anyway) keeps the planner from flattening the lookup into
    # the outer query, where its expressions would be evaluated once per property; unlike
    # OFFSET 0 it lets the whole refresh run in parallel workers (each builds its own copy).
    return f"SELECT DISTINCT {', '.join(columns)}\nFROM {keys} CROSS JOIN ({_weights_sql()}) w"


def lookup_joins_sql(new_homeowner_days: int) -> str:
    """Joins ``d`` (distressed key → breakdown, sums, flags) and ``n`` (new-homeowner key →
    breakdown, sums, ``is_new``, ``base``) to the property ``p`` by its keys."""
    flags = [f"k.key & {BIT[rule.name]} <> 0 AS {rule.flag}" for rule in FLAG_RULES]
    band = " OR ".join(_detected(name) for name in BAND_RULES)
    new_homeowner_extra = [
        f"k.key & {IS_NEW_BIT} <> 0 AS is_new",
        f"CASE WHEN {band} THEN 0 ELSE {NEW_HOMEOWNER_BASE_SCORE} END AS base",
    ]
    keys = "{" + ",".join(str(key) for key in new_homeowner_keys()) + "}"
    distressed = _lookup_sql(
        f"generate_series(0, {DISTRESSED_KEYS - 1}) k(key)", ANY_PROPERTY_RULES, flags
    )
    new_homeowner = _lookup_sql(
        f"unnest('{keys}'::int[]) k(key)", NEW_HOMEOWNER_RULES, new_homeowner_extra
    )
    return (
        f"JOIN ({distressed}) d ON d.key = ({distressed_key_sql()})\n"
        f"JOIN ({new_homeowner}) n ON n.key = ({new_homeowner_key_sql(new_homeowner_days)})"
    )


# --- the written columns --------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """A ``properties`` column the refresh writes, and its new value (SQL over p, s, d, n).
    ``compared`` is a cheaper expression to compare the stored value with, equal to ``value``
    whenever the columns compared before it are unchanged."""

    column: str
    value: str
    compared: str | None = None


def written(as_of: date) -> tuple[Written, ...]:
    breakdown = (
        "CASE WHEN n.breakdown IS NULL THEN d.breakdown WHEN d.breakdown IS NULL THEN n.breakdown"
        " ELSE d.breakdown || n.breakdown END"
    )
    return (
        Written("distressed_score", "d.distressed + n.distressed"),
        Written("intent_breakdown", breakdown),
        *(Written(rule.flag, f"d.{rule.flag}") for rule in FLAG_RULES if rule.flag),
        Written("is_new_homeowner", "n.is_new"),
        Written("days_since_sale", "CASE WHEN n.is_new THEN s.days END"),
        Written(
            "new_homeowner_score",
            "CASE WHEN n.is_new THEN n.base + n.new_homeowner + d.new_homeowner END",
        ),
        Written("mortgage_balance", "s.mortgage"),
        # When mortgage_balance is unchanged it equals s.mortgage: no second estimate per row.
        Written(
            "estimated_equity", "p.market_value - s.mortgage", "p.market_value - p.mortgage_balance"
        ),
        Written("data_quality_score", quality.score_sql(as_of)),
    )


COLUMNS: Final = tuple(column.column for column in written(date(2000, 1, 1)))


def _changes_sql(as_of: date, new_homeowner_days: int, full: bool) -> str:
    values = written(as_of)
    stored = ", ".join(f"p.{value.column}" for value in values)
    computed = ", ".join(value.compared or value.value for value in values)
    # Any column that differs makes the row differ, so a column's ``compared`` may rely on the
    # columns before it being equal.
    differs = f"({stored})\n  IS DISTINCT FROM ({computed})"
    keep = f"{differs} OR d.breakdown IS NOT NULL OR n.breakdown IS NOT NULL" if full else differs
    columns = ",\n  ".join(f"{value.value} AS {value.column}" for value in values)
    # The mask of the columns that differ: in the select list, so computed for the kept rows only.
    mask = "\n  + ".join(
        f"CASE WHEN p.{value.column} IS DISTINCT FROM {value.value} THEN {1 << bit} ELSE 0 END"
        for bit, value in enumerate(values)
    )
    return f"""CREATE TEMPORARY TABLE scoring_changes ON COMMIT DROP AS
SELECT p.property_id,
  {columns},
  {mask} AS mask
{inputs_sql(as_of)}
{lookup_joins_sql(new_homeowner_days)}
WHERE {keep}"""


def _counts_sql() -> str:
    per_column = ", ".join(
        f"count(*) FILTER (WHERE mask & {1 << bit} <> 0) AS {column}"
        for bit, column in enumerate(COLUMNS)
    )
    return (
        f"SELECT count(*) FILTER (WHERE mask <> 0) AS changed, {per_column}\nFROM scoring_changes"
    )


def _delete_ended_sql(full: bool) -> str:
    if full:
        return """DELETE FROM property_intents pi USING intent_indicators i
WHERE i.indicator_id = pi.indicator_id AND NOT EXISTS (
  SELECT 1 FROM scoring_changes c
  WHERE c.property_id = pi.property_id AND jsonb_exists(c.intent_breakdown, i.indicator_name))"""
    return """DELETE FROM property_intents pi USING scoring_changes c, intent_indicators i
WHERE c.property_id = pi.property_id AND i.indicator_id = pi.indicator_id
  AND NOT COALESCE(jsonb_exists(c.intent_breakdown, i.indicator_name), false)"""


INSERT_NEW: Final = """INSERT INTO property_intents (property_id, indicator_id)
SELECT c.property_id, i.indicator_id
FROM scoring_changes c
CROSS JOIN LATERAL jsonb_object_keys(c.intent_breakdown) AS k(name)
JOIN intent_indicators i ON i.indicator_name = k.name
WHERE c.intent_breakdown IS NOT NULL
ON CONFLICT (property_id, indicator_id) DO NOTHING"""


def _update_sql() -> str:
    assignments = ", ".join(f"{column} = c.{column}" for column in COLUMNS)
    return f"""UPDATE properties p SET {assignments}, last_updated = now()
FROM scoring_changes c
WHERE c.property_id = p.property_id AND c.mask <> 0"""


@dataclass(frozen=True)
class Statement:
    name: str
    sql: str


@dataclass(frozen=True)
class RefreshPlan:
    """The statements of one refresh, as plain SQL (every value is a literal we generate)."""

    as_of: date
    new_homeowner_days: int
    full: bool = False

    def statements(self) -> list[Statement]:
        changes = _changes_sql(self.as_of, self.new_homeowner_days, self.full)
        repair = [
            Statement("drop", "DROP TABLE IF EXISTS pg_temp.scoring_folios"),
            Statement("folios", ALL_FOLIOS),
            Statement("sale_summaries_repaired", SALE_SUMMARY_REPAIR),
            Statement("cleanup", "DROP TABLE scoring_folios"),
        ]
        return [
            Statement("lock", f"SELECT pg_advisory_xact_lock({LOCK_KEY})"),
            Statement("work_mem", f"SET LOCAL work_mem = '{WORK_MEM}'"),
            *(Statement("plan", f"SET LOCAL {name} = {value}") for name, value in PLANNER),
            *(repair if self.full else []),
            Statement("drop", "DROP TABLE IF EXISTS pg_temp.scoring_changes"),
            Statement("changes", changes),
            Statement("analyze", "ANALYZE scoring_changes"),
            Statement("counts", _counts_sql()),
            Statement("examined", "SELECT count(*) FROM properties"),
            Statement("intents_deleted", _delete_ended_sql(self.full)),
            Statement("intents_inserted", INSERT_NEW),
            Statement("update", _update_sql()),
            Statement("cleanup", "DROP TABLE scoring_changes"),
        ]


@dataclass
class RefreshResult:
    as_of: date
    full: bool
    examined: int = 0
    changed: int = 0
    fields: dict[str, int] = field(default_factory=dict)
    intents_inserted: int = 0
    intents_deleted: int = 0
    sale_summaries_repaired: int = 0  # full refreshes only
    duration_s: float = 0.0
    timings_s: dict[str, float] = field(default_factory=dict)  # per statement

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["duration_s"] = round(self.duration_s, 3)
        data["timings_s"] = {name: round(seconds, 3) for name, seconds in self.timings_s.items()}
        return data


async def new_york_today(session: AsyncSession) -> date:
    today: date = (await session.execute(text(NEW_YORK_TODAY))).scalar_one()
    return today


async def refresh_scores(
    session: AsyncSession,
    *,
    as_of: date | None = None,
    new_homeowner_days: int | None = None,
    full: bool = False,
) -> RefreshResult:
    """Refresh every property's scores in the session's transaction (the caller commits)."""
    started = time.perf_counter()
    as_of = as_of or await new_york_today(session)
    days = new_homeowner_days or get_settings().new_homeowner_days
    result = RefreshResult(as_of=as_of, full=full)
    for statement in RefreshPlan(as_of, days, full).statements():
        began = time.perf_counter()
        outcome = await session.execute(text(statement.sql))
        _collect(result, statement.name, outcome)
        elapsed = time.perf_counter() - began
        result.timings_s[statement.name] = result.timings_s.get(statement.name, 0.0) + elapsed
    result.duration_s = time.perf_counter() - started
    return result


def _collect(result: RefreshResult, name: str, outcome: Any) -> None:
    if name == "examined":
        result.examined = outcome.scalar_one()
    elif name in ("intents_deleted", "intents_inserted", "sale_summaries_repaired"):
        setattr(result, name, outcome.rowcount)
    elif name == "counts":
        row = outcome.mappings().one()
        result.changed = row["changed"]
        result.fields = {column: row[column] for column in COLUMNS}
