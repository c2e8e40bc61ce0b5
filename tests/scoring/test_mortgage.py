"""The mortgage estimate: the Python reference, and the refresh's SQL agreeing with it exactly."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.scoring.mortgage import (
    RATE_BY_YEAR,
    amortisation_cte,
    balance_sql,
    estimated_balance,
    months_paid,
    principal,
    stored_amortisation_cte,
)


@pytest.mark.parametrize(
    ("sale", "as_of", "months"),
    [
        (date(2026, 1, 15), date(2026, 2, 14), 0),
        (date(2026, 1, 15), date(2026, 2, 15), 1),
        (date(2026, 1, 31), date(2026, 2, 28), 0),  # the 31st never comes in February
        (date(2026, 1, 31), date(2026, 3, 31), 2),
        (date(2026, 3, 1), date(2026, 2, 1), 0),  # a sale after the as-of date: nothing paid
        (date(1996, 6, 15), date(2026, 6, 15), 360),
    ],
)
def test_months_paid_count_once_the_day_of_the_month_is_reached(
    sale: date, as_of: date, months: int
) -> None:
    assert months_paid(sale, as_of) == months


def test_principal_is_eighty_percent_rounded_half_up() -> None:
    assert [principal(price) for price in (100, 101, 102, 103, 1_234_567)] == [
        80,
        81,  # 80.8
        82,  # 81.6
        82,  # 82.4
        987_654,  # 987,653.6
    ]


def test_balance_starts_at_the_principal_falls_and_is_zero_after_thirty_years() -> None:
    sale = date(2020, 5, 10)
    first = estimated_balance(400_000, sale, date(2020, 6, 9))
    later = estimated_balance(400_000, sale, date(2030, 5, 10))
    assert first == 320_000
    assert later is not None and 0 < later < 320_000
    assert estimated_balance(400_000, sale, date(2050, 5, 9)) not in (None, 0)
    assert estimated_balance(400_000, sale, date(2050, 5, 10)) == 0


def test_a_known_amortisation_value() -> None:
    # 2020 at 3.11%: payment 1,368.20; after 12 payments B = P(1+i)^12 - M((1+i)^12 - 1)/i
    # = 330,095.1 - 16,654.2 = 313,440.9 on a 320,000 loan.
    assert estimated_balance(400_000, date(2020, 1, 1), date(2021, 1, 1)) == 313_441


def test_no_price_no_estimate() -> None:
    assert estimated_balance(None, date(2020, 1, 1), date(2021, 1, 1)) is None
    assert estimated_balance(0, date(2020, 1, 1), date(2021, 1, 1)) is None


def test_years_outside_the_table_use_its_nearest_year() -> None:
    first, last = min(RATE_BY_YEAR), max(RATE_BY_YEAR)

    def two_years_on(year: int) -> int | None:
        return estimated_balance(100_000, date(year, 3, 1), date(year + 2, 3, 1))

    assert two_years_on(last + 1) == two_years_on(last) != two_years_on(last - 1)
    assert two_years_on(first - 5) == two_years_on(first) != two_years_on(first + 1)


async def sql_balances(
    db: AsyncSession,
    rows: list[tuple[int | None, date]],
    as_of: date,
    amortisation: Callable[[str], str] = amortisation_cte,
) -> list:
    values = ", ".join(
        f"({'NULL' if price is None else price}::int, DATE '{sale}', {n})"
        for n, (price, sale) in enumerate(rows)
    )
    as_of_sql = "CAST(:as_of AS date)"
    balance = balance_sql("v.sale_price", "v.sale_date", as_of_sql)
    result = await db.execute(
        text(
            f"WITH {amortisation(as_of_sql)} SELECT {balance} "
            f"FROM (VALUES {values}) v(sale_price, sale_date, n) ORDER BY n"
        ),
        {"as_of": as_of},
    )
    return list(result.scalars())


PRICES = st.one_of(st.none(), st.integers(min_value=-5, max_value=2_000_000_000))
DATES = st.dates(min_value=date(1950, 1, 1), max_value=date(2040, 12, 31))


@pytest.mark.parametrize(
    "amortisation", [amortisation_cte, stored_amortisation_cte], ids=["computed", "stored"]
)
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(PRICES, DATES), min_size=1, max_size=40), as_of=DATES)
async def test_sql_agrees_with_the_python_reference(
    db: AsyncSession,
    amortisation: Callable[[str], str],
    rows: list[tuple[int | None, date]],
    as_of: date,
) -> None:
    """Both ways of getting the amortisation table: built in the statement (the refresh), or
    stored (a score explanation), asked twice (the second reads what the first stored)."""
    expected = [estimated_balance(price, sale, as_of) for price, sale in rows]
    assert await sql_balances(db, rows, as_of, amortisation) == expected
    assert await sql_balances(db, rows, as_of, amortisation) == expected


async def _stored_days(db: AsyncSession) -> dict[date, object]:
    rows = await db.execute(text("SELECT as_of, created_at FROM scoring_amortisation"))
    return {row.as_of: row.created_at for row in rows}


async def test_a_day_is_computed_once_and_days_before_yesterday_are_dropped(
    db: AsyncSession,
) -> None:
    today = date(2026, 12, 7)
    rows: list[tuple[int | None, date]] = [(400_000, date(2015, 3, 9))]
    for day in (today - timedelta(days=3), today - timedelta(days=1)):
        await sql_balances(db, rows, day, stored_amortisation_cte)
    await db.execute(
        text("UPDATE scoring_amortisation SET created_at = created_at - interval '1 hour'")
    )
    before = await _stored_days(db)

    await sql_balances(db, rows, today, stored_amortisation_cte)
    stored = await _stored_days(db)
    assert set(stored) == {today - timedelta(days=1), today}  # three days ago: dropped
    assert stored[today - timedelta(days=1)] == before[today - timedelta(days=1)]

    await sql_balances(db, rows, today, stored_amortisation_cte)
    assert await _stored_days(db) == stored  # read, not computed again


def test_two_first_readers_of_a_day_both_get_its_table(import_url: str) -> None:
    """The second waits for the first's row (ON CONFLICT … DO UPDATE) instead of reading none."""
    as_of, sale, price = date(2026, 12, 7), date(2016, 5, 20), 300_000
    statement = (
        f"WITH {stored_amortisation_cte('%(as_of)s::date')} "
        f"SELECT {balance_sql('%(price)s::int', '%(sale)s::date', '%(as_of)s::date')}"
    )
    params = {"as_of": as_of, "sale": sale, "price": price}
    answers: list[object] = []
    with psycopg.connect(import_url) as first, psycopg.connect(import_url) as second:
        answers.append(first.execute(statement, params).fetchone())  # stored, not committed
        waiting = threading.Thread(
            target=lambda: answers.append(second.execute(statement, params).fetchone())
        )
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive()  # blocked on the first's row
        first.commit()
        waiting.join(timeout=30)
        second.commit()
    assert answers == [(estimated_balance(price, sale, as_of),)] * 2
