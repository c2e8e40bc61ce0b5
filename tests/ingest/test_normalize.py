"""The shared normalisers: folios, streets, one-line addresses, states, owner names, values."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propintel.ingest.normalize import (
    OwnerName,
    OwnerType,
    ParsedAddress,
    format_folio,
    is_out_of_state,
    normalize_folio,
    normalize_state,
    normalize_street,
    parse_date_flexible,
    parse_int,
    parse_money,
    parse_owner_name,
    parse_situs_line,
    sale_month_date,
    split_unit,
    street_without_unit,
)
from tests.ingest.conftest import REALDATA

_REALFORECLOSE_NAME = "realforeclose-miami-dade-2026-07-13.csv"
_REALFORECLOSE = REALDATA / _REALFORECLOSE_NAME


# --------------------------------------------------------------------------------------------------
# Folios
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# Streets
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


def test_street_without_unit_and_split_unit() -> None:
    key = normalize_street("555 N.E. 15 Street, #20-E")
    assert key is not None
    assert street_without_unit(key) == "555 NE 15 ST"
    assert split_unit(key) == ("555 NE 15 ST", "20-E")
    assert street_without_unit("4300 ROYAL PALM AVE") == "4300 ROYAL PALM AVE"
    assert split_unit("4300 ROYAL PALM AVE") == ("4300 ROYAL PALM AVE", None)
    assert split_unit("UNIT 4") == ("", "4")
    assert street_without_unit(normalize_street("9719 HAMMOCKS BLVD 101") or "") == (
        normalize_street("9719 Hammocks Boulevard")
    )


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
# One-line addresses, and the real RealForeclose sample
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


def _realforeclose_rows() -> list[dict[str, str]]:
    assert _REALFORECLOSE.exists(), f"the real sample is missing: {_REALFORECLOSE}"
    with _REALFORECLOSE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_realforeclose_sample_addresses_and_folios_parse() -> None:
    rows = _realforeclose_rows()
    assert len(rows) == 36
    placeholders = 0
    for row in rows:
        parsed = parse_situs_line(row["Address"])
        street_part, city_part, tail = (p.strip() for p in row["Address"].split(","))
        assert parsed.state == "FL", row
        assert parsed.zip5 == tail[-5:] and parsed.zip5.isdigit(), row
        assert parsed.city == city_part, row
        assert parsed.street == normalize_street(street_part), row
        assert parsed.street is not None and parsed.street[0].isdigit(), row
        assert normalize_street(parsed.street) == parsed.street
        folio = normalize_folio(row["Parcel ID"])
        if row["Parcel ID"] == "Property Appraiser":
            placeholders += 1
            assert folio is None
        else:
            assert folio is not None and len(folio) == 13, row
            assert format_folio(folio) == row["Parcel ID"]
        assert parse_money(row["Final Judgment Amount"]) is not None
        assert parse_date_flexible(row["Auction Date"]) == date(2026, 7, 13)
    assert placeholders == 3


def test_realforeclose_sample_specific_rows() -> None:
    by_case = {row["Case #"]: row for row in _realforeclose_rows()}
    hammocks = by_case["2013-030875-CA-01"]
    assert parse_situs_line(hammocks["Address"]) == ParsedAddress(
        "9719 HAMMOCKS BLVD UNIT 101", "MIAMI", "FL", "33196"
    )
    cutler = parse_situs_line(by_case["2013-021941-CA-01"]["Address"])
    assert cutler == ParsedAddress("8380 SW 184 ST", "CUTLER BAY", "FL", "33157")
    assert cutler.street == normalize_street("8380 Southwest 184 Street")
    condo = parse_situs_line(by_case["2020-017725-CA-01"]["Address"])
    assert condo.street == normalize_street("555 N.E. 15 Street, #20-E")
    assert normalize_folio(by_case["2020-017725-CA-01"]["Parcel ID"]) == "0132310521760"
    assert parse_money(by_case["2013-021941-CA-01"]["Final Judgment Amount"]) == Decimal(
        "1417895.60"
    )
    assert parse_money(by_case["2013-021941-CA-01"]["Plaintiff Max Bid"]) is None
    assert parse_money(by_case["2013-021941-CA-01"]["Assessed Value"]) is None
    assert parse_situs_line(by_case["2025-012380-CA-01"]["Address"]).street == (
        "1330 WEST AVE UNIT 1013"
    )


# --------------------------------------------------------------------------------------------------
# States
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("FL", ("FL", False)),
        ("FLORIDA", ("FL", False)),
        ("Fla", ("FL", False)),
        ("Fla.", ("FL", False)),
        (" fl ", ("FL", False)),
        ("F.L.", ("FL", False)),
        ("FL 33130", ("FL", False)),
        ("NY", ("NY", False)),
        ("New York", ("NY", False)),
        ("NEW  YORK", ("NY", False)),
        ("north carolina", ("NC", False)),
        ("District of Columbia", ("DC", False)),
        ("D.C.", ("DC", False)),
        ("WASHINGTON", ("WA", False)),
        ("Calif.", ("CA", False)),
        ("PR", ("PR", False)),
        ("Puerto Rico", ("PR", False)),
        ("TX USA", ("TX", False)),
        ("USA", (None, False)),
        ("CANADA", (None, True)),
        ("COLOMBIA", (None, True)),
        ("VENEZUELA", (None, True)),
        ("UNITED KINGDOM", (None, True)),
        ("SPAIN", (None, True)),
        ("ONTARIO", (None, True)),
        ("MÉXICO", (None, True)),
        ("Atlantis", (None, True)),
        ("", (None, False)),
        ("   ", (None, False)),
        (None, (None, False)),
        ("N/A", (None, False)),
        ("00000", (None, False)),
    ],
)
def test_normalize_state(raw: str | None, expected: tuple[str | None, bool]) -> None:
    assert normalize_state(raw) == expected


def test_every_state_name_and_code_round_trips() -> None:
    names = {
        "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
        "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
        "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
        "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
        "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
        "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
        "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
        "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
        "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
        "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
        "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
        "WY": "Wyoming", "DC": "District of Columbia",
    }  # fmt: skip
    assert len(names) == 51
    for code, name in names.items():
        assert normalize_state(code) == (code, False)
        assert normalize_state(code.lower()) == (code, False)
        assert normalize_state(name) == (code, False)
        assert normalize_state(name.upper()) == (code, False)


@pytest.mark.parametrize(
    ("state", "country", "expected"),
    [
        ("FL", None, False),
        ("FLORIDA", None, False),
        ("Fla", "USA", False),
        ("NY", None, True),
        ("New Jersey", "UNITED STATES", True),
        ("CANADA", None, True),
        ("", "COLOMBIA", True),
        ("FL", "SPAIN", True),  # a foreign country wins over a stray state value
        (None, "USA", None),
        ("", "", None),
        (None, None, None),
        ("N/A", None, None),
        (None, "FL", False),  # a state written in the country column
        ("PR", None, True),
    ],
)
def test_is_out_of_state(state: str | None, country: str | None, expected: bool | None) -> None:
    assert is_out_of_state(state, country) is expected


# --------------------------------------------------------------------------------------------------
# Owner names
# --------------------------------------------------------------------------------------------------


def _owner(
    full: str,
    first: str | None,
    last: str | None,
    owner_type: OwnerType,
    *,
    estate: bool = False,
    heirs: bool = False,
    life: bool = False,
) -> OwnerName:
    return OwnerName(full, first, last, owner_type, estate, heirs, life)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("GARCIA JUAN", _owner("GARCIA JUAN", "JUAN", "GARCIA", "person")),
        ("  garcia   juan m ", _owner("GARCIA JUAN M", "JUAN", "GARCIA", "person")),
        ("GARCIA JUAN &W MARIA", _owner("GARCIA JUAN &W MARIA", "JUAN", "GARCIA", "person")),
        ("GARCIA JUAN &H MARIA", _owner("GARCIA JUAN &H MARIA", "JUAN", "GARCIA", "person")),
        (
            "JUAN GARCIA & MARIA LOPEZ",
            _owner("JUAN GARCIA & MARIA LOPEZ", "GARCIA", "JUAN", "person"),
        ),
        ("GARCIA JUAN AND MARIA", _owner("GARCIA JUAN AND MARIA", "JUAN", "GARCIA", "person")),
        ("GARCIA JUAN ET AL", _owner("GARCIA JUAN ET AL", "JUAN", "GARCIA", "person")),
        ("SMITH JOHN JR", _owner("SMITH JOHN JR", "JOHN", "SMITH", "person")),
        ("SMITH JR JOHN", _owner("SMITH JR JOHN", "JOHN", "SMITH", "person")),
        ("SMITH III JOHN", _owner("SMITH III JOHN", "JOHN", "SMITH", "person")),
        ("SMITH JR", _owner("SMITH JR", None, "SMITH", "person")),
        ("MUÑOZ JOSÉ", _owner("MUÑOZ JOSÉ", "JOSÉ", "MUÑOZ", "person")),
        ("muñoz josé", _owner("MUÑOZ JOSÉ", "JOSÉ", "MUÑOZ", "person")),
        ("DE LA CRUZ JUAN", _owner("DE LA CRUZ JUAN", "JUAN", "DE LA CRUZ", "person")),
        ("GARCIA, JUAN", _owner("GARCIA, JUAN", "JUAN", "GARCIA", "person")),
        ("CHURCH JOHN", _owner("CHURCH JOHN", "JOHN", "CHURCH", "person")),
        ("GARCIA JUAN JTRS", _owner("GARCIA JUAN JTRS", "JUAN", "GARCIA", "person")),
        (
            "GARCIA JUAN C/O ABC MANAGEMENT LLC",
            _owner("GARCIA JUAN C/O ABC MANAGEMENT LLC", "JUAN", "GARCIA", "person"),
        ),
        # Estates (first/last name the decedent).
        (
            "EST OF GARCIA JUAN",
            _owner("EST OF GARCIA JUAN", "JUAN", "GARCIA", "estate", estate=True),
        ),
        ("GARCIA JUAN EST", _owner("GARCIA JUAN EST", "JUAN", "GARCIA", "estate", estate=True)),
        (
            "ESTATE OF GARCIA JUAN",
            _owner("ESTATE OF GARCIA JUAN", "JUAN", "GARCIA", "estate", estate=True),
        ),
        (
            "GARCIA JUAN (DECEASED)",
            _owner("GARCIA JUAN (DECEASED)", "JUAN", "GARCIA", "estate", estate=True),
        ),
        # Heirs.
        (
            "HEIRS OF GARCIA JUAN",
            _owner("HEIRS OF GARCIA JUAN", "JUAN", "GARCIA", "person", heirs=True),
        ),
        (
            "UNKNOWN HEIRS OF GARCIA JUAN",
            _owner("UNKNOWN HEIRS OF GARCIA JUAN", "JUAN", "GARCIA", "person", heirs=True),
        ),
        ("GARCIA JUAN HEIRS", _owner("GARCIA JUAN HEIRS", "JUAN", "GARCIA", "person", heirs=True)),
        # Life estates.
        ("GARCIA JUAN LE", _owner("GARCIA JUAN LE", "JUAN", "GARCIA", "person", life=True)),
        (
            "GARCIA JUAN L/E &REM MARIA",
            _owner("GARCIA JUAN L/E &REM MARIA", "JUAN", "GARCIA", "person", life=True),
        ),
        (
            "GARCIA JUAN LIFE ESTATE",
            _owner("GARCIA JUAN LIFE ESTATE", "JUAN", "GARCIA", "person", life=True),
        ),
        # Trusts.
        ("GARCIA JUAN TRS", _owner("GARCIA JUAN TRS", None, None, "trust")),
        ("GARCIA JUAN TR", _owner("GARCIA JUAN TR", None, None, "trust")),
        ("GARCIA JUAN TRUSTEE", _owner("GARCIA JUAN TRUSTEE", None, None, "trust")),
        ("JUAN GARCIA REVOCABLE TRUST", _owner("JUAN GARCIA REVOCABLE TRUST", None, None, "trust")),
        ("GARCIA FAMILY LIVING TRUST", _owner("GARCIA FAMILY LIVING TRUST", None, None, "trust")),
        # Companies.
        ("ABC HOLDINGS LLC", _owner("ABC HOLDINGS LLC", None, None, "company")),
        ("ABC REAL ESTATE LLC", _owner("ABC REAL ESTATE LLC", None, None, "company")),
        ("XYZ PROPERTIES INC.", _owner("XYZ PROPERTIES INC.", None, None, "company")),
        ("ACME CORP", _owner("ACME CORP", None, None, "company")),
        ("SMITH & JONES P.A.", _owner("SMITH & JONES P.A.", None, None, "company")),
        ("BANK OF AMERICA NA", _owner("BANK OF AMERICA NA", None, None, "company")),
        (
            "DEUTSCHE BANK NATIONAL TRUST CO TRS",
            _owner("DEUTSCHE BANK NATIONAL TRUST CO TRS", None, None, "company"),
        ),
        ("ABC CONDOMINIUM ASSN INC", _owner("ABC CONDOMINIUM ASSN INC", None, None, "company")),
        (
            "FIRST BAPTIST CHURCH OF MIAMI",
            _owner("FIRST BAPTIST CHURCH OF MIAMI", None, None, "company"),
        ),
        (
            "SUNSHINE INVESTMENTS GROUP LP",
            _owner("SUNSHINE INVESTMENTS GROUP LP", None, None, "company"),
        ),
        # Government.
        ("MIAMI-DADE COUNTY", _owner("MIAMI-DADE COUNTY", None, None, "government")),
        ("CITY OF MIAMI", _owner("CITY OF MIAMI", None, None, "government")),
        ("STATE OF FLORIDA", _owner("STATE OF FLORIDA", None, None, "government")),
        (
            "BOARD OF COUNTY COMMISSIONERS",
            _owner("BOARD OF COUNTY COMMISSIONERS", None, None, "government"),
        ),
        (
            "THE SCHOOL BOARD OF MIAMI-DADE COUNTY",
            _owner("THE SCHOOL BOARD OF MIAMI-DADE COUNTY", None, None, "government"),
        ),
        (
            "MIAMI-DADE HOUSING AUTHORITY",
            _owner("MIAMI-DADE HOUSING AUTHORITY", None, None, "government"),
        ),
        ("UNITED STATES OF AMERICA", _owner("UNITED STATES OF AMERICA", None, None, "government")),
        ("USA", _owner("USA", None, None, "government")),
        ("FDOT", _owner("FDOT", None, None, "government")),
        (
            "SECRETARY OF HOUSING AND URBAN DEVELOPMENT",
            _owner("SECRETARY OF HOUSING AND URBAN DEVELOPMENT", None, None, "government"),
        ),
        (
            "TRUSTEES OF INTERNAL IMPROVEMENT TRUST FUND",
            _owner("TRUSTEES OF INTERNAL IMPROVEMENT TRUST FUND", None, None, "government"),
        ),
        (
            "SOUTH FLORIDA WATER MANAGEMENT DISTRICT",
            _owner("SOUTH FLORIDA WATER MANAGEMENT DISTRICT", None, None, "government"),
        ),
    ],
)
def test_parse_owner_name(raw: str, expected: OwnerName) -> None:
    assert parse_owner_name(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_parse_owner_name_empty(raw: str | None) -> None:
    assert parse_owner_name(raw) == OwnerName(None, None, None, None)


@given(st.text(max_size=60))
def test_parse_owner_name_never_raises(raw: str) -> None:
    name = parse_owner_name(raw)
    if name.full is None:
        assert name.owner_type is None
    else:
        assert name.owner_type in {"person", "company", "trust", "estate", "government"}
        if name.owner_type not in ("person", "estate"):
            assert name.first is None and name.last is None


# --------------------------------------------------------------------------------------------------
# Money, integers, dates
# --------------------------------------------------------------------------------------------------


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
    parse_date_flexible(raw)


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
