"""The score refresh as SQL: ``statements`` turns a ``RefreshPlan`` (``refresh_plan.py``) into
the statements that carry it out; ``refresh.py`` runs them in one transaction after ``PREAMBLE``
and ``state_statement``.

Set-based and hand-written (docs/decisions/0006): the statements are generated from the rule list
(``indicators.py``), the quality checks (``quality.py``) and the mortgage estimate
(``mortgage.py``). Table and column names, codes and rule thresholds come only from constants of
this code; every value of a refresh (dates, settings, transaction ids, the stored basis) is a bound
parameter (``parameters``), never part of the SQL text. Also here: the building blocks the
explanations reuse (``inputs_sql`` with ``scope="one"``, ``OPEN_SIGNAL``, ``listing_days``), so an
explanation reads exactly what the refresh computes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

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
from propintel.scoring.mortgage import (
    RATE_BY_YEAR,
    amortisation_cte,
    balance_sql,
    months_paid_sql,
)
from propintel.scoring.refresh_plan import RefreshPlan, Since, Step

# ``:name`` parameters (not ``::`` casts). No refresh statement has ``:`` or ``%`` inside a string
# literal.
PARAMETER: Final = re.compile(r"(?<![:\w]):([a-z_]+)\b")


@dataclass(frozen=True)
class Statement:
    """One statement of a refresh with the values of its ``:name`` parameters; ``name`` keys its
    timing (``RefreshResult.timings_s``)."""

    name: str
    sql: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def bound(cls, name: str, sql: str, values: Mapping[str, Any]) -> Statement:
        """``sql`` with the values of the parameters it uses, from ``values``."""
        return cls(name, sql, {used: values[used] for used in sorted(set(PARAMETER.findall(sql)))})

    def for_psycopg(self) -> str:
        """The same statement in psycopg's ``%(name)s`` form (the benchmark's floor runs it)."""
        return PARAMETER.sub(r"%(\1)s", self.sql.replace("%", "%%"))


# The values of a refresh, as the statements read them (``parameters``).
AS_OF: Final = "CAST(:as_of AS date)"
SINCE_AS_OF: Final = "CAST(:since_as_of AS date)"  # the last refresh's (incremental only)
NEW_HOMEOWNER_DAYS: Final = "CAST(:new_homeowner_days AS integer)"


NEW_YORK_TODAY: Final = "SELECT (now() AT TIME ZONE 'America/New_York')::date"
# Refreshes never overlap (a CLI run and the job, two workers): they queue on this lock.
LOCK_KEY: Final = 7_361_420_001
WORK_MEM: Final = "256MB"  # the aggregates and hash joins of a million rows stay in memory
# The planner cannot estimate joins on computed keys: it would sort a million rows for a merge
# join with a 2,048-row lookup, or hash the big table. Compiling this statement (JIT) costs more
# than it saves. And it overestimates the rows that differ (a few percent): with its default
# tuple cost it would not even scan ``properties`` in parallel.
PLANNER: Final = (
    # A first scoring rewrites every breakdown: a larger GIN pending list defers the index merge.
    ("gin_pending_list_limit", "'64MB'"),
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


def record_bits_sql(*, signals_where: str = "", listings_where: str = "") -> str:
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
    AND {listing_days(AS_OF)} > {OLD_LISTING_DAYS}{listings_where}
) record
GROUP BY property_id"""


def last_sale_sql() -> str:
    """The last arm's-length sale of ``p`` from the sale summary the importers keep on
    ``properties`` (``ingest/sales.py``): when ``sale_date`` (that sale's date) is set,
    ``last_sale_price`` is its price. With ``days`` since it and the ``mortgage`` estimate."""
    return f"""SELECT p.sale_date, p.last_sale_price AS sale_price,
  {AS_OF} - p.sale_date AS days,
  {balance_sql("p.last_sale_price", "p.sale_date", AS_OF)} AS mortgage"""


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


def new_homeowner_key_sql() -> str:
    """``IS_NEW_BIT`` + the bits of the new-homeowner rules that hold; 0 for everyone else."""
    parts = [str(IS_NEW_BIT)]
    parts += [_bit_if(rule, records=bool(rule.signal_types)) for rule in NEW_HOMEOWNER_RULES]
    return f"CASE WHEN {is_new_sql(NEW_HOMEOWNER_DAYS)} THEN {' | '.join(parts)} ELSE 0 END"


