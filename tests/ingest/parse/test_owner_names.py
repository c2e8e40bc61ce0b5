"""DOR owner names: owner type, markers, LAST/FIRST."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propintel.ingest.parse.owner_names import OwnerName, OwnerType, parse_owner_name


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


# One name per row of the marker table (owner_names._OWNER_RULES), its "else" rows and the word in
# a position where the row does not apply, and the precedence of owner types: what the table
# decides (owner type and markers), names aside.
@pytest.mark.parametrize(
    ("raw", "owner_type", "estate", "heirs", "life"),
    [
        ("CHURCH JOHN", "person", False, False, False),  # a company word first: a surname
        ("ABC REAL ESTATE", "company", False, False, False),
        ("GARCIA JUAN REAL EST", "company", False, False, False),
        ("TRUST OF GARCIA JUAN", "trust", False, False, False),
        ("TRUSTEE JOHN", "person", False, False, False),
        ("EST GARCIA JUAN", "person", False, False, False),  # EST first, not EST OF
        ("GARCIA JUAN DECD", "estate", True, False, False),
        ("GARCIA JUAN HEIR", "person", False, True, False),
        ("LE THANH", "person", False, False, False),  # LE first: a name, not L/E
        ("GARCIA JUAN L/E", "person", False, False, True),
        ("GARCIA JUAN LIFE EST", "person", False, False, True),
        ("HUD", "government", False, False, False),
        ("TOWN OF MIAMI LAKES", "government", False, False, False),
        ("GARCIA BOARD", "person", False, False, False),
        ("PORT AUTHORITY", "government", False, False, False),
        ("STATES JOHN", "person", False, False, False),
        ("INTERNAL IMPROVEMENT", "government", False, False, False),
        ("DISTRICT LAND", "government", False, False, False),
        ("COUNTY LINE", "government", False, False, False),
        # Precedence: strong government > company > weak government > estate > trust > person.
        ("ABC HOUSING AUTHORITY LLC", "government", False, False, False),
        ("ABC LLC DISTRICT", "government", False, False, False),
        ("PORT AUTHORITY LLC", "company", False, False, False),
        ("COUNTY LINE PROPERTIES LLC", "company", False, False, False),
        ("BOARD OF TRUSTEES ABC CONDOMINIUM ASSN", "company", False, False, False),
        ("MIAMI-DADE COUNTY EST", "government", False, False, False),
        ("GARCIA JUAN TRS EST", "estate", True, False, False),
        # A trailing EST is an estate marker only for persons, estates and trusts; EST OF always.
        ("ABC LLC EST", "company", False, False, False),
        ("EST OF ABC LLC", "company", True, False, False),
        ("HEIRS OF ABC LLC", "company", False, True, False),
        ("ABC LLC LE", "company", False, False, True),
    ],
)
def test_parse_owner_name_marker_table(
    raw: str, owner_type: OwnerType, estate: bool, heirs: bool, life: bool
) -> None:
    name = parse_owner_name(raw)
    assert (name.owner_type, name.is_estate, name.is_heirs, name.is_life_estate) == (
        owner_type,
        estate,
        heirs,
        life,
    )
