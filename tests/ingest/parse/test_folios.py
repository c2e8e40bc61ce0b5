"""Folio numbers: every spelling to 13 digits, the dashed display form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propintel.ingest.parse.folios import format_folio, normalize_folio


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("30-5904-037-0010", "3059040370010"),
        ("3059040370010", "3059040370010"),
        (" 3059040370010 ", "3059040370010"),
        ("30 5904 037 0010", "3059040370010"),
        ("  30-5904-037-0010\t", "3059040370010"),
        ("01-3231-052-1760", "0132310521760"),
        ("132310521760", "0132310521760"),  # a spreadsheet dropped the leading zero
        ("132310521760.0", "0132310521760"),
        (132310521760, "0132310521760"),
        ("0132310521760", "0132310521760"),
    ],
)
def test_normalize_folio_accepts_every_spelling(raw: str | int, expected: str) -> None:
    assert normalize_folio(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "Property Appraiser",
        "N/A",
        "n/a",
        "-",
        "30-5904-037-001X",
        "30590403700100",  # 14 digits
        "305904037001000000",
        "12345",  # far too short to be a folio
        "0000000000000",
        "30-5904-037-0010 A",
        "３０５９０４０３７００１０",  # fullwidth digits are not ASCII digits
    ],
)
def test_normalize_folio_rejects_non_folios(raw: str | None) -> None:
    assert normalize_folio(raw) is None


def test_format_folio() -> None:
    assert format_folio("3059040370010") == "30-5904-037-0010"
    assert format_folio("0132310521760") == "01-3231-052-1760"
    assert format_folio("132310521760") == "01-3231-052-1760"
    assert format_folio(" 30 5904 037 0010 ") == "30-5904-037-0010"
    with pytest.raises(ValueError, match="not a Miami-Dade folio"):
        format_folio("Property Appraiser")


@given(st.text(max_size=20))
def test_normalize_folio_is_13_digits_or_none_and_idempotent(raw: str) -> None:
    folio = normalize_folio(raw)
    if folio is not None:
        assert len(folio) == 13
        assert folio.isascii() and folio.isdigit()
        assert normalize_folio(folio) == folio
        assert normalize_folio(format_folio(folio)) == folio


@given(st.from_regex(r"\A[0-9]{13}\Z").filter(lambda s: s != "0" * 13))
def test_folio_spellings_agree(digits: str) -> None:
    dashed = f"{digits[:2]}-{digits[2:6]}-{digits[6:9]}-{digits[9:]}"
    spaced = f"{digits[:2]} {digits[2:6]} {digits[6:9]} {digits[9:]}"
    assert normalize_folio(digits) == digits
    assert normalize_folio(dashed) == digits
    assert normalize_folio(f"  {digits}  ") == digits
    assert normalize_folio(spaced) == digits
    assert format_folio(digits) == dashed
    if digits[0] == "0":
        assert normalize_folio(digits[1:]) == digits