CANDIDATES: Final = "(SELECT property_id FROM scoring_candidates)"


def inputs_sql(scope: str = "all") -> str:
    """``FROM`` properties ``p`` with their record bits ``f`` and last arm's-length sale ``s``:
    every property (``all``), the ``candidates`` of an incremental refresh, or ``one`` property
    (``:property_id``: the same SQL for explanations)."""
    source, signals_where, listings_where, where = "properties p", "", "", ""
    if scope == "candidates":
        source = "scoring_candidates c JOIN properties p ON p.property_id = c.property_id"
        signals_where = f"\n    AND s.property_id = ANY (ARRAY{CANDIDATES})"
        listings_where = f" AND property_id = ANY (ARRAY{CANDIDATES})"
    elif scope == "one":
        signals_where = "\n    AND s.property_id = :property_id"
        listings_where = " AND property_id = :property_id"
        where = "\nWHERE p.property_id = :property_id"
    bits = record_bits_sql(signals_where=signals_where, listings_where=listings_where)
    return (
        f"FROM {source}\nLEFT JOIN ({bits}) f ON f.property_id = p.property_id\n"
        f"CROSS JOIN LATERAL ({last_sale_sql()}) s{where}"
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
    # OFFSET 0 it leaves the statement free to use parallel workers.
    return f"SELECT DISTINCT {', '.join(columns)}\nFROM {keys} CROSS JOIN ({_weights_sql()}) w"


def lookup_joins_sql() -> str:
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
        f"JOIN ({new_homeowner}) n ON n.key = ({new_homeowner_key_sql()})"
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


def written() -> tuple[Written, ...]:
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
        Written("data_quality_score", quality.score_sql(AS_OF)),
    )


COLUMNS: Final = tuple(column.column for column in written())
# Changes with any rule, check, rate or written value: the next refresh then examines everything.
VERSION: Final = hashlib.sha256(
    repr((RULES, quality.CHECKS, RATE_BY_YEAR, written())).encode()
).hexdigest()[:16]


def _changes_sql(full: bool, scope: str) -> str:
    values = written()
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
WITH {amortisation_cte(AS_OF)}
SELECT p.property_id,
  {columns},
  {mask} AS mask
{inputs_sql(scope)}
{lookup_joins_sql()}
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


# An ongoing detection keeps its row (and detected_at). An anti-join rather than ON CONFLICT:
# refreshes are serialised by the lock and nothing else writes property_intents, and a plain
# insert in key order is a fifth cheaper when a first scoring inserts most of a million rows.
INSERT_NEW: Final = """INSERT INTO property_intents (property_id, indicator_id)
SELECT c.property_id, i.indicator_id
FROM scoring_changes c
CROSS JOIN LATERAL jsonb_object_keys(c.intent_breakdown) AS k(name)
JOIN intent_indicators i ON i.indicator_name = k.name
WHERE c.intent_breakdown IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM property_intents pi
  WHERE pi.property_id = c.property_id AND pi.indicator_id = i.indicator_id)
ORDER BY c.property_id, i.indicator_id"""


def _update_sql() -> str:
    assignments = ", ".join(f"{column} = c.{column}" for column in COLUMNS)
    return f"""UPDATE properties p SET {assignments}, last_updated = now()
FROM scoring_changes c
WHERE c.property_id = p.property_id AND c.mask <> 0"""


PREAMBLE: Final = (
    Statement("lock", f"SELECT pg_advisory_xact_lock({LOCK_KEY})"),
    Statement("work_mem", f"SET LOCAL work_mem = '{WORK_MEM}'"),
    *(Statement("plan", f"SET LOCAL {name} = {value}") for name, value in PLANNER),
)


def _written_since(alias: str) -> str:
    return f"age({alias}.xmin) <= age(CAST(:since_xmin AS xid))"


def _calendar_sql(plan: RefreshPlan) -> str:
    """Properties whose new-homeowner days, band or estimate move between the two dates."""
    if plan.new_homeowner_window is None:
        return "false"
    paid = [
        months_paid_sql("p.sale_date", day, cte)
        for day, cte in ((SINCE_AS_OF, "amortisation_then"), (AS_OF, "amortisation"))
    ]
    return (
        "p.sale_date BETWEEN CAST(:window_low AS date) AND CAST(:window_high AS date)"
        f" OR (p.last_sale_price > 0 AND p.sale_date IS NOT NULL AND {paid[0]} <> {paid[1]})"
    )


