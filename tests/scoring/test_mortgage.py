"""The mortgage estimate: the Python reference, and the refresh's SQL agreeing with it exactly."""

from __future__ import annotations

from datetime import date

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


async def sql_balances(db: AsyncSession, rows: list[tuple[int | None, date]], as_of: date) -> list:
    values = ", ".join(
        f"({'NULL' if price is None else price}::int, DATE '{sale}', {n})"
        for n, (price, sale) in enumerate(rows)
    )
    as_of_sql = "CAST(:as_of AS date)"
    balance = balance_sql("v.sale_price", "v.sale_date", as_of_sql)
    result = await db.execute(
        text(
            f"WITH {amortisation_cte(as_of_sql)} SELECT {balance} "
            f"FROM (VALUES {values}) v(sale_price, sale_date, n) ORDER BY n"
        ),
        {"as_of": as_of},
    )
    return list(result.scalars())


PRICES = st.one_of(st.none(), st.integers(min_value=-5, max_value=2_000_000_000))
DATES = st.dates(min_value=date(1950, 1, 1), max_value=date(2040, 12, 31))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(PRICES, DATES), min_size=1, max_size=40), as_of=DATES)
async def test_sql_agrees_with_the_python_reference(
    db: AsyncSession, rows: list[tuple[int | None, date]], as_of: date
) -> None:
    expected = [estimated_balance(price, sale, as_of) for price, sale in rows]
    assert await sql_balances(db, rows, as_of) == expected
