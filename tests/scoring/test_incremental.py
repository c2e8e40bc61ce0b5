"""Incremental refreshes across committed transactions: only what may have changed since the last
refresh is examined, and the result is always what a full refresh computes."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from propintel.db.engine import create_engine_for, unit_of_work
from propintel.ingest.registry import importer_for
from propintel.ingest.runs import run_import
from propintel.scoring.refresh_plan import RefreshResult
from tests.factories import make_property
from tests.scoring.helpers import (
    AS_OF,
    add_listing,
    add_sale,
    add_signal,
    days_ago,
    folio_of,
    refresh,
    scores,
    set_weight,
)

T = TypeVar("T")


@pytest.fixture
async def engine(import_url: str) -> AsyncIterator[AsyncEngine]:
    """A fresh database whose every step below is its own committed transaction."""
    engine = create_engine_for(import_url, pool_size=2)
    yield engine
    await engine.dispose()


async def step(engine: AsyncEngine, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async with unit_of_work(engine) as session:
        return await action(session)


async def run(engine: AsyncEngine, as_of: date = AS_OF, full: bool = False) -> RefreshResult:
    return await step(engine, lambda session: refresh(session, as_of, full=full))


# Whether the stored refresh state proves a property unchanged: neither it (other than by that
# refresh itself) nor its records were written by a transaction the refresh's snapshot did not
# see as finished. Another session of the cluster (another test worker) that stays open holds
# that horizon back, and the next refresh then examines such a property again, as it must.
_NOT_PROVEN_UNCHANGED = text(
    """
    SELECT (age(p.xmin) <= age(CAST(st.snapshot_xmin::text AS xid))
            AND p.xmin <> CAST(st.refresh_xid::text AS xid))
        OR EXISTS (SELECT 1 FROM property_signals s WHERE s.property_id = p.property_id
                   AND age(s.xmin) <= age(CAST(st.snapshot_xmin::text AS xid)))
    FROM properties p, scoring_state st WHERE p.property_id = :id
    """
)


async def unproven(engine: AsyncEngine, *property_ids: uuid.UUID) -> int:
    """How many of ``property_ids`` the last refresh's state cannot prove unchanged."""

    async def count(session: AsyncSession) -> int:
        results = [
            await session.scalar(_NOT_PROVEN_UNCHANGED, {"id": property_id})
            for property_id in property_ids
        ]
        return sum(bool(result) for result in results)

    return await step(engine, count)


async def test_after_the_first_refresh_only_what_changed_is_examined(engine: AsyncEngine) -> None:
    quiet = await step(engine, make_property)
    busy = await step(engine, make_property)
    first = await run(engine)
    again = await run(engine)
    held_back = await unproven(engine, quiet)  # 0 unless another session held the horizon

    await step(engine, lambda session: add_signal(session, busy, "tax_lien"))
    after_signal = await run(engine)
    held_back_after_signal = await unproven(engine, busy)
    await step(
        engine,
        lambda session: session.execute(
            text("UPDATE properties SET out_of_state_owner = true WHERE property_id = :id"),
            {"id": quiet},
        ),
    )
    after_edit = await run(engine)

    assert (first.mode, first.examined, first.changed) == ("all", 2, 2)
    assert (again.mode, again.changed) == ("incremental", 0)
    assert after_signal.examined == 1 + held_back
    assert (after_signal.changed, after_signal.intents_inserted) == (1, 1)
    assert after_edit.examined == 1 + held_back_after_signal
    assert after_edit.changed == 1
    assert (await step(engine, lambda session: scores(session, quiet)))["distressed_score"] == 10


async def test_the_calendar_brings_new_homeowners_and_monthly_amortisation(
    engine: AsyncEngine,
) -> None:
    async def build(session: AsyncSession) -> dict[str, uuid.UUID]:
        props = {name: await make_property(session) for name in ("new", "due", "other", "none")}
        await add_sale(session, props["new"], days_ago(10))
        tomorrow = AS_OF + timedelta(days=1)
        await add_sale(session, props["due"], tomorrow.replace(year=2015))  # paid one more month
        await add_sale(session, props["other"], (AS_OF + timedelta(days=9)).replace(year=2015))
        return props

    props = await step(engine, build)
    await run(engine)
    next_day = await run(engine, AS_OF + timedelta(days=1))
    check = await run(engine, AS_OF + timedelta(days=1), full=True)

    assert (next_day.mode, next_day.examined, next_day.changed) == ("incremental", 2, 2)
    assert next_day.fields["days_since_sale"] == 1 and next_day.fields["mortgage_balance"] == 1
    assert (check.changed, check.intents_inserted, check.intents_deleted) == (0, 0, 0)
    assert props


async def test_a_weight_change_makes_the_next_refresh_examine_everything(
    engine: AsyncEngine,
) -> None:
    prop = await step(engine, make_property)
    await step(engine, lambda session: add_signal(session, prop, "vacant"))
    await run(engine)
    await run(engine)

    await step(engine, lambda session: set_weight(session, "vacant", 33))
    after = await run(engine)

    assert (after.mode, after.examined, after.changed) == ("all", 1, 1)
    assert (await step(engine, lambda session: scores(session, prop)))["distressed_score"] == 33


