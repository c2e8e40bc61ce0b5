"""The one matcher of source rows to properties: key normalisation on both sides, priority order,
unit and zip guards, and ambiguity left unmatched with a note."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg import sql

from propintel.db import migrate
from propintel.ingest.matching import (
    MATCH_COLUMNS,
    legal_key,
    legal_key_sql,
    match_staged,
    owner_key,
    owner_key_sql,
    unmatched_reason_sql,
)
from propintel.ingest.parse.addresses import normalize_street
from propintel.ingest.runs import STAGING_PREFIX_COLUMNS

# folio, street, unit, zip, owner, legal description
PROPERTIES: tuple[tuple[str, str, str | None, str, str, str], ...] = (
    (
        "3059040370010",
        "9719 HAMMOCKS BLVD",
        "101",
        "33196",
        "MUÑOZ JOSÉ A",
        "CORAL PARK ESTATES, PB 56-42, LOT 7 BLK 3",
    ),
    (
        "3049270520080",
        "13863 SW 62 TER",
        None,
        "33183",
        "EST OF GARCIA MARIA",
        "SUNSET HOMES PB 99-12 LOT 4 BLK 2",
    ),
    (
        "0132310521760",
        "555 NE 15 ST",
        "20-E",
        "33132",
        "BISCAYNE HOLDINGS LLC",
        "QUANTUM ON THE BAY CONDO UNIT 20-E",
    ),
    ("3049030100050", "13965 SW 10 ST", None, "33184", "SMITH JOHN", "WESTWOOD LAKES PB 70-10 L5"),
    ("3059110090130", "10916 SW 135 COURT CIR", None, "33186", "SMITH JOHN", "LAKES BY THE BAY"),
    ("1079160170340", "2929 SE 2 ST", None, "33033", "PEREZ ANA", "HOMESTEAD MANOR LOT 9"),
)


def add_properties(url: str) -> dict[str, str]:
    """The properties above (as the NAL importer would store them); folio -> property_id."""
    with psycopg.connect(url) as conn:
        for folio, street, unit, zip_code, owner, legal in PROPERTIES:
            line = f"{street} {unit}" if unit else street
            conn.execute(
                "INSERT INTO properties (folio_number, full_address, street_address, city, "
                "zip_code, address_key, owner_name, owner_key, legal_description, legal_key) "
                "VALUES (%s, %s, %s, 'MIAMI', %s, %s, %s, %s, %s, %s)",
                (
                    folio,
                    f"{line}, MIAMI, FL {zip_code}",
                    line,
                    zip_code,
                    normalize_street(street, unit),
                    owner,
                    owner_key(owner),
                    legal,
                    legal_key(legal),
                ),
            )
        rows = conn.execute("SELECT folio_number, property_id::text FROM properties").fetchall()
    return {folio: property_id for folio, property_id in rows}


# --- the keys --------------------------------------------------------------------------------

AWKWARD = [
    "CORAL PARK ESTATES, PB 56-42, LOT 7 BLK 3",
    "  coral   park estates pb 56 42 lot 7 blk 3 ",
    "MUÑOZ JOSÉ A",
    "Muñoz, José A.",
    "STRAßE ǅ ﬁ ı İ ÿ",
    "EST OF GARCIA MARIA",
    "THE ESTATE OF GARCIA MARIA",
    "GARCIA MARIA EST",
    "GARCIA MARIA DECEASED",
    "ESTEBAN GARCIA",
    "EST OF",
    "\t\n---",
    "",
    "O'NEIL & SONS (TRS)",
]


@pytest.fixture(scope="module")
def conn(test_database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(test_database_url) as connection:
        yield connection


def _sql_keys(conn: psycopg.Connection[Any], value: str) -> tuple[Any, ...]:
    query = sql.SQL("SELECT {}, {}").format(
        legal_key_sql(sql.Literal(value)), owner_key_sql(sql.Literal(value))
    )
    row = conn.execute(query).fetchone()
    assert row is not None
    return tuple(row)


@pytest.mark.parametrize("value", AWKWARD)
def test_python_and_sql_keys_agree(conn: psycopg.Connection[Any], value: str) -> None:
    assert _sql_keys(conn, value) == (legal_key(value), owner_key(value))


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(value=_TEXT)
def test_python_and_sql_keys_agree_on_any_text(conn: psycopg.Connection[Any], value: str) -> None:
    assert _sql_keys(conn, value) == (legal_key(value), owner_key(value))


def test_keys_ignore_case_punctuation_accents_and_estate_markers() -> None:
    assert legal_key("Coral Park Estates, PB 56-42, Lot 7 Blk 3") == legal_key(
        "CORAL PARK ESTATES PB 56 42 LOT 7 BLK 3"
    )
    assert owner_key("Muñoz, José A.") == "MUNOZ JOSE A"
    assert owner_key("EST OF GARCIA MARIA") == owner_key("GARCIA MARIA EST") == "GARCIA MARIA"
    assert owner_key("ESTEBAN GARCIA") == "ESTEBAN GARCIA"  # EST is a word, not a prefix
    assert legal_key(" --- ") is None and owner_key(None) is None


# --- the matcher -----------------------------------------------------------------------------


def _match(url: str, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Stage ``rows`` (line_no = position), match them, return (line, folio matched, method,
    unmatched reason) per row."""
    columns = (*STAGING_PREFIX_COLUMNS, *MATCH_COLUMNS)
    names = [name for name, _ in MATCH_COLUMNS[:5]]
    with psycopg.connect(url) as connection:
        connection.execute(
            sql.SQL("CREATE TEMPORARY TABLE t ({})").format(
                sql.SQL(", ").join(
                    sql.SQL("{} {}").format(sql.Identifier(n), sql.SQL(k)) for n, k in columns
                )
            )
        )
        for line_no, row in enumerate(rows, 1):
            connection.execute(
                "INSERT INTO t (line_no, folio, address_key, zip_code, legal_key, owner_key) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (line_no, *(row.get(name) for name in names)),
            )
        match_staged(connection, sql.Identifier("t"))
        query = sql.SQL(
            "SELECT s.line_no, p.folio_number, s.match_method, "
            "CASE WHEN s.property_id IS NULL THEN {} END "
            "FROM t s LEFT JOIN properties p ON p.property_id = s.property_id ORDER BY 1"
        ).format(unmatched_reason_sql())
        return [tuple(row) for row in connection.execute(query).fetchall()]


