"""Mailing states and countries, and out-of-state owners."""

from __future__ import annotations

import pytest

from propintel.ingest.parse.states import is_out_of_state, normalize_state


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
