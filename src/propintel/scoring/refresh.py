"""The score refresh: set-based SQL that writes only the rows whose values change.

Three modules: ``refresh_plan.py`` decides what a refresh does (plain data, no SQL),
``refresh_sql.py`` turns that plan into statements, and this one runs them in the caller's
transaction (``refresh_scores``) and collects the counts.

One transaction (``PREAMBLE``, ``state_statement``, then ``statements(plan)``). The last refresh's
state (``scoring_state``) makes it *incremental* (only the properties whose inputs may have changed
since, ``candidates_sql``) or, when the rules, weights, settings or year changed, examine *all*
properties; a *full* refresh (weekly) examines all, repairs the sale summaries first and reconciles
every property's stored indicators. Then:

1. ``scoring_changes`` (a temporary table) = one pass over the candidates (or all properties)
   keeping only those whose computed values differ from the stored ones. Per property: the bits
   of its open records and active listings (one aggregate, hash-joined), its last arm's-length
   sale from the importers' summary with the mortgage estimate (array look-ups by date), its two
   rule keys (``indicators.py``), and by key, in two small tables built from ``intent_indicators``
   in the same statement (every possible key: 2,048 and 33 rows), its breakdown, scores and
   flags. A property costs a few integer operations, two hash look-ups and one row comparison,
   however many indicators there are. The kept rows carry a bit mask of the columns that differ.
2. Counts per written column, from the masks.
3. One ``UPDATE properties … FROM scoring_changes`` (``last_updated`` = now).
4. ``property_intents`` of the changed rows: delete the indicators no longer detected, insert the
   new ones (an ongoing detection keeps its row, and its ``detected_at``).
5. ``scoring_state`` for the next refresh.

Why step 4 needs only the changed rows: the refresh writes ``intent_breakdown`` (the detected
indicators' names) and ``property_intents`` together, so when a property's values are unchanged,
its detected set is too. A full refresh also keeps every property with a detection and reconciles
the whole ``property_intents`` table with them (repairs rows written by anything else).

"Today" is the New York date (``as_of`` overrides it, for tests and replays). Details and the
reasons: docs/scoring.md.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.scoring.refresh_plan import RefreshResult, plan_refresh, rewrites_most_properties
from propintel.scoring.refresh_sql import (
    COLUMNS,
    INDEX_BUILD_SETTINGS,
    NEW_YORK_TODAY,
    PREAMBLE,
    SECONDARY_INDEXES,
    Statement,
    drop_index_sql,
    state_statement,
    statements,
)


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
    """Refresh the scores in the session's transaction (the caller commits): incrementally when
    possible (``plan_refresh``), of every property otherwise; ``full`` also repairs the sale
    summaries and reconciles every property's stored indicators."""
    started = time.perf_counter()
    as_of = as_of or await new_york_today(session)
    days = new_homeowner_days or get_settings().new_homeowner_days
    timings: dict[str, float] = {}
    for statement in PREAMBLE:
        await _timed(session, statement, timings)
    state = (await _timed(session, state_statement(as_of, days), timings)).mappings()
    plan = plan_refresh(state.one(), as_of, days, full)
    result = RefreshResult(as_of=as_of, mode=plan.mode, timings_s=timings)
    for statement in statements(plan):
        if statement.name == "update" and rewrites_most_properties(result):
            await _update_without_secondary_indexes(session, statement, timings)
            continue
        _collect(result, statement.name, await _timed(session, statement, timings))
    result.duration_s = time.perf_counter() - started
    return result


async def _update_without_secondary_indexes(
    session: AsyncSession, update: Statement, timings: dict[str, float]
) -> None:
    """Rewrite most of ``properties`` without maintaining its secondary indexes row by row, then
    build them again. A non-HOT update inserts every new row version into every index of the
    table (about twenty here); building each index once from the finished table is cheaper when
    most rows change. The indexes are dropped and rebuilt inside the refresh's transaction (their
    exact definitions, from the catalog), so another session sees either the old table with its
    indexes or the new one with its indexes; meanwhile ``properties`` is locked against reads.
    Measured at 1M properties in docs/performance.md."""
    indexes = (await session.execute(text(SECONDARY_INDEXES))).all()
    for index in indexes:
        await session.execute(text(drop_index_sql(index.name)))
    await _timed(session, update, timings)
    await session.execute(text(INDEX_BUILD_SETTINGS))
    for index in indexes:
        await _timed(session, Statement("index_rebuild", index.definition), timings)


async def _timed(session: AsyncSession, statement: Statement, timings: dict[str, float]) -> Any:
    began = time.perf_counter()
    outcome = await session.execute(text(statement.sql), dict(statement.params))
    timings[statement.name] = timings.get(statement.name, 0.0) + time.perf_counter() - began
    return outcome


def _collect(result: RefreshResult, name: str, outcome: Any) -> None:
    if name == "examined":
        result.examined = outcome.scalar_one()
    elif name in ("intents_deleted", "intents_inserted", "sale_summaries_repaired"):
        setattr(result, name, outcome.rowcount)
    elif name == "counts":
        row = outcome.mappings().one()
        result.changed = row["changed"]
        result.fields = {column: row[column] for column in COLUMNS}
