"""Phone numbers in one form (E.164) whatever way a provider or a person writes them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propintel.kit.phones import area_code, display_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(305) 555-1234", "+13055551234"),
        ("305.555.1234", "+13055551234"),
        ("+1 305 555 1234", "+13055551234"),
        ("13055551234", "+13055551234"),
        ("3055551234", "+13055551234"),
        ("555-1234", None),  # no area code
        ("(105) 555-1234", None),  # area codes never start with 0 or 1
        ("(305) 155-1234", None),  # nor do exchanges
        ("23055551234", None),  # 11 digits not starting with 1
        ("", None),
        (None, None),
    ],
)
def test_normalize(raw: str | None, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


@given(
    st.integers(2, 9), st.integers(0, 99), st.integers(2, 9), st.integers(0, 99),
    st.integers(0, 9999),
)  # fmt: skip
def test_display_form_normalizes_back(a: int, b: int, c: int, d: int, line: int) -> None:
    phone = f"+1{a}{b:02d}{c}{d:02d}{line:04d}"
    assert normalize_phone(display_phone(phone)) == phone
    assert area_code(phone) == f"{a}{b:02d}"
