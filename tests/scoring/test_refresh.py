"""What a refresh writes: only changed rows, exact counts, detections kept, ended and repaired;
weights followed; the calendar moving; the NAL's owner data end to end."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.db.engine import create_engine_for, unit_of_work
from tests.factories import make_property
from tests.ingest.conftest import FIXTURES, query, run
from tests.scoring.helpers import (
    AS_OF,
    add_sale,
    add_signal,
    days_ago,
    intents,
    refresh,
    scores,
    set_weight,
)


async def test_second_refresh_writes_nothing(db: AsyncSession) -> None:
    prop = await make_property(db, out_of_state_owner=True)
    await add_signal(db, prop, "tax_lien")
    await add_sale(db, prop, days_ago(20), 300_000)
    await refresh(db)
    stamp = await db.scalar(
        text("SELECT last_updated FROM properties WHERE property_id = :id"), {"id": prop}
    )

    again = await refresh(db)

    assert (again.examined, again.changed, again.intents_inserted, again.intents_deleted) == (
        1,
        0,
        0,
        0,
    )
    assert set(again.fields.values()) == {0}
    assert stamp == await db.scalar(
        text("SELECT last_updated FROM properties WHERE property_id = :id"), {"id": prop}
    )


async def test_only_changed_rows_and_fields_are_counted(db: AsyncSession) -> None:
    quiet = await make_property(db)
    busy = await make_property(db)
    await refresh(db)

    await add_signal(db, busy, "foreclosure")
    result = await refresh(db)

    assert (result.examined, result.changed) == (2, 1)
    assert {field: count for field, count in result.fields.items() if count} == {
        "distressed_score": 1,
        "intent_breakdown": 1,
        "is_foreclosure": 1,
    }
    assert (result.intents_inserted, result.intents_deleted) == (1, 0)
    assert (await scores(db, quiet))["intent_breakdown"] is None


async def test_ongoing_detection_keeps_its_first_detection_time(db: AsyncSession) -> None:
    prop = await make_property(db)
    await add_signal(db, prop, "tax_lien")
    await refresh(db)
    first_seen = datetime(2026, 1, 2, 3, 4, 5)
    await db.execute(text("UPDATE property_intents SET detected_at = :at"), {"at": first_seen})

    await add_signal(db, prop, "divorce")  # the breakdown changes: the property is rewritten
    result = await refresh(db)

    assert result.intents_inserted == 1
    detected = await intents(db, prop)
    assert detected["tax_lien"] == first_seen
    assert detected["divorce"] > first_seen


async def test_ended_detection_is_removed_and_the_scores_fall(db: AsyncSession) -> None:
    prop = await make_property(db)
    reference = await add_signal(db, prop, "code_violation")
    await add_signal(db, prop, "probate")
    await refresh(db)

    await db.execute(
        text("UPDATE property_signals SET status = 'closed' WHERE reference = :ref"),
        {"ref": reference},
    )
    result = await refresh(db)

    assert (result.intents_inserted, result.intents_deleted) == (0, 1)
    row = await scores(db, prop)
    assert (row["has_code_violation"], row["distressed_score"], row["intent_breakdown"]) == (
        False,
        25,
        {"probate": 25},
    )
    assert set(await intents(db, prop)) == {"probate"}


async def test_last_detection_ending_clears_the_breakdown(db: AsyncSession) -> None:
    prop = await make_property(db)
    reference = await add_signal(db, prop, "vacant")
    await refresh(db)

    await db.execute(
        text("UPDATE property_signals SET status = 'closed' WHERE reference = :ref"),
        {"ref": reference},
    )
    await refresh(db)

    row = await scores(db, prop)
    assert (row["is_vacant"], row["distressed_score"], row["intent_breakdown"]) == (False, 0, None)
    assert await intents(db, prop) == {}


async def test_scores_follow_a_weight_change_at_the_next_refresh(db: AsyncSession) -> None:
    prop = await make_property(db)
    await add_signal(db, prop, "tax_lien")
    await add_sale(db, prop, days_ago(5), 300_000)
    await refresh(db)
    detected = await intents(db, prop)

    await set_weight(db, "tax_lien", 45)
    await set_weight(db, "days_0_30", 120)
    assert (await scores(db, prop))["distressed_score"] == 30  # not before the refresh
    result = await refresh(db)

    row = await scores(db, prop)
    assert row["intent_breakdown"] == {"tax_lien": 45, "days_0_30": 120}
    assert (row["distressed_score"], row["new_homeowner_score"]) == (45, 120)
    assert await intents(db, prop) == detected
    assert (result.changed, result.intents_inserted, result.intents_deleted) == (1, 0, 0)


async def test_the_calendar_moves_the_days_and_the_band(db: AsyncSession) -> None:
    prop = await make_property(db)
    await add_sale(db, prop, days_ago(30), 300_000)
    await refresh(db)

    result = await refresh(db, AS_OF + timedelta(days=1))

    row = await scores(db, prop)
    assert (row["days_since_sale"], row["new_homeowner_score"]) == (31, 75)
    assert row["intent_breakdown"] == {"days_31_60": 75}
    assert result.fields["days_since_sale"] == 1
    assert (result.intents_inserted, result.intents_deleted) == (1, 1)


async def test_full_refresh_repairs_indicators_written_by_anything_else(db: AsyncSession) -> None:
    prop = await make_property(db, out_of_state_owner=True)
    await add_signal(db, prop, "tax_lien")
    await refresh(db)
    await db.execute(
        text(
            "DELETE FROM property_intents WHERE indicator_id = "
            "(SELECT indicator_id FROM intent_indicators WHERE indicator_name = 'tax_lien')"
        )
    )
    await db.execute(
        text(
            "INSERT INTO property_intents (property_id, indicator_id) SELECT :id, indicator_id "
            "FROM intent_indicators WHERE indicator_name = 'foreclosure'"
        ),
        {"id": prop},
    )

    fast = await refresh(db)
    assert (fast.intents_inserted, fast.intents_deleted) == (0, 0)  # the fast path trusts them
    full = await refresh(db, full=True)

    assert (full.changed, full.intents_inserted, full.intents_deleted) == (0, 1, 1)
    assert set(await intents(db, prop)) == {"tax_lien", "out_of_state_owner"}


NAL_OWNERS = [
    # folio, owner name, owner state
    ("3059040370010", "MUNOZ JOSE A", "FL"),
    ("3059040370020", "LEE ANN", "FLORIDA"),
    ("3059040370030", "SMITH JOHN", "NY"),
    ("3059040370040", "TREMBLAY LUC", "QUEBEC"),
    ("3059040370050", "EST OF GARCIA MARIA", "FL"),
    ("3059040370060", "UNKNOWN HEIRS OF PEREZ ANA", "FL"),
]


def _nal(path: Path) -> Path:
    """A NAL file with one parcel per owner above (the fixture's header and first row)."""
    with (FIXTURES / "nal_small.csv").open(encoding="latin-1", newline="") as handle:
        reader = csv.DictReader(handle)
        header, template = list(reader.fieldnames or []), next(reader)
    with path.open("w", encoding="latin-1", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        for folio, owner, state in NAL_OWNERS:
            writer.writerow({**template, "PARCEL_ID": folio, "OWN_NAME": owner, "OWN_STATE": state})
    return path


async def test_owner_data_from_the_nal_end_to_end(import_url: str, tmp_path: Path) -> None:
    assert run("nal", _nal(tmp_path / "NAL23F202601.csv"), import_url).status == "succeeded"
    engine = create_engine_for(import_url, pool_size=1)
    try:
        async with unit_of_work(engine) as session:
            await refresh(session)
    finally:
        await engine.dispose()

    rows = query(
        import_url,
        "SELECT folio_number, out_of_state_owner, is_probate, is_heirship, distressed_score "
        "FROM properties ORDER BY folio_number",
    )
    # The template row's sale (2026-09, 520,000) is after AS_OF: no equity and no new homeowner.
    assert rows == [
        ("3059040370010", False, False, False, 0),
        ("3059040370020", False, False, False, 0),
        ("3059040370030", True, False, False, 10),
        ("3059040370040", True, False, False, 10),
        ("3059040370050", False, True, False, 25),
        ("3059040370060", False, False, True, 0),
    ]
