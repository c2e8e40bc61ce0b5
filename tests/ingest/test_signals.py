"""Signal feeds → property_signals: per-kind mapping, matching, quarantine, cancellations and
idempotent re-imports, on hand-made fixtures and the real RealForeclose sample."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest

from propintel.ingest.errors import ImportRefused
from propintel.ingest.parse.addresses import normalize_street
from propintel.ingest.runs import ImportSummary
from propintel.ingest.signals_kinds import SIGNAL_KINDS
from propintel.ingest.signals_types import SIGNAL_INDICATORS, SIGNAL_TYPES
from tests.ingest.conftest import FIXTURES, REALDATA, query, run
from tests.ingest.test_matching import add_properties

SIGNALS = FIXTURES / "signals"
REALFORECLOSE = REALDATA / "realforeclose-miami-dade-2026-07-13.csv"


def signals(kind: str, path: Path, url: str) -> ImportSummary:
    return run(f"signals:{kind}", path, url)


def records(url: str, *columns: str) -> list[tuple[Any, ...]]:
    listed = ", ".join(columns)
    return query(url, f"SELECT {listed} FROM property_signals ORDER BY source, reference, 1")


def quarantine(url: str, run_id: object) -> list[tuple[Any, ...]]:
    return query(
        url,
        "SELECT line_number, reason FROM import_quarantine "
        "WHERE run_id = %s AND action = 'row_quarantined' ORDER BY line_number",
        (run_id,),
    )


# --- code and building violations ------------------------------------------------------------


def test_code_violations_map_status_dates_and_every_folio_spelling(import_url: str) -> None:
    add_properties(import_url)
    summary = signals("code-violations", SIGNALS / "code_violations.csv", import_url)
    assert (summary.read, summary.inserted, summary.updated) == (9, 5, 0)
    assert (summary.matched, summary.unmatched, summary.match_rate) == (5, 2, 0.7143)
    assert summary.extra["matched_by_folio"] == 4 and summary.extra["matched_by_address"] == 1
    rows = query(
        import_url,
        "SELECT reference, folio_number, status, recorded_date, closed_date, match_method "
        "FROM property_signals WHERE signal_type = 'code_violation' ORDER BY reference",
    )
    assert rows == [
        ("2024000102", "3049270520080", "closed", date(2024, 11, 2), date(2025, 8, 1), "folio"),
        ("2025000101", "3059040370010", "open", date(2025, 3, 14), None, "folio"),  # spaced
        ("2026000103", "0132310521760", "open", date(2026, 1, 20), None, "folio"),  # 12 digits
        ("2026000104", "3049030100050", "open", date(2026, 2, 3), None, "address"),
        ("2026000109", "3049030100050", "open", None, None, "folio"),  # dashed; bad date nulled
    ]
    assert summary.nulled == {"case_date": 1}  # line 6's bad folio: its row is quarantined


def test_code_violation_detail_keeps_quoted_commas_and_types(import_url: str) -> None:
    add_properties(import_url)
    signals("code-violations", SIGNALS / "code_violations.csv", import_url)
    [(detail,)] = query(
        import_url, "SELECT detail FROM property_signals WHERE reference = '2026000103'"
    )
    assert detail == {
        "case_status": 4,
        "status_description": "Lien",
        "problem": "JUNK-TRASH",
        "problem_description": "JUNK, TRASH AND DEBRIS ON PROPERTY",
        "last_activity": "2026-02-03",
        "address": "555 NE 15 ST 20-E",
    }


def test_unmatched_and_unusable_rows_are_quarantined_with_reasons(import_url: str) -> None:
    add_properties(import_url)
    summary = signals("code-violations", SIGNALS / "code_violations.csv", import_url)
    assert quarantine(import_url, summary.run_id) == [
        (6, "no property matched (address)"),  # folio 12345 was nulled, the address is unknown
        (7, "no property matched (folio)"),
        (8, "missing reference (CASE_NUM)"),
        (9, "row has 3 fields, the header has 9"),
    ]
    assert summary.read == summary.matched + sum(summary.quarantined.values())


def test_vacant_unsecured_case_is_also_vacant_evidence(import_url: str) -> None:
    add_properties(import_url)
    summary = signals("code-violations", SIGNALS / "code_violations.csv", import_url)
    assert summary.extra["vacant_evidence_changed"] == 1
    assert query(
        import_url,
        "SELECT reference, status, source FROM property_signals WHERE signal_type = 'vacant'",
    ) == [("2025000101", "open", "ccviol")]


def test_vacant_evidence_closes_when_the_case_no_longer_says_so(
    import_url: str, tmp_path: Path
) -> None:
    add_properties(import_url)
    signals("code-violations", SIGNALS / "code_violations.csv", import_url)
    changed = tmp_path / "ccviol.csv"
    text = (SIGNALS / "code_violations.csv").read_text()
    changed.write_text(text.replace("VACANT AND UNSECURED STRUCTURE", "SECURED BY OWNER"))
    summary = signals("code-violations", changed, import_url)
    assert (summary.inserted, summary.updated, summary.extra["vacant_evidence_changed"]) == (
        0,
        1,
        1,
    )
    assert query(
        import_url, "SELECT status FROM property_signals WHERE signal_type = 'vacant'"
    ) == [("closed",)]


def test_unsafe_structure_is_a_building_violation_and_vacant_evidence(import_url: str) -> None:
    add_properties(import_url)
    summary = signals("building-violations", SIGNALS / "building_violations.csv", import_url)
    assert (summary.inserted, summary.matched, summary.unmatched) == (2, 2, 0)
    assert records(import_url, "signal_type", "reference", "status", "recorded_date") == [
        ("building_violation", "BV250000001", "open", date(2025, 3, 15)),
        ("vacant", "BV250000001", "open", date(2025, 3, 15)),
        ("building_violation", "BV250000002", "open", date(2025, 4, 1)),
    ]


# --- tax certificates and auctions -----------------------------------------------------------


def test_tax_certificates_are_tax_liens_referenced_by_year_and_certificate(
    import_url: str,
) -> None:
    add_properties(import_url)
    summary = signals("tax-certificates", SIGNALS / "tax_certificates.csv", import_url)
    assert (summary.inserted, summary.matched, summary.unmatched) == (3, 3, 0)
    rows = records(import_url, "reference", "signal_type", "folio_number", "match_method")
    assert rows == [
        ("2023/0005678", "tax_lien", "3049030100050", "folio"),
        ("2024/0001234", "tax_lien", "3049270520080", "folio"),
        ("2024/0009999", "tax_lien", "1079160170340", "address"),  # no account number
    ]
    [(detail,)] = query(
        import_url, "SELECT detail FROM property_signals WHERE reference = '2024/0001234'"
    )
    assert detail == {
        "tax_year": 2024,
        "certificate": "0001234",
        "face_amount": "1234.56",
        "certificate_buyer": "TAX EASE FUNDING LLC",
        "county_held": "N",
    }


def test_taxdeed_auction_is_a_tax_lien_and_unknown_auction_type_is_quarantined(
    import_url: str,
) -> None:
    add_properties(import_url)
    summary = signals("foreclosure-auctions", SIGNALS / "foreclosure_auctions.csv", import_url)
    assert summary.inserted == 1
    assert summary.quarantined == {
        "unknown Auction Type 'SHERIFF SALE' (FORECLOSURE or TAXDEED)": 1
    }
    assert records(import_url, "signal_type", "source", "reference", "recorded_date") == [
        ("tax_lien", "realforeclose", "2025A000123", date(2026, 8, 20))
    ]


def test_real_realforeclose_sample_every_row_matched_or_quarantined(import_url: str) -> None:
    add_properties(import_url)  # holds 6 of the sample's folios (one with a leading zero)
    with psycopg.connect(import_url) as conn:  # 2 of the 3 placeholder rows' addresses
        for folio, street, unit, zip_code in (
            ("3059990010010", "8380 SW 184TH ST", None, "33157"),
            ("0101990010010", "159 NE 6TH ST", "1920", "33132"),
        ):
            conn.execute(
                "INSERT INTO properties (folio_number, full_address, zip_code, address_key) "
                "VALUES (%s, %s, %s, %s)",
                (folio, street, zip_code, normalize_street(street, unit)),
            )
    summary = signals("foreclosure-auctions", REALFORECLOSE, import_url)
    assert (summary.read, summary.inserted, summary.matched, summary.unmatched) == (36, 8, 8, 28)
    assert (summary.extra["matched_by_folio"], summary.extra["matched_by_address"]) == (6, 2)
    reasons = quarantine(import_url, summary.run_id)
    assert len(reasons) == sum(summary.quarantined.values()) == 28
    assert summary.read == summary.matched + len(reasons)
    assert all(reason.startswith("no property matched (") for _, reason in reasons)
    placeholders = query(
        import_url,
        "SELECT reference, folio_number, match_method FROM property_signals "
        "WHERE detail->>'parcel_id' = 'Property Appraiser' ORDER BY reference",
    )
    assert placeholders == [
        ("2013-021941-CA-01", "3059990010010", "address"),
        ("2026-002890-CA-01", "0101990010010", "address"),
    ]
    assert (32, "no property matched (address)") in reasons  # 21125 NW 14 PL 640: unknown
    [(signal_type, recorded, detail)] = query(
        import_url,
        "SELECT signal_type, recorded_date, detail FROM property_signals "
        "WHERE reference = '2013-021941-CA-01'",
    )
    assert (signal_type, recorded) == ("foreclosure", date(2026, 7, 13))
    assert detail["final_judgment_amount"] == "1417895.60"
    assert "plaintiff_max_bid" not in detail  # Hidden
    again = signals("foreclosure-auctions", REALFORECLOSE, import_url)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 8)


# --- lis pendens and probate -----------------------------------------------------------------


def test_lis_pendens_matched_by_legal_or_owner_and_cancelled_in_the_same_file(
    import_url: str,
) -> None:
    add_properties(import_url)
    summary = signals("lis-pendens", SIGNALS / "lis_pendens.csv", import_url)
    assert (summary.read, summary.inserted) == (6, 2)
    assert (summary.matched, summary.unmatched, summary.match_rate) == (2, 2, 0.5)
    assert summary.extra["cancellations"] == 1 and summary.extra["not_upserted"] == 1
    assert summary.unchanged == 0
    rows = records(
        import_url, "reference", "folio_number", "status", "recorded_date", "closed_date"
    )
    assert rows == [
        ("2025-001111-CA-01", "3059040370010", "cancelled", date(2025, 3, 4), date(2025, 6, 1)),
        ("2025-002222-CA-01", "3049270520080", "open", date(2025, 4, 5), None),
    ]
    assert records(import_url, "match_method") == [("legal",), ("owner",)]
    [(detail,)] = query(
        import_url,
        "SELECT detail FROM property_signals WHERE reference = '2025-001111-CA-01'",
    )
    assert detail["first_party"] == "BANK OF AMERICA, N.A."
    assert detail["cancellation"]["clerk_file"] == "2025R0000003"
    assert quarantine(import_url, summary.run_id) == [
        (5, "no property matched (2 properties share the owner name)"),
        (6, "not a lis pendens document (doC_TYPE 'MORTGAGE - MOR')"),
        (7, "no property matched (legal description, owner name)"),
    ]


def test_cancellation_in_a_later_file_cancels_the_record_on_file(import_url: str) -> None:
    add_properties(import_url)
    signals("lis-pendens", SIGNALS / "lis_pendens.csv", import_url)
    later = signals("lis-pendens", SIGNALS / "lis_pendens_later.csv", import_url)
    # 2222's cancellation names nobody we know: it applies to the record on file all the same;
    # 5555 has no lis pendens yet: stored cancelled on PEREZ ANA's property.
    assert (later.inserted, later.updated, later.matched, later.unmatched) == (1, 1, 2, 0)
    assert query(
        import_url,
        "SELECT reference, status, closed_date, folio_number FROM property_signals "
        "WHERE reference IN ('2025-002222-CA-01', '2025-005555-CA-01') ORDER BY 1",
    ) == [
        ("2025-002222-CA-01", "cancelled", date(2025, 9, 9), "3049270520080"),
        ("2025-005555-CA-01", "cancelled", date(2025, 9, 10), "1079160170340"),
    ]
    again = signals("lis-pendens", SIGNALS / "lis_pendens_later.csv", import_url)
    assert (again.inserted, again.updated) == (0, 0)


def test_lis_pendens_arriving_after_its_cancellation_stays_cancelled(
    import_url: str, tmp_path: Path
) -> None:
    add_properties(import_url)
    signals("lis-pendens", SIGNALS / "lis_pendens.csv", import_url)
    signals("lis-pendens", SIGNALS / "lis_pendens_later.csv", import_url)
    late = tmp_path / "late_lis.csv"
    header = (SIGNALS / "lis_pendens.csv").read_text().splitlines()[0]
    late.write_text(
        f"{header}\n2025R0000009,02/02/2025,34500,1,LIS PENDENS - LIS,SUNTRUST BANK,"
        "PEREZ ANA,,2025-005555-CA-01\n"
    )
    summary = signals("lis-pendens", late, import_url)
    assert (summary.inserted, summary.updated) == (0, 1)  # gains its recorded date and detail
    [(status, recorded, closed, detail)] = query(
        import_url,
        "SELECT status, recorded_date, closed_date, detail FROM property_signals "
        "WHERE reference = '2025-005555-CA-01'",
    )
    assert (status, recorded, closed) == ("cancelled", date(2025, 2, 2), date(2025, 9, 10))
    assert detail["clerk_file"] == "2025R0000009"
    assert detail["cancellation"]["clerk_file"] == "2025R0000011"
    # and re-importing the original file does not reopen what was cancelled later
    again = signals("lis-pendens", SIGNALS / "lis_pendens.csv", import_url)
    assert (again.inserted, again.updated) == (0, 0)
    assert query(
        import_url,
        "SELECT status FROM property_signals WHERE reference = '2025-002222-CA-01'",
    ) == [("cancelled",)]


def test_probate_estate_party_matched_by_owner_name(import_url: str) -> None:
    add_properties(import_url)
    summary = signals("probate", SIGNALS / "probate.csv", import_url)
    assert (summary.read, summary.inserted, summary.matched, summary.unmatched) == (4, 2, 2, 1)
    assert records(import_url, "reference", "signal_type", "folio_number", "match_method") == [
        ("2025R0000101", "probate", "1079160170340", "owner"),  # EST OF PEREZ ANA → PEREZ ANA
        ("2025R0000102", "probate", "3049270520080", "owner"),  # roll: EST OF GARCIA MARIA
    ]
    assert quarantine(import_url, summary.run_id) == [
        (4, "no property matched (owner name)"),
        (5, "not a probate document (doC_TYPE 'LIS PENDENS - LIS')"),
    ]


# --- generic ---------------------------------------------------------------------------------


def test_generic_signals_validate_signal_date_and_folio(import_url: str) -> None:
    add_properties(import_url)
    summary = signals("generic", SIGNALS / "generic.csv", import_url)
    assert (summary.read, summary.inserted) == (6, 3)
    assert quarantine(import_url, summary.run_id) == [
        (4, f"unknown signal 'hot_tub' (one of: {', '.join(SIGNAL_TYPES)})"),
        (5, "recorded_date '2026-02-30' is not a date"),
        (6, "folio '30592' is not a Miami-Dade folio"),
    ]
    rows = records(import_url, "source", "signal_type", "status", "recorded_date", "detail")
    assert rows == [
        (
            "clerk-family-court",
            "divorce",
            "open",
            date(2025, 10, 1),
            {"note": "DISSOLUTION OF MARRIAGE"},
        ),
        (
            "permits",
            "pool",
            "closed",
            date(2019, 6, 15),
            {"permit": "SWIMMING POOL, RESIDENTIAL", "final": True},
        ),
        ("usps-vacancy", "vacant", "open", date(2025, 2, 1), {"note": "NO-STAT 90+ DAYS"}),
    ]


def test_generic_headers_match_in_any_letter_case(import_url: str, tmp_path: Path) -> None:
    add_properties(import_url)
    upper = tmp_path / "generic_upper.csv"
    upper.write_text(
        "FOLIO,Signal,RECORDED_DATE,Source,REFERENCE\n3059040370010,pool,2020-01-01,permits,P1\n"
    )
    summary = signals("generic", upper, import_url)
    assert (summary.inserted, summary.matched) == (1, 1)


def test_same_record_twice_in_a_file_the_later_row_wins(import_url: str, tmp_path: Path) -> None:
    add_properties(import_url)
    twice = tmp_path / "twice.csv"
    twice.write_text(
        "folio,signal,recorded_date,source,reference\n"
        "3059040370010,pool,2020-01-01,permits,P1\n"
        "3059040370010,pool,2021-05-05,permits,P1\n"
    )
    summary = signals("generic", twice, import_url)
    assert summary.quarantined == {"duplicate reference in file (a later row wins)": 1}
    assert records(import_url, "recorded_date") == [(date(2021, 5, 5),)]


def test_every_generic_signal_type_feeds_a_known_indicator() -> None:
    assert set(SIGNAL_TYPES) <= set(SIGNAL_INDICATORS)
    assert SIGNAL_INDICATORS["building_violation"] == "code_violation"
    assert SIGNAL_INDICATORS["pool"] is None  # through properties.pool, which has_pool reads


def pools(url: str) -> dict[str, bool]:
    return dict(query(url, "SELECT folio_number, pool FROM properties"))  # type: ignore[arg-type]


def test_pool_records_set_the_pool_column_and_a_cancelled_one_clears_it(
    import_url: str, tmp_path: Path
) -> None:
    add_properties(import_url)
    feed = tmp_path / "pools.csv"
    header = "folio,signal,recorded_date,source,reference,status\n"
    feed.write_text(header + "3059040370010,pool,2020-01-01,permits,P1,closed\n")

    summary = signals("generic", feed, import_url)

    assert summary.extra["pool_column_changed"] == 1
    assert {folio for folio, pool in pools(import_url).items() if pool} == {"3059040370010"}

    feed.write_text(header + "3059040370010,pool,2020-01-01,permits,P1,cancelled\n")
    signals("generic", feed, import_url)
    assert not any(pools(import_url).values())


def test_a_pool_record_moved_to_another_property_moves_the_pool(
    import_url: str, tmp_path: Path
) -> None:
    add_properties(import_url)
    feed = tmp_path / "pools.csv"
    header = "folio,signal,recorded_date,source,reference\n"
    feed.write_text(header + "3059040370010,pool,2020-01-01,permits,P1\n")
    signals("generic", feed, import_url)

    feed.write_text(header + "3049030100050,pool,2020-01-01,permits,P1\n")
    summary = signals("generic", feed, import_url)

    assert summary.extra["pool_column_changed"] == 2
    assert {folio for folio, pool in pools(import_url).items() if pool} == {"3049030100050"}


# --- whole-file behaviour --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fixture"),
    [
        ("code-violations", "code_violations.csv"),
        ("building-violations", "building_violations.csv"),
        ("tax-certificates", "tax_certificates.csv"),
        ("lis-pendens", "lis_pendens.csv"),
        ("probate", "probate.csv"),
        ("generic", "generic.csv"),
    ],
)
def test_reimport_of_unchanged_file_writes_nothing(
    import_url: str, kind: str, fixture: str
) -> None:
    add_properties(import_url)
    first = signals(kind, SIGNALS / fixture, import_url)
    before = query(import_url, "SELECT signal_id, xmin::text FROM property_signals ORDER BY 1")
    again = signals(kind, SIGNALS / fixture, import_url)
    assert (again.inserted, again.updated) == (0, 0)
    assert again.unchanged == first.inserted
    assert again.extra.get("vacant_evidence_changed", 0) == 0
    after = query(import_url, "SELECT signal_id, xmin::text FROM property_signals ORDER BY 1")
    assert before == after


@pytest.mark.parametrize("kind", sorted(SIGNAL_KINDS))
def test_missing_columns_refuse_the_file_before_any_write(
    import_url: str, tmp_path: Path, kind: str
) -> None:
    spec = SIGNAL_KINDS[kind]
    kept, dropped = spec.required[:-2], spec.required[-2:]
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(kept) + "\n" + ",".join("x" for _ in kept) + "\n")
    with pytest.raises(ImportRefused, match=f"missing required column.*{', '.join(dropped)}"):
        signals(kind, bad, import_url)
    assert query(import_url, "SELECT count(*) FROM import_runs") == [(0,)]
    assert query(import_url, "SELECT count(*) FROM property_signals") == [(0,)]


def test_summary_counts_are_recorded_on_the_run(import_url: str) -> None:
    add_properties(import_url)
    summary = signals("lis-pendens", SIGNALS / "lis_pendens.csv", import_url)
    [(kind, status, counts)] = query(
        import_url,
        "SELECT kind, status, counts FROM import_runs WHERE run_id = %s",
        (summary.run_id,),
    )
    assert (kind, status) == ("signals:lis-pendens", "succeeded")
    assert (counts["matched"], counts["unmatched"], counts["match_rate"]) == (2, 2, 0.5)
    assert json.loads(json.dumps(counts))["quarantined_total"] == 3