def test_methods_run_in_priority_order(import_url: str) -> None:
    add_properties(import_url)
    rows = [
        # a folio beats a (different) address
        {"folio": "3059040370010", "address_key": "13965 SW 10 ST", "zip_code": "33184"},
        {"address_key": "555 NE 15 ST UNIT 20-E", "zip_code": "33132"},
        {"legal_key": legal_key("Sunset Homes, PB 99-12, Lot 4, Blk 2")},
        {"owner_key": owner_key("PEREZ ANA EST"), "legal_key": "NO SUCH LEGAL"},
    ]
    assert _match(import_url, rows) == [
        (1, "3059040370010", "folio", None),
        (2, "0132310521760", "address", None),
        (3, "3049270520080", "legal", None),
        (4, "1079160170340", "owner", None),
    ]


def test_street_match_only_when_units_do_not_conflict(import_url: str) -> None:
    add_properties(import_url)
    rows = [
        {"address_key": "2929 SE 2 ST UNIT 1", "zip_code": "33033"},  # property has no unit
        {"address_key": "9719 HAMMOCKS BLVD", "zip_code": None},  # the street's only property
        {"address_key": "9719 HAMMOCKS BLVD UNIT 102"},  # the only property is unit 101
    ]
    assert _match(import_url, rows) == [
        (1, "1079160170340", "street", None),
        (2, "3059040370010", "street", None),
        (
            3,
            None,
            None,
            "no property matched (only property at the street address has another unit)",
        ),
    ]


def test_zip_must_agree_and_ambiguity_is_not_matched(import_url: str) -> None:
    add_properties(import_url)
    rows = [
        {"address_key": "2929 SE 2 ST", "zip_code": "33139"},  # same street, Miami Beach
        {"owner_key": "SMITH JOHN"},  # owns two properties
        {"folio": "3000000000001"},
        {},
    ]
    assert _match(import_url, rows) == [
        (1, None, None, "no property matched (address)"),
        (2, None, None, "no property matched (2 properties share the owner name)"),
        (3, None, None, "no property matched (folio)"),
        (
            4,
            None,
            None,
            "no property matched (no folio, address, legal description or owner name to match on)",
        ),
    ]


KEYS_REVISION = "0011"  # the revision that stores the keys


def test_stored_keys_are_backfilled_as_the_importers_would_write_them(import_url: str) -> None:
    """Properties stored before the keys were columns get exactly the Python keys of their
    values, through the matcher's own SQL."""
    migrate.downgrade(import_url, f"{KEYS_REVISION}-1")
    values = (*AWKWARD, None)
    with psycopg.connect(import_url) as conn:
        for n, value in enumerate(values):
            conn.execute(
                "INSERT INTO properties (folio_number, full_address, owner_name, legal_description)"
                " VALUES (%s, 'x', %s, %s)",
                (f"{n:013d}", value, value),
            )
    migrate.upgrade(import_url)
    with psycopg.connect(import_url) as conn:
        stored = dict(
            conn.execute(
                "SELECT legal_description, (legal_key, owner_key) FROM properties"
            ).fetchall()
        )
    assert stored == {value: (legal_key(value), owner_key(value)) for value in values}
    assert stored["THE ESTATE OF GARCIA MARIA"] == ("THE ESTATE OF GARCIA MARIA", "GARCIA MARIA")
