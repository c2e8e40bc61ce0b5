"""Each detection rule on properties built so that the expected outcome is known by construction,
including every boundary (days 30/31/60/61/90/91, 365/366, lot 5,000/5,001, built 1999/2000,
equity exactly 50%, 90/91 days on market, cancelled lis pendens, land-use codes)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.scoring.indicators import RULES
from propintel.scoring.mortgage import estimated_balance
from propintel.scoring.quality import CHECKS
from tests.factories import make_property
from tests.scoring.helpers import (
    AS_OF,
    SCORED,
    add_listing,
    add_sale,
    add_signal,
    days_ago,
    intents,
    refresh,
    scores,
)

FLAGS = (
    "has_tax_lien",
    "is_pre_foreclosure",
    "is_foreclosure",
    "has_code_violation",
    "is_vacant",
    "is_probate",
    "is_divorce",
    "is_heirship",
)
NOTHING = {
    "distressed_score": 0,
    "intent_breakdown": None,
    **dict.fromkeys(FLAGS, False),
    "is_new_homeowner": False,
    "sale_date": None,
    "days_since_sale": None,
    "new_homeowner_score": None,
    "mortgage_balance": None,
    "estimated_equity": None,
    "data_quality_score": 100,
}


def expected(**changes: object) -> dict[str, object]:
    row = {**NOTHING, **changes}
    assert set(row) == set(SCORED)
    return row


async def test_complete_record_without_records_detects_nothing(db: AsyncSession) -> None:
    prop = await make_property(db)

    result = await refresh(db)

    assert await scores(db, prop) == expected()
    assert await intents(db, prop) == {}
    assert (result.examined, result.changed) == (1, 1)
    assert result.fields["data_quality_score"] == 1
    assert sum(result.fields.values()) == 1


@pytest.mark.parametrize(
    ("signal_type", "indicator", "flag", "weight"),
    [
        ("tax_lien", "tax_lien", "has_tax_lien", 30),
        ("pre_foreclosure", "pre_foreclosure", "is_pre_foreclosure", 40),
        ("foreclosure", "foreclosure", "is_foreclosure", 50),
        ("code_violation", "code_violation", "has_code_violation", 15),
        ("building_violation", "code_violation", "has_code_violation", 15),
        ("vacant", "vacant", "is_vacant", 20),
        ("probate", "probate", "is_probate", 25),
        ("estate_owner", "probate", "is_probate", 25),
        ("divorce", "divorce", "is_divorce", 20),
    ],
)
async def test_open_signal_detects_its_indicator(
    db: AsyncSession, signal_type: str, indicator: str, flag: str, weight: int
) -> None:
    prop = await make_property(db)
    await add_signal(db, prop, signal_type)

    await refresh(db)

    assert await scores(db, prop) == expected(
        distressed_score=weight, intent_breakdown={indicator: weight}, **{flag: True}
    )
    assert set(await intents(db, prop)) == {indicator}


@pytest.mark.parametrize("status", ["closed", "cancelled"])
@pytest.mark.parametrize("signal_type", ["tax_lien", "pre_foreclosure", "code_violation"])
async def test_closed_or_cancelled_records_detect_nothing(
    db: AsyncSession, signal_type: str, status: str
) -> None:
    prop = await make_property(db)
    await add_signal(db, prop, signal_type, status=status)

    await refresh(db)

    assert await scores(db, prop) == expected()
    assert await intents(db, prop) == {}


async def test_lis_pendens_ends_with_any_later_sale_not_an_earlier_one(db: AsyncSession) -> None:
    sold_after = await make_property(db)
    await add_signal(db, sold_after, "pre_foreclosure", recorded=days_ago(100))
    await add_sale(db, sold_after, days_ago(99), 250_000, code="11")  # certificate of title
    sold_before = await make_property(db)
    await add_signal(db, sold_before, "pre_foreclosure", recorded=days_ago(100))
    await add_sale(db, sold_before, days_ago(101), None, code="11")
    sold_same_day = await make_property(db)
    await add_signal(db, sold_same_day, "pre_foreclosure", recorded=days_ago(100))
    await add_sale(db, sold_same_day, days_ago(100), None, code="11")

    await refresh(db)

    assert (await scores(db, sold_after))["is_pre_foreclosure"] is False
    assert (await scores(db, sold_before))["is_pre_foreclosure"] is True
    assert (await scores(db, sold_same_day))["is_pre_foreclosure"] is True


async def test_heirs_marker_sets_the_flag_but_scores_only_once_an_indicator_exists(
    db: AsyncSession,
) -> None:
    prop = await make_property(db)
    await add_signal(db, prop, "heirs_owner", source="dor_nal")

    await refresh(db)
    assert await scores(db, prop) == expected(is_heirship=True)
    assert await intents(db, prop) == {}

    await db.execute(
        text(
            "INSERT INTO intent_indicators (intent_type, indicator_name, weight) "
            "VALUES ('distressed_property', 'heirship', 12)"
        )
    )
    await refresh(db)
    assert await scores(db, prop) == expected(
        is_heirship=True, distressed_score=12, intent_breakdown={"heirship": 12}
    )
    assert set(await intents(db, prop)) == {"heirship"}


@pytest.mark.parametrize(
    ("code", "vacant"), [("000", True), ("010", True), ("040", True), ("001", False)]
)
async def test_vacant_land_use(db: AsyncSession, code: str, vacant: bool) -> None:
    # Vacant land has no building: year, area and rooms are not asked for (quality stays 100).
    prop = await make_property(db, dor_use_code=code, year_built=None, square_feet=None)

    await refresh(db)

    row = await scores(db, prop)
    assert row["is_vacant"] is vacant
    assert row["intent_breakdown"] == ({"vacant": 20} if vacant else None)
    assert row["data_quality_score"] == (100 if vacant else 85)


@pytest.mark.parametrize("out_of_state", [True, False])
async def test_out_of_state_owner(db: AsyncSession, out_of_state: bool) -> None:
    prop = await make_property(db, out_of_state_owner=out_of_state)

    await refresh(db)

    breakdown = {"out_of_state_owner": 10} if out_of_state else None
    assert await scores(db, prop) == expected(
        intent_breakdown=breakdown, distressed_score=10 if out_of_state else 0
    )


@pytest.mark.parametrize(("extra_value", "detected"), [(0, True), (-1, False), (1, True)])
async def test_high_equity_from_exactly_half_the_market_value(
    db: AsyncSession, extra_value: int, detected: bool
) -> None:
    sold = days_ago(400)  # over a year: no new-homeowner indicator
    balance = estimated_balance(500_000, sold, AS_OF)
    assert balance is not None
    market_value = 2 * balance + extra_value  # equity = market_value - balance
    prop = await make_property(db, market_value=market_value, assessed_value=market_value)
    await add_sale(db, prop, sold, 500_000)

    await refresh(db)

    breakdown = {"high_equity": 15} if detected else None
    assert await scores(db, prop) == expected(
        intent_breakdown=breakdown,
        distressed_score=15 if detected else 0,
        sale_date=sold,
        mortgage_balance=balance,
        estimated_equity=market_value - balance,
    )


async def test_loan_paid_off_after_thirty_years_is_all_equity(db: AsyncSession) -> None:
    prop = await make_property(db)
    await add_sale(db, prop, date(1996, 6, 15), 90_000)  # exactly 360 payments by AS_OF
    await add_sale(db, prop, date(1996, 5, 1), 90_000, code="11")  # not arm's-length: ignored

    await refresh(db)

    row = await scores(db, prop)
    assert (row["mortgage_balance"], row["estimated_equity"]) == (0, 400_000)
    assert row["intent_breakdown"] == {"high_equity": 15}


@pytest.mark.parametrize(
    ("listed", "days_on_market", "status", "detected"),
    [
        (days_ago(90), None, "active", False),
        (days_ago(91), None, "active", True),
        (days_ago(200), None, "sold", False),
        (None, 90, "active", False),
        (None, 91, "active", True),
        (days_ago(10), 500, "active", False),  # the listing date wins over a stale count
    ],
)
async def test_old_listing_after_ninety_days_on_market(
    db: AsyncSession, listed: date | None, days_on_market: int | None, status: str, detected: bool
) -> None:
    prop = await make_property(db)
    await add_listing(db, prop, listed, status=status, days_on_market=days_on_market)

    await refresh(db)

    row = await scores(db, prop)
    assert row["intent_breakdown"] == ({"old_listing": 10} if detected else None)
    assert row["distressed_score"] == (10 if detected else 0)


@pytest.mark.parametrize(
    ("days", "band", "score"),
    [
        (0, "days_0_30", 100),
        (30, "days_0_30", 100),
        (31, "days_31_60", 75),
        (60, "days_31_60", 75),
        (61, "days_61_90", 50),
        (90, "days_61_90", 50),
        (91, None, 10),
        (365, None, 10),
        (366, None, None),
    ],
)
async def test_new_homeowner_bands(
    db: AsyncSession, days: int, band: str | None, score: int | None
) -> None:
    prop = await make_property(db)
    await add_sale(db, prop, days_ago(days), 300_000)

    await refresh(db)

    row = await scores(db, prop)
    new = score is not None
    assert row["is_new_homeowner"] is new
    assert row["sale_date"] == days_ago(days)
    assert row["days_since_sale"] == (days if new else None)
    assert row["new_homeowner_score"] == score
    assert row["intent_breakdown"] == ({band: score} if band else None)
    assert set(await intents(db, prop)) == ({band} if band else set())


async def test_new_homeowner_days_is_a_setting(db: AsyncSession) -> None:
    prop = await make_property(db)
    await add_sale(db, prop, days_ago(200), 300_000)

    await refresh(db, days=180)

    assert (await scores(db, prop))["is_new_homeowner"] is False


@pytest.mark.parametrize(
    ("columns", "addons"),
    [
        ({"lot_size_sqft": 5_000}, {}),
        ({"lot_size_sqft": 5_001}, {"large_lawn": 10}),
        ({"year_built": 2000}, {}),
        ({"year_built": 1999}, {"old_hvac": 20}),
        ({"pool": True}, {"has_pool": 15}),
        (
            {"lot_size_sqft": 9_000, "year_built": 1985, "pool": True},
            {"has_pool": 15, "large_lawn": 10, "old_hvac": 20},
        ),
    ],
)
async def test_new_homeowner_add_ons(
    db: AsyncSession, columns: dict[str, object], addons: dict[str, int]
) -> None:
    prop = await make_property(db, **columns)
    await add_sale(db, prop, days_ago(10), 300_000)

    await refresh(db)

    row = await scores(db, prop)
    assert row["intent_breakdown"] == {"days_0_30": 100, **addons}
    assert row["new_homeowner_score"] == 100 + sum(addons.values())
    assert row["distressed_score"] == 0


async def test_has_pool_reads_the_pool_column_only(db: AsyncSession) -> None:
    """One truth: the column the search filter reads. A pool record written by anything but the
    signals importer (which sets the column) detects nothing by itself."""
    prop = await make_property(db, pool=False)
    await add_sale(db, prop, days_ago(10), 300_000)
    await add_signal(db, prop, "pool", source="permits")

    await refresh(db)

    assert (await scores(db, prop))["intent_breakdown"] == {"days_0_30": 100}


async def test_add_ons_need_a_new_homeowner(db: AsyncSession) -> None:
    prop = await make_property(db, lot_size_sqft=9_000, year_built=1985, pool=True)
    await add_sale(db, prop, days_ago(400), 300_000)

    await refresh(db)

    row = await scores(db, prop)
    assert (row["is_new_homeowner"], row["new_homeowner_score"], row["intent_breakdown"]) == (
        False,
        None,
        None,
    )


async def test_base_score_after_ninety_days_plus_add_ons(db: AsyncSession) -> None:
    prop = await make_property(db, year_built=1990)
    await add_sale(db, prop, days_ago(200), 300_000)

    await refresh(db)

    row = await scores(db, prop)
    assert (row["new_homeowner_score"], row["intent_breakdown"]) == (30, {"old_hvac": 20})


@pytest.mark.parametrize(
    ("dor_code", "sale_code", "new"),
    [
        ("001", "01", True),
        ("004", "02", True),
        ("008", "Q", True),  # the PA layer's qualified flag
        ("001", "11", False),  # not arm's-length
        ("001", None, False),
        ("011", "01", False),  # commercial
        ("000", "01", False),  # vacant residential land
        ("009", "01", False),  # residential common elements
    ],
)
async def test_new_homeowner_needs_an_arms_length_sale_of_a_residential_parcel(
    db: AsyncSession, dor_code: str, sale_code: str | None, new: bool
) -> None:
    prop = await make_property(db, dor_use_code=dor_code)
    await add_sale(db, prop, days_ago(10), 300_000, code=sale_code)

    await refresh(db)

    row = await scores(db, prop)
    assert row["is_new_homeowner"] is new
    assert row["sale_date"] == (days_ago(10) if sale_code in ("01", "02", "Q") else None)


async def test_full_refresh_recomputes_the_sale_from_the_history(db: AsyncSession) -> None:
    prop = await make_property(db)
    await add_sale(db, prop, days_ago(100), 310_000, summary=False)
    await add_sale(db, prop, days_ago(100), 300_000, summary=False)  # same day: higher price
    await add_sale(db, prop, days_ago(20), 1_000, code="11", summary=False)
    await db.execute(  # a stale summary, as if an import had not maintained it
        text("UPDATE properties SET sale_date = :day, last_sale_price = 5 WHERE property_id = :id"),
        {"day": days_ago(5), "id": prop},
    )

    fast = await refresh(db)
    assert (await scores(db, prop))["sale_date"] == days_ago(5)  # the summary is trusted
    full = await refresh(db, full=True)

    assert (fast.sale_summaries_repaired, full.sale_summaries_repaired) == (0, 1)

    row = await scores(db, prop)
    assert (row["sale_date"], row["days_since_sale"], row["new_homeowner_score"]) == (
        days_ago(100),
        100,
        10,
    )
    assert row["mortgage_balance"] == estimated_balance(310_000, days_ago(100), AS_OF)


async def test_combination_sums_the_distressed_weights_and_the_new_homeowner_weights(
    db: AsyncSession,
) -> None:
    prop = await make_property(db, out_of_state_owner=True, lot_size_sqft=7_500, pool=True)
    await add_signal(db, prop, "tax_lien")
    await add_signal(db, prop, "code_violation")
    await add_signal(db, prop, "building_violation")
    await add_sale(db, prop, days_ago(45), 300_000)

    await refresh(db)

    row = await scores(db, prop)
    assert row["intent_breakdown"] == {
        "tax_lien": 30,
        "code_violation": 15,
        "out_of_state_owner": 10,
        "days_31_60": 75,
        "has_pool": 15,
        "large_lawn": 10,
    }
    assert (row["distressed_score"], row["new_homeowner_score"]) == (55, 100)
    assert (row["has_tax_lien"], row["has_code_violation"], row["is_new_homeowner"]) == (
        True,
        True,
        True,
    )
    assert set(await intents(db, prop)) == set(row["intent_breakdown"])


@pytest.mark.parametrize(
    ("columns", "located", "quality"),
    [
        ({}, True, 100),
        ({}, False, 90),  # no map location
        ({"zip_code": "12345"}, True, 90),  # not a Miami-Dade ZIP
        ({"assessed_value": 500_000}, True, 95),  # assessed above market value
        ({"dor_use_code": "004", "lot_size_sqft": 0}, True, 100),  # condo: no lot of its own
        ({"lot_size_sqft": 0}, True, 95),
        ({"dor_use_code": "011", "bedrooms": None, "bathrooms": None}, True, 100),
        ({"bedrooms": None}, True, 95),
        ({"year_built": None, "square_feet": None}, True, 85),
        ({"mailing_address": "", "owner_name": None}, True, 85),
        ({"property_type": None}, True, 90),  # a DOR code the importers did not recognise
        ({"zip_code": "3312A"}, True, 90),
    ],
)
async def test_data_quality_score(
    db: AsyncSession, columns: dict[str, object], located: bool, quality: int
) -> None:
    prop = await make_property(db, located=located, **columns)

    await refresh(db)

    assert (await scores(db, prop))["data_quality_score"] == quality


async def test_bare_record_scores_only_the_checks_that_do_not_apply(db: AsyncSession) -> None:
    prop_id = (
        await db.execute(
            text("INSERT INTO properties (full_address) VALUES ('somewhere') RETURNING property_id")
        )
    ).scalar_one()

    await refresh(db)

    assert (await scores(db, prop_id))["data_quality_score"] == 5  # rooms: not residential


DOCS = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"


def test_quality_checks_add_up_to_100_and_every_rule_and_check_is_documented() -> None:
    documented = DOCS.read_text()
    assert sum(check.points for check in CHECKS) == 100
    for check in CHECKS:
        assert f"| `{check.name}` | {check.points} |" in documented
    for rule in RULES:
        assert f"`{rule.name}`" in documented