async def test_a_sale_that_leaves_the_summary_alone_still_ends_a_lis_pendens(
    engine: AsyncEngine,
) -> None:
    async def build(session: AsyncSession) -> uuid.UUID:
        prop = await make_property(session)
        await add_sale(session, prop, days_ago(800), 250_000)
        await add_signal(session, prop, "pre_foreclosure", recorded=days_ago(100))
        return prop

    prop = await step(engine, build)
    await run(engine)
    # A certificate of title: not arm's-length, so the summary (and the property row) stay as they
    # were; only the sale history changes.
    await step(engine, lambda session: add_sale(session, prop, days_ago(20), None, code="11"))
    after = await run(engine)

    assert (after.mode, after.examined, after.changed) == ("incremental", 1, 1)
    assert (await step(engine, lambda session: scores(session, prop)))[
        "is_pre_foreclosure"
    ] is False


async def test_a_record_moved_to_another_property_rescores_the_one_it_left(
    engine: AsyncEngine, import_url: str, tmp_path: Path
) -> None:
    left, joined = await step(engine, lambda session: make_properties(session, 2))
    folios = [await step(engine, lambda session, p=p: folio_of(session, p)) for p in (left, joined)]
    feed = tmp_path / "liens.csv"
    for folio in folios:  # the same record (source, signal, reference), matched to another folio
        feed.write_text(
            "folio,signal,recorded_date,source,reference\n"
            f"{folio},tax_lien,2026-01-05,county-tax,2025-TC-000042\n"
        )
        summary = run_import(
            importer_for("signals:generic"), feed, import_url, requested_by_label="t"
        )
        assert summary.matched == 1
        moved = await run(engine)

    assert (moved.mode, moved.examined, moved.changed) == ("incremental", 2, 2)
    assert (await step(engine, lambda session: scores(session, left)))["has_tax_lien"] is False
    assert (await step(engine, lambda session: scores(session, joined)))["has_tax_lien"] is True
    check = await run(engine, full=True)
    assert (check.changed, check.intents_inserted, check.intents_deleted) == (0, 0, 0)


async def make_properties(session: AsyncSession, count: int) -> list[uuid.UUID]:
    return [await make_property(session) for _ in range(count)]


async def mutate(session: AsyncSession, rng: random.Random, props: list[uuid.UUID]) -> None:
    """One random change of the kind importers and admins make."""
    prop = rng.choice(props)
    kind = rng.randrange(7)
    if kind == 0:
        signal = rng.choice(["tax_lien", "pre_foreclosure", "code_violation", "vacant", "pool"])
        await add_signal(session, prop, signal, recorded=days_ago(rng.randrange(400)))
    elif kind == 1:
        await session.execute(
            text(
                "UPDATE property_signals SET status = 'closed', updated_at = now() "
                "WHERE signal_id = (SELECT min(signal_id) FROM property_signals "
                "WHERE property_id = :id AND status = 'open')"
            ),
            {"id": prop},
        )
    elif kind == 2:
        code = rng.choice(["01", "02", "Q", "11"])
        await add_sale(session, prop, days_ago(rng.randrange(-5, 900)), 100_000, code=code)
    elif kind == 3:
        await add_listing(session, prop, days_ago(rng.randrange(200)))
    elif kind == 4:
        column, value = rng.choice(_EDITS)
        await session.execute(
            text(f"UPDATE properties SET {column} = :value WHERE property_id = :id"),
            {"value": value, "id": prop},
        )
    elif kind == 5:
        await set_weight(session, rng.choice(["tax_lien", "high_equity", "days_0_30"]), 7)
    else:
        await session.execute(text("UPDATE fsbo_listings SET listing_status = 'sold'"))


_EDITS: list[tuple[str, Any]] = [
    ("lot_size_sqft", 9_000),
    ("year_built", 1970),
    ("market_value", 90_000),
    ("out_of_state_owner", True),
    ("dor_use_code", "000"),
    ("pool", True),
    ("zip_code", "12345"),
]


async def test_incremental_refreshes_agree_with_full_ones_under_random_changes(
    engine: AsyncEngine,
) -> None:
    rng = random.Random(20261128)

    async def build(session: AsyncSession) -> list[uuid.UUID]:
        props = [await make_property(session) for _ in range(12)]
        for prop in props[:8]:
            await add_sale(session, prop, days_ago(rng.randrange(0, 3_000)), 200_000)
        return props

    props = await step(engine, build)
    day = AS_OF
    await run(engine, day)
    for _ in range(25):
        for _ in range(rng.randrange(1, 4)):
            await step(engine, lambda session: mutate(session, rng, props))
        day += timedelta(days=rng.choice([0, 0, 1, 1, 17]))
        await run(engine, day)
        check = await run(engine, day, full=True)
        assert (check.changed, check.intents_inserted, check.intents_deleted) == (0, 0, 0), check
