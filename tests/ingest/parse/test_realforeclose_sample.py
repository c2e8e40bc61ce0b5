"""The real RealForeclose sample (tests/fixtures/realdata) through the parsers: its addresses,
folios, amounts and auction dates."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

from propintel.ingest.parse.addresses import ParsedAddress, normalize_street, parse_situs_line
from propintel.ingest.parse.dates import parse_date_flexible
from propintel.ingest.parse.folios import format_folio, normalize_folio
from propintel.ingest.parse.numbers import parse_money
from tests.ingest.conftest import REALDATA

_REALFORECLOSE_NAME = "realforeclose-miami-dade-2026-07-13.csv"
_REALFORECLOSE = REALDATA / _REALFORECLOSE_NAME


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
