"""Dates in every spelling the sources use, and DOR sale months."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propintel.ingest.parse.dates import parse_date_flexible, sale_month_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("07/13/2026", date(2026, 7, 13)),
        ("7/13/2026", date(2026, 7, 13)),
        ("07/13/26", date(2026, 7, 13)),
        ("07/13/2026 12:00:00 AM", date(2026, 7, 13)),
        ("2026-07-13", date(2026, 7, 13)),
        ("2026/07/13", date(2026, 7, 13)),
        ("20260713", date(2026, 7, 13)),
        ("2026-07-13T10:20:30", date(2026, 7, 13)),
        ("2026-07-13T10:20:30Z", date(2026, 7, 13)),
        ("2026-07-13 10:20:30.123+00:00", date(2026, 7, 13)),
        ("1689206400000", date(2023, 7, 13)),
        (1689206400000, date(2023, 7, 13)),
        (1689206400000.0, date(2023, 7, 13)),
        ("1689206400", date(2023, 7, 13)),
        (date(2026, 7, 13), date(2026, 7, 13)),
        ("0", None),
        (0, None),
        ("00000000", None),
        ("", None),
        (None, None),
        ("junk", None),
        ("13/45/2026", None),
        ("2026-02-30", None),
        ("99999999", None),
        ("1/2/3/4", None),
    ],
)
def test_parse_date_flexible(raw: object, expected: date | None) -> None:
    assert parse_date_flexible(raw) == expected


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2024, 3, date(2024, 3, 1)),
        ("2024", "03", date(2024, 3, 1)),
        (" 2024 ", "12", date(2024, 12, 1)),
        (0, 3, None),
        (2024, 0, None),
        (2024, 13, None),
        ("", "", None),
        (None, 5, None),
        ("abc", 5, None),
    ],
)
def test_sale_month_date(year: object, month: object, expected: date | None) -> None:
    assert sale_month_date(year, month) == expected


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.none()))
def test_parse_date_flexible_never_raises(raw: object) -> None:
    parse_date_flexible(raw)
