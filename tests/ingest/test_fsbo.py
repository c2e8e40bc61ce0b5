"""FSBO feeds (CSV and JSON) → fsbo_listings: matching by folio or address, unmatched listings
kept, bad rows quarantined, days on market from the listing date, idempotent re-imports."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from propintel.ingest.errors import ImportRefused
from propintel.ingest.runs import ImportSummary
from propintel.kit.clock import today_new_york
from tests.ingest.conftest import FIXTURES, query, run
from tests.ingest.test_matching import add_properties

FSBO_CSV = FIXTURES / "signals" / "fsbo.csv"
FSBO_JSON = FIXTURES / "signals" / "fsbo.json"


def fsbo(path: Path, url: str) -> ImportSummary:
    return run("fsbo", path, url)


def listings(url: str, *columns: str) -> list[tuple[object, ...]]:
    return query(url, f"SELECT {', '.join(columns)} FROM fsbo_listings ORDER BY listing_url")


def test_csv_listings_are_matched_kept_or_quarantined(import_url: str) -> None:
    add_properties(import_url)
    summary = fsbo(FSBO_CSV, import_url)
    assert (summary.read, summary.inserted, summary.updated) == (6, 4, 0)
    assert (summary.matched, summary.unmatched) == (3, 1)
    assert summary.quarantined == {
        "missing listing_url": 1,
        "invalid listing_price 'call me'": 1,
    }
    rows = listings(import_url, "listing_url", "folio_number", "listing_price", "listing_status")
    assert rows == [
        ("https://fsbo.example.com/l/1", "1079160170340", 350000, "active"),  # by address
        ("https://fsbo.example.com/l/2", "3049030100050", 420000, "pending"),  # by folio
        ("https://fsbo.example.com/l/3", None, 199000, "active"),  # unmatched, kept
        ("https://fsbo.example.com/l/6", "3059040370010", 275001, "active"),  # Apt 101, rounded
    ]
    assert query(
        import_url,
        "SELECT count(*) FROM fsbo_listings WHERE property_id IS NULL AND address_key IS NOT NULL",
    ) == [(1,)]


def test_csv_photos_and_days_on_market(import_url: str) -> None:
    add_properties(import_url)
    fsbo(FSBO_CSV, import_url)
    rows = listings(import_url, "listing_photos", "listed_date", "days_on_market")
    today = today_new_york()
    assert rows[0] == (
        ["https://p.example.com/1a.jpg", "https://p.example.com/1b.jpg"],
        date(2026, 1, 2),
        (today - date(2026, 1, 2)).days,  # from listed_date, New York's today
    )
    assert rows[1] == (None, None, 12)  # the feed's own count when there is no date


def test_json_listings_object_form(import_url: str) -> None:
    add_properties(import_url)
    summary = fsbo(FSBO_JSON, import_url)
    assert (summary.read, summary.inserted, summary.matched, summary.unmatched) == (4, 2, 1, 1)
    assert summary.quarantined == {"missing listing_url": 1, "listing is not a JSON object": 1}
    rows = listings(
        import_url, "listing_url", "folio_number", "listing_price", "listing_photos", "contact_name"
    )
    assert rows == [
        (
            "https://fsbo.example.com/j/1",
            "3059040370010",
            510000,
            ["https://p.example.com/j1a.jpg", "https://p.example.com/j1b.jpg"],
            "Jose Munoz",
        ),
        ("https://fsbo.example.com/j/2", None, 99000, None, None),
    ]


def test_json_array_form(import_url: str, tmp_path: Path) -> None:
    add_properties(import_url)
    array = tmp_path / "listings.json"
    array.write_text(
        json.dumps(
            [
                {
                    "listing_url": "https://fsbo.example.com/a/1",
                    "address": "13965 SW 10th Street, Miami, FL 33184",
                    "photos": "https://p.example.com/a.jpg|https://p.example.com/b.jpg",
                }
            ]
        )
    )
    summary = fsbo(array, import_url)
    assert (summary.inserted, summary.matched) == (1, 1)
    assert listings(import_url, "folio_number", "listing_photos") == [
        ("3049030100050", ["https://p.example.com/a.jpg", "https://p.example.com/b.jpg"])
    ]


@pytest.mark.parametrize("feed", [FSBO_CSV, FSBO_JSON])
def test_reimport_writes_nothing(import_url: str, feed: Path) -> None:
    add_properties(import_url)
    first = fsbo(feed, import_url)
    before = query(import_url, "SELECT fsbo_id, xmin::text FROM fsbo_listings ORDER BY 1")
    again = fsbo(feed, import_url)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, first.inserted)
    assert query(import_url, "SELECT fsbo_id, xmin::text FROM fsbo_listings ORDER BY 1") == before


def test_changed_listing_is_updated_by_url(import_url: str, tmp_path: Path) -> None:
    add_properties(import_url)
    fsbo(FSBO_CSV, import_url)
    changed = tmp_path / "fsbo.csv"
    changed.write_text(FSBO_CSV.read_text().replace("420000,Condo", "399000,Condo"))
    summary = fsbo(changed, import_url)
    assert (summary.inserted, summary.updated) == (0, 1)
    assert query(
        import_url,
        "SELECT listing_price FROM fsbo_listings WHERE listing_url = 'https://fsbo.example.com/l/2'",
    ) == [(399000,)]


def test_csv_without_listing_url_is_refused_before_any_write(
    import_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "fsbo_bad.csv"
    bad.write_text("listing_price,address\n100,1 Main St\n")
    with pytest.raises(ImportRefused, match=r"missing required column.*listing_url"):
        fsbo(bad, import_url)
    assert query(import_url, "SELECT count(*) FROM import_runs") == [(0,)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"listings": [{"listing_url": "https://x"}', "not valid JSON"),
        ('{"items": []}', 'needs a "listings" array'),
        ('"just text"', "expected a JSON array"),
    ],
)
def test_bad_json_is_refused_before_any_write(
    import_url: str, tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "fsbo.json"
    bad.write_text(content)
    with pytest.raises(ImportRefused, match=message):
        fsbo(bad, import_url)
    assert query(import_url, "SELECT count(*) FROM import_runs") == [(0,)]


def test_a_listing_moved_to_another_property_names_the_one_it_left(
    import_url: str, tmp_path: Path
) -> None:
    add_properties(import_url)
    feed = tmp_path / "fsbo.csv"
    header = "listing_url,listing_platform,listing_price,status,folio\n"
    for folio in ("3049030100050", "1079160170340", "1079160170340"):
        feed.write_text(f"{header}https://fsbo.example.com/moved,fsbo.com,1000,active,{folio}\n")
        fsbo(feed, import_url)
        if folio == "1079160170340":
            moved = listings(import_url, "folio_number", "previous_property_id::text")
            assert moved == [("1079160170340", property_of(import_url, "3049030100050"))]


def property_of(url: str, folio: str) -> str:
    [(property_id,)] = query(
        url, "SELECT property_id::text FROM properties WHERE folio_number = %s", (folio,)
    )
    return str(property_id)