def _listing_crossing_sql(plan: RefreshPlan) -> str:
    if not plan.date_moved:
        return "false"
    now, then = listing_days(AS_OF), listing_days(SINCE_AS_OF)
    return (
        f"listing_status = 'active' AND ({now} > {OLD_LISTING_DAYS})"
        f" IS DISTINCT FROM ({then} > {OLD_LISTING_DAYS})"
    )


def candidates_sql(plan: RefreshPlan, since: Since) -> str:
    """The properties an incremental refresh examines: rows written since the last refresh
    (``xmin``; but not by that refresh itself), those whose records, listings or (for a lis
    pendens) sales were written since, the properties such a record or listing was moved away
    from (``previous_property_id``), and those the calendar moves."""
    own = " AND p.xmin <> CAST(:own_xid AS xid)" if since.own_xid is not None else ""
    then = amortisation_cte(SINCE_AS_OF, "amortisation_then")
    ctes = f"WITH {amortisation_cte(AS_OF)},\n{then}\n" if plan.date_moved else ""
    return f"""CREATE TEMPORARY TABLE scoring_candidates ON COMMIT DROP AS
{ctes}SELECT property_id FROM properties p
WHERE ({_written_since("p")}{own}) OR {_calendar_sql(plan)}
UNION
SELECT m.property_id FROM property_signals s
CROSS JOIN LATERAL (VALUES (s.property_id), (s.previous_property_id)) m(property_id)
WHERE m.property_id IS NOT NULL AND {_written_since("s")}
UNION
SELECT m.property_id FROM fsbo_listings l
CROSS JOIN LATERAL (VALUES (l.property_id), (l.previous_property_id)) m(property_id)
WHERE m.property_id IS NOT NULL
  AND ({_written_since("l")} OR {_listing_crossing_sql(plan)})
UNION
SELECT s.property_id FROM property_signals s
JOIN property_sales later ON later.folio_number = s.folio_number
WHERE s.signal_type = 'pre_foreclosure' AND s.status = 'open' AND s.property_id IS NOT NULL
  AND {_written_since("later")}"""


def basis_sql() -> str:
    """What a refresh's results depend on besides the records; a change means examine all."""
    weights = (
        "(SELECT jsonb_object_agg(indicator_name, jsonb_build_array(intent_type, weight))"
        " FROM intent_indicators)"
    )
    return (
        "jsonb_build_object('version', CAST(:version AS text),"
        f" 'new_homeowner_days', {NEW_HOMEOWNER_DAYS},"
        f" 'year', date_part('year', {AS_OF})::int, 'weights', {weights})"
    )


def state_sql() -> str:
    """The last refresh's state, and what this one would store."""
    return f"""SELECT st.as_of, st.snapshot_xmin::text AS snapshot_xmin,
  st.refresh_xid::text AS refresh_xid, st.basis,
  pg_current_xact_id_if_assigned()::text AS current_xid,
  pg_snapshot_xmin(pg_current_snapshot())::text AS now_xmin,
  {basis_sql()} AS basis_now
FROM (SELECT 1) one LEFT JOIN scoring_state st ON true"""


STATE_WRITE: Final = f"""INSERT INTO scoring_state AS st
  (singleton, refreshed_at, as_of, snapshot_xmin, refresh_xid, basis)
VALUES (true, now(), {AS_OF}, CAST(:snapshot_xmin AS xid8), pg_current_xact_id(),
  CAST(:basis AS jsonb))
ON CONFLICT (singleton) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at,
  as_of = EXCLUDED.as_of, snapshot_xmin = EXCLUDED.snapshot_xmin,
  refresh_xid = EXCLUDED.refresh_xid, basis = EXCLUDED.basis"""


def _repair(plan: RefreshPlan) -> list[Statement]:
    return [
        Statement("drop", "DROP TABLE IF EXISTS pg_temp.scoring_folios"),
        Statement("folios", ALL_FOLIOS),
        Statement("sale_summaries_repaired", SALE_SUMMARY_REPAIR),
        Statement("cleanup", "DROP TABLE scoring_folios"),
    ]


