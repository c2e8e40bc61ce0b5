"""The estimated mortgage balance (there is no public source for it): a documented estimate.

Rule: the buyer of the last arm's-length sale borrowed 80% of its price (rounded half up to whole
dollars) on a 30-year fixed loan at the average 30-year rate of the sale year, and has paid every
monthly instalment since. The balance after ``k`` payments of such a loan is

    principal * (g - f^k) / (g - 1),   f = 1 + rate / 1200,  g = f^360,

rounded half up to whole dollars; 0 once 360 payments are made. ``k`` = whole months from the sale
date to the as-of date (a month counts once its day of the month is reached). A sale without a
positive price gives no estimate (NULL).

The refresh computes this in SQL for every property (``balance_sql``); ``estimated_balance`` is the
Python reference the tests compare it with. Both use the same IEEE doubles: ``f`` and ``g`` per year
are computed here once and written into the SQL as exact float literals (constants of this module).
The as-of date is never written into the SQL: each function takes the SQL expression that gives it,
a bound parameter such as ``CAST(:as_of AS date)``.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Final

TERM_MONTHS: Final = 360
LOAN_TO_PRICE: Final = "80%"  # principal = (price * 4 + 2) // 5, i.e. 80% rounded half up

# Freddie Mac PMMS, 30-year fixed: annual average of the weekly rates, percent (rounded to 0.01).
# Sales before 1971 use 1971's rate; sales after the last year use the last year's.
RATE_BY_YEAR: Final[dict[int, float]] = {
    1971: 7.54, 1972: 7.38, 1973: 8.04, 1974: 9.19, 1975: 9.05, 1976: 8.87, 1977: 8.85,
    1978: 9.64, 1979: 11.20, 1980: 13.74, 1981: 16.63, 1982: 16.04, 1983: 13.24, 1984: 13.88,
    1985: 12.43, 1986: 10.19, 1987: 10.21, 1988: 10.34, 1989: 10.32, 1990: 10.13, 1991: 9.25,
    1992: 8.39, 1993: 7.31, 1994: 8.38, 1995: 7.93, 1996: 7.81, 1997: 7.60, 1998: 6.94,
    1999: 7.44, 2000: 8.05, 2001: 6.97, 2002: 6.54, 2003: 5.83, 2004: 5.84, 2005: 5.87,
    2006: 6.41, 2007: 6.34, 2008: 6.03, 2009: 5.04, 2010: 4.69, 2011: 4.45, 2012: 3.66,
    2013: 3.98, 2014: 4.17, 2015: 3.85, 2016: 3.65, 2017: 3.99, 2018: 4.54, 2019: 3.94,
    2020: 3.11, 2021: 2.96, 2022: 5.34, 2023: 6.81, 2024: 6.72, 2025: 6.60,
}  # fmt: skip
FIRST_YEAR: Final = min(RATE_BY_YEAR)
LAST_YEAR: Final = max(RATE_BY_YEAR)


def rate_year(year: int) -> int:
    return min(max(year, FIRST_YEAR), LAST_YEAR)


def monthly_growth(year: int) -> float:
    """``f``: one month's growth factor at the sale year's rate."""
    return 1.0 + RATE_BY_YEAR[rate_year(year)] / 1200.0


def term_growth(year: int) -> float:
    """``g = f^360``."""
    return monthly_growth(year) ** TERM_MONTHS


def principal(price: int) -> int:
    return (price * 4 + 2) // 5


def months_paid(sale: date, as_of: date) -> int:
    """Whole months from ``sale`` to ``as_of`` (never negative)."""
    months = (as_of.year - sale.year) * 12 + as_of.month - sale.month
    return max(months - (as_of.day < sale.day), 0)


def estimated_balance(price: int | None, sale: date | None, as_of: date) -> int | None:
    """The Python reference of the estimate (``balance_sql`` must agree with it exactly)."""
    if price is None or price <= 0 or sale is None:
        return None
    paid = months_paid(sale, as_of)
    if paid >= TERM_MONTHS:
        return 0
    f, g = monthly_growth(sale.year), term_growth(sale.year)
    return math.floor(principal(price) * (g - f**paid) / (g - 1) + 0.5)


def _float_array(values: list[float]) -> str:
    return "'{" + ",".join(repr(value) for value in values) + "}'::float8[]"


# The amortisation table covers sale dates from this many days before the as-of date (older: more
# than 30 years, paid off) to this many after (later: nothing paid yet, balance = principal).
PAST_DAYS: Final = 31 * 366
FUTURE_DAYS: Final = 5 * 366


def _part(field: str, day: str) -> str:
    return f"date_part('{field}', {day})::int"


def amortisation_sql(as_of: str) -> str:
    """One row per sale date ``d`` around the date ``as_of`` (an SQL expression): ``paid``
    (months), ``fk`` = f^paid and ``g`` of its year (about 13,000 dates, from ``PAST_DAYS`` before
    to ``FUTURE_DAYS`` after)."""
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    year = _part("year", "d")
    index = f"LEAST(GREATEST({year}, {FIRST_YEAR}), {LAST_YEAR}) - {FIRST_YEAR - 1}"
    month_of_as_of = f"{_part('year', as_of)} * 12 + {_part('month', as_of)}"
    paid = (
        f"GREATEST({month_of_as_of} - {year} * 12 - {_part('month', 'd')}"
        f" - CASE WHEN {_part('day', as_of)} < {_part('day', 'd')} THEN 1 ELSE 0 END, 0)"
    )
    return f"""SELECT d, paid, power(f, paid::float8) AS fk, g
