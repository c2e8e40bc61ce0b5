"""Money and integers from text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propintel.ingest.parse.numbers import parse_int, parse_money


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("$1,417,895.60", Decimal("1417895.60")),
        ("1417895.6", Decimal("1417895.6")),
        (" $ 63,254.00 ", Decimal("63254.00")),
        ("(12.50)", Decimal("-12.50")),
        ("-5", Decimal("-5")),
        (12, Decimal(12)),
        (12.5, Decimal("12.5")),
        (Decimal("7.25"), Decimal("7.25")),
        ("Hidden", None),
        ("", None),
        ("   ", None),
        (None, None),
        ("N/A", None),
        ("NaN", None),
        ("Infinity", None),
        (True, None),
        ([1], None),
    ],
)
def test_parse_money(raw: object, expected: Decimal | None) -> None:
    assert parse_money(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  12 ", 12),
        ("12.0", 12),
        ("1,234", 1234),
        ("-3", -3),
        (7, 7),
        (7.0, 7),
        (Decimal("8"), 8),
        ("12.5", None),
        (12.5, None),
        ("abc", None),
        ("", None),
        (None, None),
        (True, None),
        ("1e999999999", None),
        ("nan", None),
    ],
)
def test_parse_int(raw: object, expected: int | None) -> None:
    assert parse_int(raw) == expected


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.none()))
def test_parse_int_and_money_never_raise(raw: object) -> None:
    parse_int(raw)
    parse_money(raw)