def _candidates(plan: RefreshPlan) -> list[Statement]:
    assert plan.since is not None
    return [
        Statement("drop", "DROP TABLE IF EXISTS pg_temp.scoring_candidates"),
        Statement("candidates", candidates_sql(plan, plan.since)),
        Statement("analyze", "ANALYZE scoring_candidates"),
    ]


def _changes(plan: RefreshPlan) -> list[Statement]:
    changes = _changes_sql(plan.reconciles_every_intent, plan.examined)
    return [
        Statement("drop", "DROP TABLE IF EXISTS pg_temp.scoring_changes"),
        Statement("changes", changes),
        Statement("analyze", "ANALYZE scoring_changes"),
    ]


def _counts(plan: RefreshPlan) -> list[Statement]:
    examined = "scoring_candidates" if plan.examined == "candidates" else "properties"
    return [
        Statement("counts", _counts_sql()),
        Statement("examined", f"SELECT count(*) FROM {examined}"),
    ]


def _update(plan: RefreshPlan) -> list[Statement]:
    return [Statement("update", _update_sql())]


def _end_intents(plan: RefreshPlan) -> list[Statement]:
    return [Statement("intents_deleted", _delete_ended_sql(plan.reconciles_every_intent))]


def _add_intents(plan: RefreshPlan) -> list[Statement]:
    # The last statement to read scoring_changes: drop it after.
    return [
        Statement("intents_inserted", INSERT_NEW),
        Statement("cleanup", "DROP TABLE scoring_changes"),
    ]


def _save_state(plan: RefreshPlan) -> list[Statement]:
    return [Statement("state", STATE_WRITE)]


STEP_STATEMENTS: Final[dict[Step, Callable[[RefreshPlan], list[Statement]]]] = {
    Step.REPAIR_SALE_SUMMARIES: _repair,
    Step.FIND_CANDIDATES: _candidates,
    Step.FIND_CHANGES: _changes,
    Step.COUNT_CHANGES: _counts,
    Step.UPDATE_PROPERTIES: _update,
    Step.END_INTENTS: _end_intents,
    Step.ADD_INTENTS: _add_intents,
    Step.SAVE_STATE: _save_state,
}


def statements(plan: RefreshPlan) -> list[Statement]:
    """The statements of ``plan``'s steps, in order (after ``PREAMBLE`` and ``state_statement``),
    each with the values of its parameters."""
    values = parameters(plan)
    return [
        Statement.bound(statement.name, statement.sql, values)
        for step in plan.steps
        for statement in STEP_STATEMENTS[step](plan)
    ]


def parameters(plan: RefreshPlan) -> dict[str, Any]:
    """Every value the statements of ``plan`` bind (each statement takes those it uses).
    Transaction ids are sent as text and cast (``xid`` and ``xid8`` have no cast from integers)."""
    values: dict[str, Any] = {
        "as_of": plan.as_of,
        "new_homeowner_days": plan.new_homeowner_days,
        "snapshot_xmin": plan.snapshot_xmin,
        "basis": plan.basis,
    }
    if plan.since is not None:
        values["since_as_of"] = plan.since.as_of
        values["since_xmin"] = str(plan.since.xmin)
        if plan.since.own_xid is not None:
            values["own_xid"] = str(plan.since.own_xid)
    if plan.new_homeowner_window is not None:
        values["window_low"], values["window_high"] = plan.new_homeowner_window
    return values


def state_statement(as_of: date, new_homeowner_days: int) -> Statement:
    """The last refresh's state, and the basis this one would store (``state_sql``)."""
    values = {"as_of": as_of, "new_homeowner_days": new_homeowner_days, "version": VERSION}
    return Statement.bound("state", state_sql(), values)


# --- the bulk path: the update without the secondary indexes of ``properties`` -------------------

# Every index of ``properties`` that no constraint needs (the primary key and unique indexes
# stay: the update joins on the key, and the intents' foreign keys check it).
SECONDARY_INDEXES: Final = """
SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = 'properties'::regclass AND NOT i.indisunique AND NOT i.indisprimary
ORDER BY c.relname
"""
INDEX_BUILD_MEMORY: Final = "256MB"
INDEX_BUILD_SETTINGS: Final = f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'"


def drop_index_sql(name: str) -> str:
    """``name``: an index of ``properties``, as ``SECONDARY_INDEXES`` read it from PostgreSQL's
    catalog (the one identifier not from our constants), quoted as an identifier."""
    quoted = name.replace('"', '""')
    return f'DROP INDEX "{quoted}"'
