"""Invariants of the refresh on random properties, records and weights: scores are the sums of
the breakdown's weights, ``property_intents`` mirrors the breakdown, the estimate matches its
Python reference, and a second refresh changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.ingest.sales import ARMS_LENGTH_CODES
from propintel.ingest.signals_types import SIGNAL_INDICATORS
from propintel.scoring.indicators import BAND_RULES, DISTRESSED, NEW_HOMEOWNER, RULES
from propintel.scoring.mortgage import estimated_balance
from tests.factories import make_property
from tests.scoring.helpers import (
    AS_OF,
    add_listing,
    add_sale,
    add_signal,
    days_ago,
    intents,
    refresh,
    scores,
    set_weight,
    weights,
)

SEEDED = [rule.name for rule in RULES if rule.name != "heirship"]


@dataclass(frozen=True)
class Sale:
    days_ago: int
    price: int | None
    code: str | None

    @property
    def day(self) -> date:
        return days_ago(self.days_ago)


SALES = st.builds(
    Sale,
    st.integers(min_value=-30, max_value=15_000),
    st.one_of(st.none(), st.integers(min_value=1, max_value=3_000_000)),
    st.sampled_from(["01", "02", "Q", "11", "05", None]),
)
PROPERTIES = st.fixed_dictionaries(
    {
        "columns": st.fixed_dictionaries(
            {
                "dor_use_code": st.sampled_from(["000", "001", "004", "008", "009", "011", None]),
                "market_value": st.one_of(st.none(), st.integers(0, 3_000_000)),
                "lot_size_sqft": st.one_of(st.none(), st.integers(0, 20_000)),
                "year_built": st.one_of(st.none(), st.integers(1900, 2026)),
                "pool": st.booleans(),
                "out_of_state_owner": st.booleans(),
            }
        ),
        "signals": st.lists(
            st.tuples(
                st.sampled_from(sorted(SIGNAL_INDICATORS)),
                st.sampled_from(["open", "closed", "cancelled"]),
                st.integers(0, 800),
            ),
            max_size=4,
        ),
        "sales": st.lists(SALES, max_size=3),
        "listings": st.lists(
            st.tuples(
                st.one_of(st.none(), st.integers(0, 400)),
                st.sampled_from(["active", "sold"]),
                st.one_of(st.none(), st.integers(0, 400)),
            ),
            max_size=2,
        ),
    }
)
WEIGHTS = st.dictionaries(st.sampled_from(SEEDED), st.integers(0, 200))


async def build(db: AsyncSession, spec: dict[str, Any]) -> Any:
    prop = await make_property(db, **spec["columns"])
    for signal_type, status, age in spec["signals"]:
        await add_signal(db, prop, signal_type, status=status, recorded=days_ago(age))
    for sale in spec["sales"]:
        await add_sale(db, prop, sale.day, sale.price, code=sale.code)
    for listed, status, count in spec["listings"]:
        listed_on = None if listed is None else days_ago(listed)
        await add_listing(db, prop, listed_on, status=status, days_on_market=count)
    return prop


def last_arms_length(sales: list[Sale]) -> Sale | None:
    """The Python reference of the refresh's "last arm's-length sale"."""
    candidates = [sale for sale in sales if sale.code in ARMS_LENGTH_CODES]
    if not candidates:
        return None
    return max(candidates, key=lambda s: (s.day, s.price is not None, s.price or 0))


def check(
    row: dict[str, Any], detected: set[str], types: dict[str, tuple[str, int]], sales: list[Sale]
) -> None:
    breakdown = row["intent_breakdown"] or {}
    assert set(breakdown) == detected
    assert all(breakdown[name] == types[name][1] for name in breakdown)
    assert row["distressed_score"] == sum(
        weight for name, weight in breakdown.items() if types[name][0] == DISTRESSED
    )
    if row["is_new_homeowner"]:
        base = 0 if set(BAND_RULES) & set(breakdown) else 10
        new_homeowner = [w for name, w in breakdown.items() if types[name][0] == NEW_HOMEOWNER]
        assert row["new_homeowner_score"] == base + sum(new_homeowner)
    else:
        assert row["new_homeowner_score"] is None and row["days_since_sale"] is None
    for rule in RULES:
        if rule.flag and rule.name in types:
            assert row[rule.flag] is (rule.name in breakdown)
    last = last_arms_length(sales)
    assert row["sale_date"] == (last.day if last else None)
    expected = estimated_balance(last.price, last.day, AS_OF) if last else None
    assert row["mortgage_balance"] == expected


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=st.lists(PROPERTIES, min_size=1, max_size=6), new_weights=WEIGHTS)
async def test_scores_are_breakdown_sums_and_a_second_refresh_changes_nothing(
    db: AsyncSession, specs: list[dict[str, Any]], new_weights: dict[str, int]
) -> None:
    example = await db.begin_nested()  # each example is rolled back: examples share ``db``
    try:
        for name, weight in new_weights.items():
            await set_weight(db, name, weight)
        props = [await build(db, spec) for spec in specs]

        first = await refresh(db)
        types = await weights(db)
        for prop, spec in zip(props, specs, strict=True):
            check(await scores(db, prop), set(await intents(db, prop)), types, spec["sales"])
        stored = [await intents(db, prop) for prop in props]

        second = await refresh(db)
        assert first.examined == second.examined == len(specs)
        assert (second.changed, second.intents_inserted, second.intents_deleted) == (0, 0, 0)
        full = await refresh(db, full=True)  # the summary and the indicators were already right
        assert (full.changed, full.intents_inserted, full.intents_deleted) == (0, 0, 0)
        assert full.sale_summaries_repaired == 0
        assert [await intents(db, prop) for prop in props] == stored
    finally:
        await example.rollback()
