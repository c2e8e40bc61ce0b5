"""NAL import on a hand-made fixture whose every row has a known outcome."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from propintel.ingest.errors import ImportRefused
from propintel.ingest.matching import legal_key, owner_key
from tests.ingest.conftest import FIXTURES, query, run

NAL = FIXTURES / "nal_small.csv"


def test_import_maps_rows_and_quarantines_bad_ones(import_url: str) -> None:
    summary = run("nal", NAL, import_url)
    assert summary.status == "succeeded"
    assert (summary.read, summary.inserted, summary.updated) == (7, 5, 0)
    assert summary.quarantined == {
        "missing or invalid folio (PARCEL_ID)": 1,
        "row has 3 fields, the header has 158": 1,
    }
    assert summary.nulled == {"market_value": 1, "year_built": 1, "sale1": 1}
    rows = query(
        import_url,
        "SELECT line_number, action, field FROM import_quarantine WHERE run_id = %s "
        "ORDER BY line_number, field",
        (summary.run_id,),
    )
    assert rows == [
        (4, "field_nulled", "market_value"),
        (4, "field_nulled", "year_built"),
        (5, "row_quarantined", None),
        (6, "field_nulled", "sale1"),
        (8, "row_quarantined", None),
    ]


def test_person_owner_latin1_name_and_homestead(import_url: str) -> None:
    run("nal", NAL, import_url)
    [row] = query(
        import_url,
        "SELECT owner_first_name, owner_last_name, owner_type, homestead, out_of_state_owner, "
        "full_address, address_key, legal_description, lot_size_sqft, year_built, "
        "property_type, county, parcel_id FROM properties WHERE folio_number = '3059040370010'",
    )
    assert row == (
        "JOSÉ",
        "MUÑOZ",
        "person",
        True,
        False,
        "17143 SW 79TH PL, PALMETTO BAY, FL 33157",
        "17143 SW 79 PL",
        "CORAL PARK ESTATES, PB 56-42, LOT 7 BLK 3",
        7500,
        1998,
        "single_family",
        "Miami-Dade",
        "30-5904-037-0010",
    )


def test_leading_zero_folio_restored_and_condo_unit_kept(import_url: str) -> None:
    run("nal", NAL, import_url)
    [row] = query(
        import_url,
        "SELECT owner_type, out_of_state_owner, address_key, mailing_state FROM properties "
        "WHERE folio_number = '0132310521760'",
    )
    assert row == ("company", True, "555 NE 15 ST UNIT 20-E", "NY")


@pytest.mark.parametrize(
    ("folio", "out_of_state", "mailing_state"),
    [
        ("3049270520080", False, "FLORIDA"),
        ("3059040370010", False, "FL"),
        ("0232220011440", True, "COLOMBIA"),
    ],
)
def test_florida_spelled_out_is_in_state_and_foreign_is_out(
    import_url: str, folio: str, out_of_state: bool, mailing_state: str
) -> None:
    run("nal", NAL, import_url)
    [row] = query(
        import_url,
        "SELECT out_of_state_owner, mailing_state FROM properties WHERE folio_number = %s",
        (folio,),
    )
    assert row == (out_of_state, mailing_state)


@pytest.mark.parametrize(
    ("folio", "mailing", "absentee"),
    [
        # homestead, mailing address = the property: the owner lives there
        ("3059040370010", ("17143 SW 79TH PL", "PALMETTO BAY", "33157"), False),
        # no homestead, same street and ZIP: not absentee either
        ("3049270520080", ("13863 SW 62 TER", "MIAMI", "33183"), False),
        ("0132310521760", ("1 PARK AVE", "NEW YORK", "10016"), True),
        ("0232220011440", ("CALLE 5", "BOGOTA", None), True),
        ("3060190091660", (None, None, None), None),  # no mailing address published
    ],
)
def test_mailing_address_parts_and_absentee_owner(
    import_url: str, folio: str, mailing: tuple[str | None, ...], absentee: bool | None
) -> None:
    run("nal", NAL, import_url)
    [row] = query(
        import_url,
        "SELECT mailing_street, mailing_city, mailing_zip, absentee_owner FROM properties "
        "WHERE folio_number = %s",
        (folio,),
    )
    assert row == (*mailing, absentee)


def test_junk_values_are_nulled_with_reason_on_the_property(import_url: str) -> None:
    run("nal", NAL, import_url)
    [(market_value, year_built, issues)] = query(
        import_url,
        "SELECT market_value, year_built, data_issues FROM properties "
        "WHERE folio_number = '3049270520080'",
    )
    assert market_value is None and year_built is None
    assert [field for field, _ in issues["nal"]] == ["market_value", "year_built"]


def test_sales_are_kept_and_month_only_dates_use_the_first_day(import_url: str) -> None:
    run("nal", NAL, import_url)
    sales = query(
        import_url,
        "SELECT sale_date, sale_price, qualification_code FROM property_sales "
        "WHERE folio_number = '3059040370010' ORDER BY sale_date",
    )
    assert [(str(d), p, q) for d, p, q in sales] == [
        ("2015-03-01", 100, "11"),
        ("2026-09-01", 520000, "01"),
    ]
    [(last_price, sale_date)] = query(
        import_url,
        "SELECT last_sale_price, sale_date FROM properties WHERE folio_number = '3059040370010'",
    )
    assert (last_price, str(sale_date)) == (520000, "2026-09-01")


def test_estate_owner_becomes_a_dated_signal(import_url: str) -> None:
    run("nal", NAL, import_url)
    rows = query(import_url, "SELECT signal_type, reference, status, detail FROM property_signals")
    assert rows == [
        ("estate_owner", "3049270520080", "open", {"owner_name": "EST OF GARCIA MARIA"})
    ]


def test_reimport_of_unchanged_file_writes_nothing(import_url: str) -> None:
    run("nal", NAL, import_url)
    before = query(import_url, "SELECT folio_number, xmin::text FROM properties ORDER BY 1")
    again = run("nal", NAL, import_url)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)
    assert again.extra["sales_added"] == 0 and again.extra["owner_markers_changed"] == 0
    after = query(import_url, "SELECT folio_number, xmin::text FROM properties ORDER BY 1")
    assert before == after  # no row version changed: nothing was rewritten


def test_changed_row_is_updated_and_estate_marker_closed(import_url: str, tmp_path: Path) -> None:
    run("nal", NAL, import_url)
    changed = tmp_path / "nal_changed.csv"
    with NAL.open(encoding="latin-1", newline="") as source:
        rows = list(csv.reader(source))
    header = rows[0]
    owner = header.index("OWN_NAME")
    rows[3][owner] = "GARCIA MARIA"  # the estate was settled
    with changed.open("w", encoding="latin-1", newline="") as target:
        csv.writer(target).writerows(rows)
    summary = run("nal", changed, import_url)
    assert (summary.inserted, summary.updated) == (0, 1)
    assert query(import_url, "SELECT status FROM property_signals") == [("closed",)]


def test_matcher_keys_are_stored_with_the_values_they_key(import_url: str, tmp_path: Path) -> None:
    changed = tmp_path / "nal_keys.csv"
    with NAL.open(encoding="latin-1", newline="") as source:
        rows = list(csv.reader(source))
    owner, legal = rows[0].index("OWN_NAME"), rows[0].index("S_LEGAL")
    rows[1][owner] = "EST OF MUÑOZ JOSÉ"
    rows[1][legal] = "Coral Park Estates, PB 56-42, Lot 7"
    rows[2][owner] = "X" * 300  # too long for owner_name: nulled, and its key with it
    with changed.open("w", encoding="latin-1", newline="") as target:
        csv.writer(target).writerows(rows)
    run("nal", changed, import_url)
    stored = query(
        import_url, "SELECT owner_name, owner_key, legal_description, legal_key FROM properties"
    )
    assert len(stored) == 5
    assert all(
        (owner_key(name), legal_key(description)) == (name_key, description_key)
        for name, name_key, description, description_key in stored
    )
    keys = {(name_key, description_key) for _, name_key, _, description_key in stored}
    assert ("MUNOZ JOSE", "CORAL PARK ESTATES PB 56 42 LOT 7") in keys
    assert sum(name is None and name_key is None for name, name_key, _, _ in stored) == 1


def test_missing_columns_refuse_the_file_before_any_write(import_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "nal_bad.csv"
    bad.write_text("CO_NO,PARCEL_ID,OWN_NAME\n23,3059040370010,SMITH JOHN\n")
    with pytest.raises(ImportRefused, match=r"missing required column.*DOR_UC, JV"):
        run("nal", bad, import_url)
    assert query(import_url, "SELECT count(*) FROM import_runs") == [(0,)]
    assert query(import_url, "SELECT count(*) FROM properties") == [(0,)]


def test_binary_file_is_refused(import_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "roll.xlsx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ImportRefused, match=r"not a text file|not CSV"):
        run("nal", bad, import_url)


def test_another_county_is_refused_with_its_name(import_url: str, tmp_path: Path) -> None:
    broward = tmp_path / "NAL16F202601.csv"
    text = NAL.read_text(encoding="latin-1").replace("\n23,", "\n16,")
    broward.write_text(text, encoding="latin-1")
    with pytest.raises(ImportRefused, match=r"county 16 \(Broward\)"):
        run("nal", broward, import_url)


def test_failure_midway_leaves_database_as_it_was(import_url: str, tmp_path: Path) -> None:
    run("nal", NAL, import_url)
    before = query(import_url, "SELECT folio_number, market_value FROM properties ORDER BY 1")
    broken = tmp_path / "nal_huge_value.csv"
    rows = list(csv.reader(NAL.open(encoding="latin-1", newline="")))
    rows[1][rows[0].index("JV")] = "999999"
    rows[2][rows[0].index("NO_BULDNG")] = "x"
    with broken.open("w", encoding="latin-1", newline="") as target:
        csv.writer(target).writerows(rows)
    from propintel.ingest import nal

    original = nal.UPSERT_SQL
    nal.UPSERT_SQL = original.replace("RETURNING (xmax = 0)", "RETURNING (1/0 = 0)")
    try:
        with pytest.raises(Exception, match="division by zero"):
            run("nal", broken, import_url)
    finally:
        nal.UPSERT_SQL = original
    assert (
        query(import_url, "SELECT folio_number, market_value FROM properties ORDER BY 1") == before
    )
    assert query(
        import_url, "SELECT status, error IS NOT NULL FROM import_runs ORDER BY started_at"
    ) == [("succeeded", False), ("failed", True)]


def test_a_missing_file_is_refused_by_its_name_alone(import_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "stored" / "NAL23F202601.csv"
    with pytest.raises(ImportRefused) as refused:
        run("nal", missing, import_url)
    assert refused.value.message == "NAL23F202601.csv: no such file"
    assert query(import_url, "SELECT count(*) FROM import_runs") == [(0,)]
