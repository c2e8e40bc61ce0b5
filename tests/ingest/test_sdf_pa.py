"""SDF sale history and the PA point layer, on top of the NAL fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propintel.ingest.errors import ImportRefused
from tests.ingest.conftest import FIXTURES, query, run


def test_sdf_keeps_every_sale_and_sets_latest_arms_length(import_url: str) -> None:
    run("nal", FIXTURES / "nal_small.csv", import_url)
    summary = run("sdf", FIXTURES / "sdf_small.csv", import_url)
    # 2 of the file's 6 valid sales were already known from the NAL's sale 1/2 columns.
    assert (summary.read, summary.inserted) == (8, 4)
    assert summary.quarantined == {
        "missing or invalid folio (PARCEL_ID)": 1,
        "sale without a valid year and month": 1,
    }
    assert summary.extra["folios_not_on_roll"] == 1
    rows = query(
        import_url,
        "SELECT folio_number, last_sale_price, last_sale_date::text, sale_date::text "
        "FROM properties WHERE last_sale_date IS NOT NULL ORDER BY 1",
    )
    assert rows == [
        ("0132310521760", 260000, "2026-10-01", "2026-10-01"),
        # qualification 19 (estate sale) is not arm's length: no new-homeowner date
        ("3049270520080", 150000, "2026-08-01", None),
        ("3059040370010", 520000, "2026-09-01", "2026-09-01"),
    ]
    assert query(import_url, "SELECT count(*) FROM property_sales")[0] == (6,)
    again = run("sdf", FIXTURES / "sdf_small.csv", import_url)
    assert (again.inserted, again.extra["sale_summaries_changed"]) == (0, 0)


def test_pa_points_set_location_rooms_and_exact_sale_day(import_url: str) -> None:
    run("nal", FIXTURES / "nal_small.csv", import_url)
    summary = run("pa-points", FIXTURES / "pa_small.geojson", import_url)
    assert (summary.read, summary.inserted, summary.updated) == (5, 1, 3)
    assert summary.quarantined == {"missing or invalid folio (FOLIO)": 1}
    assert summary.nulled == {"bathrooms": 1, "stories": 1, "location": 1}
    [row] = query(
        import_url,
        "SELECT ST_X(location::geometry), ST_Y(location::geometry), bedrooms, bathrooms::text, "
        "stories, last_sale_date::text FROM properties WHERE folio_number = '3059040370010'",
    )
    assert row == (-80.3191, 25.6104, 4, "2.5", 1, "2026-09-17")


def test_pa_junk_bathrooms_are_nulled_with_reason(import_url: str) -> None:
    run("pa-points", FIXTURES / "pa_small.geojson", import_url)
    [(bathrooms, stories, issues)] = query(
        import_url,
        "SELECT bathrooms, stories, data_issues FROM properties "
        "WHERE folio_number = '0132310521760'",
    )
    assert bathrooms is None and stories is None
    assert "1220" in dict(issues["pa"])["bathrooms"]


def test_pa_adds_new_folio_with_qualified_recent_sale(import_url: str) -> None:
    run("pa-points", FIXTURES / "pa_small.geojson", import_url)
    [row] = query(
        import_url,
        "SELECT full_address, owner_name, owner_key, property_type, sale_date::text "
        "FROM properties WHERE folio_number = '3049270520999'",
    )
    assert row == (
        "14001 SW 62 TER, MIAMI, FL 33183",
        "SMITH JOHN",
        "SMITH JOHN",
        "single_family",
        "2026-11-01",
    )


def test_pa_reimport_and_nal_after_pa_change_nothing(import_url: str) -> None:
    run("nal", FIXTURES / "nal_small.csv", import_url)
    run("pa-points", FIXTURES / "pa_small.geojson", import_url)
    again = run("pa-points", FIXTURES / "pa_small.geojson", import_url)
    assert (again.inserted, again.updated, again.extra["sale_days_set"]) == (0, 0, 0)
    nal_again = run("nal", FIXTURES / "nal_small.csv", import_url)
    assert (nal_again.inserted, nal_again.updated) == (0, 0)  # the exact sale day survives
    exact = query(
        import_url,
        "SELECT last_sale_date::text FROM properties WHERE folio_number = '3059040370010'",
    )
    assert exact == [("2026-09-17",)]


def _arcgis(path: Path) -> Path:
    geojson = json.loads((FIXTURES / "pa_small.geojson").read_text())
    features = [
        {
            "attributes": feature["properties"],
            "geometry": {
                "x": feature["geometry"]["coordinates"][0],
                "y": feature["geometry"]["coordinates"][1],
            }
            if feature["geometry"]
            else None,
        }
        for feature in geojson["features"]
    ]
    path.write_text(json.dumps({"features": features}))
    return path


def test_arcgis_json_gives_the_same_result_as_geojson(import_url: str, tmp_path: Path) -> None:
    summary = run("pa-points", _arcgis(tmp_path / "pa.json"), import_url)
    assert (summary.inserted, summary.nulled) == (4, {"bathrooms": 1, "stories": 1, "location": 1})


def test_csv_with_state_plane_coordinates_is_transformed(import_url: str, tmp_path: Path) -> None:
    csv_file = tmp_path / "pa.csv"
    # 30-5904-037-0010 in State Plane Florida East (US feet)
    csv_file.write_text(
        "FOLIO,X_COORD,Y_COORD,BEDROOM_COUNT,BATHROOM_COUNT,TRUE_SITE_ADDR\n"
        "30-5904-037-0010,848000,480000,3,2,17143 SW 79TH PL\n"
    )
    run("pa-points", csv_file, import_url)
    [(lon, lat)] = query(
        import_url, "SELECT ST_X(location::geometry), ST_Y(location::geometry) FROM properties"
    )
    assert -80.5 < lon < -80.2 and 25.5 < lat < 25.8


def test_csv_without_coordinates_is_refused(import_url: str, tmp_path: Path) -> None:
    csv_file = tmp_path / "pa.csv"
    csv_file.write_text("FOLIO,BEDROOM_COUNT\n3059040370010,3\n")
    with pytest.raises(ImportRefused, match="needs coordinates"):
        run("pa-points", csv_file, import_url)


def test_duplicates_are_quarantined_not_collapsed(import_url: str, tmp_path: Path) -> None:
    sdf = tmp_path / "sdf.csv"
    lines = (FIXTURES / "sdf_small.csv").read_text().splitlines()
    sdf.write_text("\n".join([*lines, lines[1]]) + "\n")  # the first sale again, last
    summary = run("sdf", sdf, import_url)
    assert summary.quarantined["duplicate sale in file (a later row wins)"] == 1
    geojson = json.loads((FIXTURES / "pa_small.geojson").read_text())
    geojson["features"].append(geojson["features"][0])
    pa = tmp_path / "pa.geojson"
    pa.write_text(json.dumps(geojson))
    points = run("pa-points", pa, import_url)
    assert points.quarantined["duplicate folio in file (a later row wins)"] == 1
    [(line,)] = query(
        import_url,
        "SELECT line_number FROM import_quarantine WHERE run_id = %s AND reason LIKE 'duplicate%%'",
        (points.run_id,),
    )
    assert line == 1  # the earlier feature is the one set aside


def test_overlong_text_is_nulled_with_reason_not_fatal(import_url: str, tmp_path: Path) -> None:
    geojson = json.loads((FIXTURES / "pa_small.geojson").read_text())
    geojson["features"][2]["properties"]["TRUE_SITE_CITY"] = "X" * 150
    pa = tmp_path / "pa.geojson"
    pa.write_text(json.dumps(geojson))
    summary = run("pa-points", pa, import_url)
    assert summary.status == "succeeded" and summary.nulled["city"] == 1
    [(city, reason)] = query(
        import_url,
        "SELECT p.city, q.reason FROM properties p, import_quarantine q "
        "WHERE p.folio_number = '3049270520999' AND q.field = 'city'",
    )
    assert city is None and reason == "city is longer than 100 characters"


def test_junk_qualification_code_is_nulled(import_url: str, tmp_path: Path) -> None:
    sdf = tmp_path / "sdf.csv"
    text = (FIXTURES / "sdf_small.csv").read_text().replace(",01,2004,6,", ",QQQ,2004,6,")
    sdf.write_text(text)
    summary = run("sdf", sdf, import_url)
    assert summary.nulled == {"sale_qualification": 1}