FROM (
  SELECT d, {paid} AS paid,
    ({_float_array([monthly_growth(y) for y in years])})[{index}] AS f,
    ({_float_array([term_growth(y) for y in years])})[{index}] AS g
  FROM (SELECT {as_of} + i AS d FROM generate_series(-{PAST_DAYS}, {FUTURE_DAYS}) i) days
  OFFSET 0
) amortisation"""


def _arrays_sql(as_of: str) -> str:
    """The amortisation table as one row of three arrays by date: ``paid``, ``fk``, ``g``."""
    columns = ", ".join(
        f"array_agg({column} ORDER BY d) AS {column}" for column in ("paid", "fk", "g")
    )
    return f"SELECT {columns} FROM ({amortisation_sql(as_of)}) a"


def amortisation_cte(as_of: str, name: str = "amortisation") -> str:
    """A ``WITH`` item: the amortisation table as three arrays by date (``paid``, ``fk``, ``g``),
    computed once per statement (``MATERIALIZED``) however many expressions read it."""
    return f"{name} AS MATERIALIZED ({_arrays_sql(as_of)})"


def stored_amortisation_cte(as_of: str, name: str = "amortisation") -> str:
    """``WITH`` items giving the same ``name`` as ``amortisation_cte``, read from the table
    ``scoring_amortisation`` (migration 0026): for one property, building the ~13,000 dates costs
    far more than everything else its statement does. The first statement of a day computes and
    stores them (and drops the days before yesterday); one running at the same moment waits for
    it (``ON CONFLICT … DO UPDATE``) and gets the same row."""
    stored, computed = f"{name}_stored", f"{name}_computed"
    return f"""{stored} AS (SELECT paid, fk, g FROM scoring_amortisation WHERE as_of = {as_of}),
{name}_expired AS (
  DELETE FROM scoring_amortisation
  WHERE as_of < {as_of} - 1 AND NOT EXISTS (SELECT FROM {stored})
),
{computed} AS (
  INSERT INTO scoring_amortisation (as_of, paid, fk, g)
  SELECT {as_of}, paid, fk, g FROM ({_arrays_sql(as_of)}) arrays
  WHERE NOT EXISTS (SELECT FROM {stored})
  ON CONFLICT (as_of) DO UPDATE SET paid = EXCLUDED.paid
  RETURNING paid, fk, g
),
{name} AS MATERIALIZED (
  SELECT paid, fk, g FROM {stored} UNION ALL SELECT paid, fk, g FROM {computed}
)"""


def _column(cte: str, column: str) -> str:
    return f"(SELECT {column} FROM {cte})"


def _index(sale: str, as_of: str) -> str:
    return f"({sale} - {as_of} + {PAST_DAYS + 1})"


def months_paid_sql(sale: str, as_of: str, cte: str = "amortisation") -> str:
    """``min(months_paid(sale, as_of), 360)``: the estimate changes exactly when this does (over
    the ``amortisation_cte(as_of, cte)`` of the same statement)."""
    return f"""(CASE WHEN {sale} > {as_of} + {FUTURE_DAYS} THEN 0
  WHEN {sale} < {as_of} - {PAST_DAYS} THEN {TERM_MONTHS}
  ELSE LEAST({_column(cte, "paid")}[{_index(sale, as_of)}], {TERM_MONTHS}) END)"""


def balance_sql(price: str, sale: str, as_of: str, cte: str = "amortisation") -> str:
    """SQL for ``estimated_balance(price, sale, as_of)`` over the columns ``price`` and ``sale``
    (and the ``amortisation_cte(as_of, cte)`` of the same statement): the same IEEE operations in
    the same order as the Python reference, so the two agree to the dollar. Per row it is array
    look-ups by date and four operations, no date arithmetic."""
    principal = f"(CAST({price} AS bigint) * 4 + 2) / 5"
    paid, fk, g = (
        f"{_column(cte, column)}[{_index(sale, as_of)}]" for column in ("paid", "fk", "g")
    )
    return f"""(CASE WHEN {price} > 0 AND {sale} IS NOT NULL THEN
  CASE WHEN {sale} > {as_of} + {FUTURE_DAYS} THEN ({principal})::int
       WHEN {sale} < {as_of} - {PAST_DAYS} OR {paid} >= {TERM_MONTHS} THEN 0
       ELSE floor(({principal})::float8 * ({g} - {fk}) / ({g} - 1) + 0.5)::int
  END
END)"""
