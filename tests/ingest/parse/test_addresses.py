"""Street keys and one-line addresses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propintel.ingest.parse.addresses import (
    ParsedAddress,
    normalize_street,
    parse_situs_line,
)

# --------------------------------------------------------------------------------------------------
# Street keys
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variants",
    [
        ("17143 SW 79 PL", "17143 SW 79TH PLACE", "17143 S.W. 79th Pl."),
        ("8380 SW 184TH ST", "8380 Southwest 184 Street", "8380 S W 184 ST"),
        (
            "555 NE 15 ST 20-E",
            "555 NE 15TH ST UNIT 20-E",
            "555 N.E. 15 Street, #20-E",
            "555 NORTHEAST 15TH STREET APT 20-E",
            "555 NE 15 ST # 20-E",
        ),
        ("4300 ROYAL PALM AVE", "4300 Royal Palm Avenue", "4300  royal  palm  ave."),
        ("9719 HAMMOCKS BLVD 101", "9719 Hammocks Boulevard, Apt 101", "9719 HAMMOCKS BLVD #101"),
        ("123 NW 5th Ave", "123 NORTHWEST 5 AVENUE", "123 N.W. 5TH AVE."),
        ("100 MAIN ST STE 200", "100 Main Street, Suite 200", "100 MAIN ST UNIT 200"),
    ],
)
def test_normalize_street_makes_variants_equal(variants: tuple[str, ...]) -> None:
    keys = {normalize_street(v) for v in variants}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("17143 SW 79TH PLACE", "17143 SW 79 PL"),
        ("8380 Southwest 184 Street", "8380 SW 184 ST"),
        ("555 N.E. 15 Street, #20-E", "555 NE 15 ST UNIT 20-E"),
        ("555 NE 15 ST 20-E", "555 NE 15 ST UNIT 20-E"),
        ("9719 HAMMOCKS BLVD 101", "9719 HAMMOCKS BLVD UNIT 101"),
        ("5555 COLLINS AVE 9Z", "5555 COLLINS AVE UNIT 9Z"),
        ("10837 NW 7 ST 11-11", "10837 NW 7 ST UNIT 11-11"),
        ("4300 Royal Palm Avenue", "4300 ROYAL PALM AVE"),
        ("1 1st Ave", "1 1 AVE"),
        ("22 NW 2nd Ter", "22 NW 2 TER"),
        ("33 SW 3rd Court", "33 SW 3 CT"),
        ("100 Apt 4", "100 UNIT 4"),
        ("100 Main St Apt 4", "100 MAIN ST UNIT 4"),
        ("100 Main St Unit 4", "100 MAIN ST UNIT 4"),
        ("100 Main St # 4", "100 MAIN ST UNIT 4"),
        ("100 Main St APT #4", "100 MAIN ST UNIT 4"),
        ("100 Main St Ste 200", "100 MAIN ST UNIT 200"),
        # Suffix words only abbreviate in suffix position.
        ("100 St James Street", "100 ST JAMES ST"),
        ("100 Court Lane", "100 COURT LN"),
        ("10916 SW 135 COURT CIR", "10916 SW 135 CT CIR"),
        # A directional that is the street's name stays a word; a unit after it still moves.
        ("1330 WEST AVE 1013", "1330 WEST AVE UNIT 1013"),
        ("1330 West Avenue, Unit 1013", "1330 WEST AVE UNIT 1013"),
        ("100 N E St", "100 N E ST"),
        # Post-directionals stay with the street; route numbers are not units.
        ("100 Main Street North 5", "100 MAIN ST N UNIT 5"),
        ("12000 US Highway 1", "12000 US HWY 1"),
        ("4000 State Road 7", "4000 STATE RD 7"),
        # Words after the suffix that do not read as a unit stay in the street.
        ("100 Main St Rear", "100 MAIN ST REAR"),
        ("801 S MIAMI AVE 5205", "801 S MIAMI AVE UNIT 5205"),
        ("1745 S BAYSHORE LN", "1745 S BAYSHORE LN"),
        ("   ", None),
        ("", None),
        (",.#", None),
    ],
)
def test_normalize_street_examples(raw: str, expected: str | None) -> None:
    assert normalize_street(raw) == expected


def test_normalize_street_none_and_separate_unit_field() -> None:
    assert normalize_street(None) is None
    assert normalize_street("555 NE 15 ST", unit="20-E") == "555 NE 15 ST UNIT 20-E"
    assert normalize_street("555 NE 15 ST 20-E", unit="20-E") == "555 NE 15 ST UNIT 20-E"
    assert normalize_street("555 NE 15 ST", unit="#20-E") == "555 NE 15 ST UNIT 20-E"
    assert normalize_street("555 NE 15 ST", unit="  ") == "555 NE 15 ST"


_NUMBERS = st.from_regex(r"\A[1-9][0-9]{0,4}\Z")
_STREET_WORDS = st.sampled_from(
    [
        "N", "S", "E", "W", "NE", "NW", "SE", "SW", "North", "Southwest", "NORTHEAST", "West",
        "ROYAL", "PALM", "Hammocks", "COLLINS", "Bayshore", "ST", "James", "Court", "WEST",
        "184TH", "1st", "2ND", "3rd", "79", "15", "Main", "Ocean", "Biscayne", "Coral",
    ]
)  # fmt: skip
_SUFFIX_WORDS = st.sampled_from(
    [
        "ST", "Street", "AVE", "Avenue", "PL", "Place", "TER", "Terrace", "CT", "Court", "RD",
        "Road", "DR", "Drive", "LN", "Lane", "BLVD", "Boulevard", "HWY", "Highway", "PKWY",
        "Parkway", "CIR", "Circle", "WAY", "TRL", "Trail", "CSWY", "Causeway", "PLZ", "Plaza",
    ]
)  # fmt: skip
_UNIT_PARTS = st.one_of(
    st.just(""),
    st.builds(
        lambda d, u: f" {d} {u}",
        st.sampled_from(["APT", "Unit", "#", "STE", "Suite", "Apt #", ""]),
        st.from_regex(r"\A[1-9][0-9]{0,3}(-?[A-Z])?\Z"),
    ),
)
_ADDRESSES = st.builds(
    lambda n, d, words, suffix, post, unit: (
        " ".join(part for part in (n, d, " ".join(words), suffix, post) if part) + unit
    ),
    _NUMBERS,
    st.sampled_from(["", "N", "SW", "NE", "Northwest", "South", "S.W.", "N. E."]),
    st.lists(_STREET_WORDS, min_size=1, max_size=3),
    _SUFFIX_WORDS,
    st.sampled_from(["", "", "N", "South"]),
    _UNIT_PARTS,
)


@settings(max_examples=500)
@given(st.one_of(_ADDRESSES, st.text(max_size=40)))
def test_normalize_street_is_idempotent(raw: str) -> None:
    key = normalize_street(raw)
    if key is not None:
        assert normalize_street(key) == key
        assert key == key.upper()
        assert "  " not in key and key == key.strip()


@settings(max_examples=500)
@given(_ADDRESSES, st.sampled_from([str.upper, str.lower, str.title, str.swapcase]))
def test_normalize_street_ignores_case(raw: str, recase: object) -> None:
    assert callable(recase)
    assert normalize_street(recase(raw)) == normalize_street(raw)


@settings(max_examples=500)
@given(_ADDRESSES, st.lists(st.sampled_from(["  ", "\t", " . ", ", ", "., ", " ,"]), min_size=1))
def test_normalize_street_ignores_spacing_and_punctuation(raw: str, noise: list[str]) -> None:
    words = raw.split(" ")
    # Stretch spaces between words and hang periods/commas off them (not inside "N. E.": a period
    # there is a deleted character, which is the point of the rule).
    noisy = words[0]
    for i, word in enumerate(words[1:]):
        noisy += noise[i % len(noise)].replace(".", "") + " " + word
    noisy = f"  {noisy}.  "
    assert normalize_street(noisy) == normalize_street(raw)


# --------------------------------------------------------------------------------------------------
# One-line addresses
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "9719 HAMMOCKS BLVD 101, MIAMI, FL- 33196",
            ParsedAddress("9719 HAMMOCKS BLVD UNIT 101", "MIAMI", "FL", "33196"),
        ),
        ("123 NW 5th Ave, Miami, FL 33128", ParsedAddress("123 NW 5 AVE", "MIAMI", "FL", "33128")),
        ("123 NW 5th Ave, Miami FL 33128", ParsedAddress("123 NW 5 AVE", "MIAMI", "FL", "33128")),
        ("123 NW 5th Ave Miami FL 33128", ParsedAddress("123 NW 5 AVE", "MIAMI", "FL", "33128")),
        (
            "555 N.E. 15 Street, #20-E, Miami, Florida 33132-1234",
            ParsedAddress("555 NE 15 ST UNIT 20-E", "MIAMI", "FL", "33132"),
        ),
        (
            "10 Main St, Apt 4, Miami Beach, Fla. 33139",
            ParsedAddress("10 MAIN ST UNIT 4", "MIAMI BEACH", "FL", "33139"),
        ),
        (
            "123 Main St, Miami, FL, 33128",
            ParsedAddress("123 MAIN ST", "MIAMI", "FL", "33128"),
        ),
        ("1 Park Ave, New York, NY 10016", ParsedAddress("1 PARK AVE", "NEW YORK", "NY", "10016")),
        ("123 Main St, Miami", ParsedAddress("123 MAIN ST", "MIAMI", None, None)),
        ("123 Main St", ParsedAddress("123 MAIN ST", None, None, None)),
        ("123 Main St Miami 33128", ParsedAddress("123 MAIN ST", "MIAMI", None, "33128")),
        (
            "9719 HAMMOCKS BLVD 10101",
            ParsedAddress("9719 HAMMOCKS BLVD UNIT 10101", None, None, None),
        ),
        ("Miami, FL 33128", ParsedAddress(None, "MIAMI", "FL", "33128")),
        ("", ParsedAddress(None, None, None, None)),
        (" , , ", ParsedAddress(None, None, None, None)),
    ],
)
def test_parse_situs_line(raw: str, expected: ParsedAddress) -> None:
    assert parse_situs_line(raw) == expected


def test_parse_situs_line_none() -> None:
    assert parse_situs_line(None) == ParsedAddress(None, None, None, None)
