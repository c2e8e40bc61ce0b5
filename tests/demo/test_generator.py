"""The synthetic Miami-Dade generator: real formats, determinism, ratios, manifest, memory."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from propintel.demo.cli import app
from propintel.demo.gen_geo import BOUNDS
from propintel.demo.gen_regions import regions
from propintel.demo.generator import Manifest, generate

TODAY = date(2026, 7, 13)
N = 2_000
NAL = "NAL23F202601.csv"
SDF = "SDF23F202601.csv"
REALDATA = Path(__file__).parents[1] / "fixtures/realdata/realforeclose-miami-dade-2026-07-13.csv"
BARRIER_MUNIS = {"02", "12", "13", "14", "19", "21", "23", "24", "31"}
RESIDENTIAL = {"000", "001", "002", "003", "004", "008"}

# DATA-SOURCES.md §1, written out independently of the generator's own constant.
EXPECTED_NAL_HEADER = (
    "CO_NO PARCEL_ID FILE_T ASMNT_YR BAS_STRT ATV_STRT GRP_NO DOR_UC PA_UC SPASS_CD JV JV_CHNG "
    "JV_CHNG_CD AV_SD AV_NSD TV_SD TV_NSD JV_HMSTD AV_HMSTD JV_NON_HMSTD_RESD AV_NON_HMSTD_RESD "
    "JV_RESD_NON_RESD AV_RESD_NON_RESD JV_CLASS_USE AV_CLASS_USE JV_H2O_RECHRGE AV_H2O_RECHRGE "
    "JV_CONSRV_LND AV_CONSRV_LND JV_HIST_COM_PROP AV_HIST_COM_PROP JV_HIST_SIGNF AV_HIST_SIGNF "
    "JV_WRKNG_WTRFNT AV_WRKNG_WTRFNT NCONST_VAL DEL_VAL PAR_SPLT DISTR_CD DISTR_YR LND_VAL "
    "LND_UNTS_CD NO_LND_UNTS LND_SQFOOT DT_LAST_INSPT IMP_QUAL CONST_CLASS EFF_YR_BLT ACT_YR_BLT "
    "TOT_LVG_AREA NO_BULDNG NO_RES_UNTS SPEC_FEAT_VAL "
    "MULTI_PAR_SAL1 QUAL_CD1 VI_CD1 SALE_PRC1 SALE_YR1 SALE_MO1 OR_BOOK1 OR_PAGE1 CLERK_NO1 "
    "SAL_CHNG_CD1 MULTI_PAR_SAL2 QUAL_CD2 VI_CD2 SALE_PRC2 SALE_YR2 SALE_MO2 OR_BOOK2 OR_PAGE2 "
    "CLERK_NO2 SAL_CHNG_CD2 OWN_NAME OWN_ADDR1 OWN_ADDR2 OWN_CITY OWN_STATE OWN_ZIPCD "
    "OWN_STATE_DOM FIDU_NAME FIDU_ADDR1 FIDU_ADDR2 FIDU_CITY FIDU_STATE FIDU_ZIPCD FIDU_CD S_LEGAL "
    "APP_STAT CO_APP_STAT MKT_AR NBRHD_CD PUBLIC_LND TAX_AUTH_CD TWN RNG SEC CENSUS_BK PHY_ADDR1 "
    "PHY_ADDR2 PHY_CITY PHY_ZIPCD ALT_KEY ASS_TRNSFR_FG PREV_HMSTD_OWN ASS_DIF_TRNS CONO_PRV_HM "
    "PARCEL_ID_PRV_HMSTD YR_VAL_TRNSF "
    + " ".join(f"EXMPT_{n:02d}" for n in range(1, 41))
    + " EXMPT_80 EXMPT_81 SEQ_NO RS_ID MP_ID STATE_PAR_ID SPC_CIR_CD SPC_CIR_YR SPC_CIR_TXT"
).split()
EXPECTED_SDF_HEADER = (
    "CO_NO",
    "PARCEL_ID",
    "ASMNT_YR",
    "ATV_STRT",
    "GRP_NO",
    "DOR_UC",
    "NBRHD_CD",
    "MKT_AR",
    "CENSUS_BK",
    "SALE_ID_CD",
    "SAL_CHG_CD",
    "VI_CD",
    "OR_BOOK",
    "OR_PAGE",
    "CLERK_NO",
    "QUAL_CD",
    "SALE_YR",
    "SALE_MO",
    "SALE_PRC",
    "MULTI_PAR_SAL",
    "RS_ID",
    "MP_ID",
    "STATE_PARCEL_ID",
)
AUCTION_HEADER = [
    "Auction Date",
    "Auction Type",
    "Case #",
    "Final Judgment Amount",
    "Parcel ID",
    "Assessed Value",
    "Plaintiff Max Bid",
    "Address",
]
MONEY = re.compile(r"^\$\d{1,3}(,\d{3})*\.\d{2}$")
DASHED = re.compile(r"^\d{2}-\d{4}-\d{3}-\d{4}$")


# --- fixtures and helpers ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    out = tmp_path_factory.mktemp("demo")
    return out, generate(out, N, seed=42, today=TODAY, workers=1)


@pytest.fixture(scope="module")
def nal(demo: tuple[Path, Manifest]) -> list[dict[str, str]]:
    return read_csv(demo[0] / NAL, "latin-1")


@pytest.fixture(scope="module")
def pa(demo: tuple[Path, Manifest]) -> list[dict[str, Any]]:
    data = json.loads((demo[0] / "pa_points.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    return data["features"]


def read_csv(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f))


def good_nal(nal: list[dict[str, str]]) -> list[dict[str, str]]:
    """NAL rows that are not deliberately bad."""
    return [
        r
        for r in nal
        if r["PARCEL_ID"]
        and r["JV"] != "N/A"
        and r["SALE_MO1"] != "13"
        and r["ACT_YR_BLT"] != "3020"
    ]


def folio13(raw: str) -> str:
    return re.sub(r"[^0-9]", "", raw).zfill(13)


def norm_address(text: str) -> str:
    """Street line + zip of a one-line address, upper-cased, ordinals and units dropped."""
    street, *_rest, state_zip = [part.strip() for part in text.split(",")]
    street = re.sub(r"\s+(APT|UNIT)\s+\S+$|\s+#\S+$", "", street.upper())
    street = re.sub(r"\b(\d+)(ST|ND|RD|TH)\b", r"\1", street)
    return f"{street} {state_zip.split()[-1]}"


# --- determinism --------------------------------------------------------------------------------
def test_same_seed_gives_byte_identical_files(demo: tuple[Path, Manifest], tmp_path: Path) -> None:
    first, manifest = demo
    generate(tmp_path, N, seed=42, today=TODAY, workers=1)
    for name in (*manifest.files, "manifest.json"):
        assert (tmp_path / name).read_bytes() == (first / name).read_bytes(), name


def test_different_seed_gives_different_files(demo: tuple[Path, Manifest], tmp_path: Path) -> None:
    generate(tmp_path, N, seed=43, today=TODAY, workers=1)
    for name in (NAL, "pa_points.geojson", "lis_pendens.csv"):
        assert (tmp_path / name).read_bytes() != (demo[0] / name).read_bytes(), name


def test_output_does_not_depend_on_the_number_of_worker_processes(tmp_path: Path) -> None:
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    manifest = generate(serial, 11_000, seed=5, today=TODAY, workers=1)  # three chunks
    generate(parallel, 11_000, seed=5, today=TODAY, workers=2)
    for name in (*manifest.files, "manifest.json"):
        assert (serial / name).read_bytes() == (parallel / name).read_bytes(), name


# --- NAL and SDF --------------------------------------------------------------------------------
def test_nal_header_is_the_documented_column_order(demo: tuple[Path, Manifest]) -> None:
    with open(demo[0] / NAL, encoding="latin-1", newline="") as f:
        assert next(csv.reader(f)) == EXPECTED_NAL_HEADER
    with open(demo[0] / SDF, encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == list(EXPECTED_SDF_HEADER)


def test_nal_is_latin1_with_accented_owner_names(
    demo: tuple[Path, Manifest], nal: list[dict[str, str]]
) -> None:
    raw = (demo[0] / NAL).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    accented = [r["OWN_NAME"] for r in good_nal(nal) if not r["OWN_NAME"].isascii()]
    assert accented
    assert any(ch in "".join(accented) for ch in "ÑÉÁÍÓÚ")
    assert len(accented) == demo[1].files[NAL]["accented_owner_names"]
    assert {r["CO_NO"] for r in nal} == {"23"}


def test_every_folio_has_13_digits_except_counted_rows(
    demo: tuple[Path, Manifest], nal: list[dict[str, str]]
) -> None:
    stats = demo[1].files[NAL]
    lengths = Counter(len(r["PARCEL_ID"]) for r in nal)
    assert lengths[0] == stats["bad_rows"]["empty_parcel_id"] >= 1
    shorts = [r["PARCEL_ID"] for r in nal if len(r["PARCEL_ID"]) == 12]
    assert len(shorts) == stats["short_folio"] >= 1
    assert all(
        s.isdigit() and s.zfill(13)[:2] in {f"{m:02d}" for m in range(1, 10)} for s in shorts
    )
    assert set(lengths) <= {0, 12, 13}
    assert len({r["PARCEL_ID"] for r in nal if r["PARCEL_ID"]}) == N - lengths[0]


def test_bad_nal_rows_are_the_ones_the_manifest_counts(
    demo: tuple[Path, Manifest], nal: list[dict[str, str]]
) -> None:
    bad = demo[1].files[NAL]["bad_rows"]
    assert sum(r["JV"] == "N/A" for r in nal) == bad["non_numeric_jv"] >= 1
    assert sum(r["SALE_MO1"] == "13" for r in nal) == bad["sale_month_13"] >= 1
    assert sum(r["ACT_YR_BLT"] == "3020" for r in nal) == bad["year_built_3020"] >= 1
    assert sum(bad.values()) <= N * 0.005


def test_nal_mix_of_uses_values_owners_and_mailing(nal: list[dict[str, str]]) -> None:
    rows = good_nal(nal)
    n = len(rows)
    uses = Counter(r["DOR_UC"] for r in rows)
    assert 0.45 < uses["001"] / n < 0.65
    assert 0.18 < uses["004"] / n < 0.32
    assert {"000", "003", "008", "040"} & set(uses) and any(u.startswith("08") for u in uses)
    homestead = sum(int(r["JV_HMSTD"]) > 0 for r in rows)
    assert 0.38 < homestead / n < 0.52
    assert all(r["EXMPT_01"] for r in rows if int(r["JV_HMSTD"]) > 0)
    sfr = sorted(int(r["JV"]) for r in rows if r["DOR_UC"] == "001")
    assert 380_000 < sfr[len(sfr) // 2] < 750_000
    states = Counter(r["OWN_STATE"] for r in rows)
    assert states["FL"] > states["FLORIDA"] > 0
    out_of_state = sum(states[s] for s in states if s not in ("FL", "FLORIDA"))
    assert 0.05 < out_of_state / n < 0.12
    assert any(len(s) > 2 for s in states if s not in ("FLORIDA",))  # NEW YORK, CANADA, …
    names = [r["OWN_NAME"] for r in rows]
    for marker in ("&W", "&H", " LLC", " TRS", "EST OF ", "HEIRS", "MIAMI-DADE COUNTY"):
        assert any(marker in name for name in names), marker
    assert any("," in r["S_LEGAL"] for r in rows)
    assert sum(r["LND_SQFOOT"] == "5000" for r in rows) > 0
    years = Counter(r["ACT_YR_BLT"] for r in rows)
    assert years["1999"] and years["2000"]


def test_sdf_has_every_nal_sale_and_older_ones(
    demo: tuple[Path, Manifest], nal: list[dict[str, str]]
) -> None:
    sdf = read_csv(demo[0] / SDF)
    assert len(sdf) == demo[1].rows(SDF)
    have = {(r["PARCEL_ID"], r["SALE_YR"], r["SALE_MO"], r["SALE_PRC"]) for r in sdf}
    nal_sales = 0
    for r in good_nal(nal):
        for n in (1, 2):
            if r[f"SALE_YR{n}"]:
                nal_sales += 1
                key = (
                    folio13(r["PARCEL_ID"]),
                    r[f"SALE_YR{n}"],
                    r[f"SALE_MO{n}"],
                    r[f"SALE_PRC{n}"],
                )
                assert key in have
    assert len(sdf) > nal_sales
    quals = Counter(r["QUAL_CD"] for r in sdf)
    assert 0.5 < (quals["01"] + quals["02"]) / len(sdf) < 0.75
    assert {"11", "12", "19", "30", "37"} <= set(quals)


# --- Property Appraiser points -------------------------------------------------------------------
def test_pa_points_are_inside_the_county_and_on_land(pa: list[dict[str, Any]]) -> None:
    lat0, lat1, lon0, lon1 = BOUNDS
    for f in pa:
        lon, lat = f["geometry"]["coordinates"]
        assert lat0 <= lat <= lat1 and lon0 <= lon <= lon1
        if lon > -80.13:
            assert f["properties"]["FOLIO"][:2] in BARRIER_MUNIS


def test_every_pa_folio_is_in_the_nal(
    demo: tuple[Path, Manifest], pa: list[dict[str, Any]], nal: list[dict[str, str]]
) -> None:
    folios = {folio13(r["PARCEL_ID"]) for r in good_nal(nal)}
    pa_folios = [f["properties"]["FOLIO"] for f in pa]
    assert len(pa_folios) == len(set(pa_folios)) == len(folios) == demo[1].rows("pa_points.geojson")
    assert set(pa_folios) == folios
    assert all(len(f) == 13 and f.isdigit() for f in pa_folios)


def test_pa_sale_day_agrees_with_nal_sale_month(
    pa: list[dict[str, Any]], nal: list[dict[str, str]]
) -> None:
    by_folio = {folio13(r["PARCEL_ID"]): r for r in good_nal(nal)}
    for f in pa:
        props = f["properties"]
        row = by_folio[props["FOLIO"]]
        if props["DOS_1"] is None:
            assert row["SALE_YR1"] == ""
            continue
        assert props["DOS_1"][:4] == row["SALE_YR1"]
        assert int(props["DOS_1"][4:6]) == int(row["SALE_MO1"])
        assert props["PRICE_1"] == int(row["SALE_PRC1"])
        assert re.fullmatch(r"\d{4}", props["DOR_CODE_CUR"])


def test_pa_junk_values_are_counted(demo: tuple[Path, Manifest], pa: list[dict[str, Any]]) -> None:
    junk = demo[1].files["pa_points.geojson"]["junk"]
    props = [f["properties"] for f in pa]
    assert sum(p["BATHROOM_COUNT"] == 1220 for p in props) == junk["bathroom_count_1220"] >= 1
    assert sum(p["BEDROOM_COUNT"] == -1 for p in props) == junk["bedroom_count_negative"] >= 1
    assert sum(p["FLOOR_COUNT"] == 400 for p in props) == junk["floor_count_400"] >= 1
    assert any(p["YEAR_BUILT"] == 0 and p["BUILDING_HEATED_AREA"] for p in props)


def test_pa_csv_adds_state_plane_and_lat_lon_columns(tmp_path: Path) -> None:
    manifest = generate(tmp_path, 300, seed=2, today=TODAY, workers=1, pa_csv=True)
    rows = read_csv(tmp_path / "pa_points.csv")
    assert len(rows) == manifest.rows("pa_points.csv") == manifest.rows("pa_points.geojson")
    assert {"FOLIO", "X_COORD", "Y_COORD", "LAT", "LON", "DOS_1"} <= set(rows[0])
    for row in rows:
        assert 800_000 < float(row["X_COORD"]) < 1_000_000
        assert 350_000 < float(row["Y_COORD"]) < 650_000
        assert BOUNDS[0] <= float(row["LAT"]) <= BOUNDS[1]
    generate(tmp_path, 300, seed=2, today=TODAY, workers=1)
    assert not (tmp_path / "pa_points.csv").exists()  # a stale CSV would contradict the manifest


def test_street_addresses_are_unique(pa: list[dict[str, Any]]) -> None:
    keys = [(f["properties"]["TRUE_SITE_ADDR"], f["properties"]["TRUE_SITE_UNIT"]) for f in pa]
    assert len(keys) == len(set(keys))


def test_recent_sales_fill_every_new_homeowner_window(
    demo: tuple[Path, Manifest], pa: list[dict[str, Any]], nal: list[dict[str, str]]
) -> None:
    by_folio = {folio13(r["PARCEL_ID"]): r for r in good_nal(nal)}
    bands: Counter[str] = Counter()
    sold_last_year = 0
    for f in pa:
        dos = f["properties"]["DOS_1"]
        if dos is None:
            continue
        days = (TODAY - date(int(dos[:4]), int(dos[4:6]), int(dos[6:]))).days
        assert days >= 0
        row = by_folio[f["properties"]["FOLIO"]]
        sold_last_year += days <= 365
        if days <= 365 and row["QUAL_CD1"] in ("01", "02") and row["DOR_UC"] in RESIDENTIAL:
            bands[
                "days_0_30"
                if days <= 30
                else "days_31_60"
                if days <= 60
                else "days_61_90"
                if days <= 90
                else "days_91_365"
            ] += 1
    assert all(bands[b] > 0 for b in ("days_0_30", "days_31_60", "days_61_90", "days_91_365"))
    assert dict(bands) == {k: v for k, v in demo[1].files[NAL]["new_homeowner"].items() if v}
    assert 0.04 < sold_last_year / len(pa) < 0.09


# --- signal feeds ---------------------------------------------------------------------------------
def test_foreclosure_auctions_use_the_realforeclose_layout(
    demo: tuple[Path, Manifest], nal: list[dict[str, str]]
) -> None:
    with open(demo[0] / "foreclosure_auctions.csv", encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == AUCTION_HEADER
    with open(REALDATA, encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == AUCTION_HEADER
    rows = read_csv(demo[0] / "foreclosure_auctions.csv")
    stats = demo[1].files["foreclosure_auctions.csv"]
    assert 0.002 * N <= len(rows) <= 0.01 * N
    placeholders = [r for r in rows if r["Parcel ID"] == "Property Appraiser"]
    assert len(placeholders) == stats["placeholders"]
    folios = {folio13(r["PARCEL_ID"]) for r in nal}
    for r in rows:
        assert r["Auction Type"] in ("FORECLOSURE", "TAXDEED")
        assert MONEY.match(r["Final Judgment Amount"])
        assert r["Plaintiff Max Bid"] == "Hidden" or MONEY.match(r["Plaintiff Max Bid"])
        assert re.search(r", [A-Z .-]+, FL- \d{5}$", r["Address"])
        if r["Parcel ID"] != "Property Appraiser":
            assert DASHED.match(r["Parcel ID"]) and folio13(r["Parcel ID"]) in folios


def test_lis_pendens_cancellations_and_matching(
    demo: tuple[Path, Manifest], nal: list[dict[str, str]]
) -> None:
    rows = read_csv(demo[0] / "lis_pendens.csv")
    stats = demo[1].files["lis_pendens.csv"]
    lis = [r for r in rows if r["doC_TYPE"] == "LIS PENDENS - LIS"]
    clp = [r for r in rows if r["doC_TYPE"] == "CANCELLATION OF LIS PENDENS - CLP"]
    assert len(lis) + len(clp) == len(rows) == stats["rows"]
    assert 0.008 * N <= len(lis) <= 0.03 * N
    assert 0.05 <= len(clp) / len(lis) <= 0.45 and len(clp) == stats["cancellations"]
    lis_cases = {r["casE_NUM"]: r for r in lis}
    for r in clp:
        assert r["casE_NUM"] in lis_cases
        assert r["reC_DATE"][-4:] >= lis_cases[r["casE_NUM"]]["reC_DATE"][-4:]
    legals = {r["S_LEGAL"] for r in nal}
    owners = {r["OWN_NAME"] for r in nal}
    assert sum(r["legaL_DESCRIPTION"] in legals for r in lis) == stats["legal_exact"]
    unmatched = [r for r in lis if r["seconD_PARTY"] not in owners]
    assert len(unmatched) == stats["unmatched"]
    assert all("folio" not in k.lower() for k in rows[0])


def test_probate_filings_name_the_estate(demo: tuple[Path, Manifest]) -> None:
    rows = read_csv(demo[0] / "probate.csv")
    assert 0.003 * N <= len(rows) <= 0.015 * N
    assert all(r["firsT_PARTY"].startswith("EST OF ") for r in rows)
    assert {r["doC_TYPE"] for r in rows} == {
        "PROBATE & ADMINISTRATION - PAD",
        "DEATH CERTIFICATE (EST OF) - DCE",
    }


def test_generic_signals_have_every_kind_and_counted_bad_rows(
    demo: tuple[Path, Manifest], nal: list[dict[str, str]]
) -> None:
    rows = read_csv(demo[0] / "generic_signals.csv")
    stats = demo[1].files["generic_signals.csv"]
    kinds = Counter(r["signal"] for r in rows)
    good = Counter(
        r["signal"]
        for r in rows
        if _is_iso_date(r["recorded_date"]) and len(folio13(r["folio"]).lstrip("0")) > 10
    )
    for kind in ("divorce", "pool", "vacant"):
        assert good[kind] == stats["signal"][kind] >= 1
    sfr = sum(r["DOR_UC"] == "001" for r in good_nal(nal))
    assert 0.13 < kinds["pool"] / sfr < 0.23
    assert {r["source"] for r in rows if r["signal"] == "pool"} == {"permits"}
    assert {r["source"] for r in rows if r["signal"] == "vacant"} == {"usps-vacancy"}
    bad = stats["bad_rows"]
    assert kinds["hot_tub"] == bad["unknown_signal"] >= 1
    assert sum(not _is_iso_date(r["recorded_date"]) for r in rows) == bad["bad_date"] >= 1
    assert sum(len(folio13(r["folio"]).lstrip("0")) < 11 for r in rows) == bad["bad_folio"] >= 1


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def test_violation_and_tax_feeds_use_their_folio_styles(
    demo: tuple[Path, Manifest], nal: list[dict[str, str]]
) -> None:
    folios = {folio13(r["PARCEL_ID"]) for r in good_nal(nal)}
    code = read_csv(demo[0] / "code_violations.csv")
    assert 0.015 * N <= len({r["FOLIO"].replace(" ", "") for r in code}) <= 0.05 * N
    assert any(" " in r["FOLIO"].strip() for r in code) and any(
        r["FOLIO"].endswith(" ") for r in code
    )
    assert {r["CASE_STATUS"] for r in code} <= {"1", "2", "4", "6", "8", "9"}
    assert {"1", "2"} <= {r["CASE_STATUS"] for r in code}
    assert all(folio13(r["FOLIO"]) in folios and r["FOLIO"][:2] == "30" for r in code)
    assert all(int(r["CASE_DATE"]) > 1_000_000_000_000 for r in code)
    assert any("VACANT" in r["PROBLEM_DESC"] or "UNSECURED" in r["PROBLEM_DESC"] for r in code)
    building = read_csv(demo[0] / "building_violations.csv")
    assert all(DASHED.match(r["FOLIO"]) and folio13(r["FOLIO"]) in folios for r in building)
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", r["OPEN_DATE"]) for r in building)
    tax = read_csv(demo[0] / "tax_certificates.csv")
    assert 0.01 * N <= len({r["Account Number"] for r in tax}) <= 0.04 * N
    assert all(r["Account Number"] in folios and MONEY.match(r["Face Amount"]) for r in tax)
    assert {r["County Held"] for r in tax} == {"Y", "N"}


def test_fsbo_listings_split_between_csv_and_json(
    demo: tuple[Path, Manifest], pa: list[dict[str, Any]]
) -> None:
    out, manifest = demo
    csv_rows = read_csv(out / "fsbo.csv")
    json_rows = json.loads((out / "fsbo.json").read_text(encoding="utf-8"))
    listings = csv_rows + json_rows
    assert len(csv_rows) == manifest.rows("fsbo.csv") and len(json_rows) == manifest.rows(
        "fsbo.json"
    )
    assert 0.004 * N <= len(listings) <= 0.015 * N
    assert len({r["listing_url"] for r in listings}) == len(listings)
    assert all(isinstance(r["photos"], list) for r in json_rows)
    assert all(
        bool(r.get("listed_date")) != bool(r.get("days_on_market")) or r.get("days_on_market") == 0
        for r in listings
    )
    with_folio = [r for r in listings if r.get("folio")]
    assert 0.4 < len(with_folio) / len(listings) < 0.8
    addresses = {
        norm_address(f"{p['TRUE_SITE_ADDR']}, X, FL {p['TRUE_SITE_ZIP_CODE']}")
        for p in (f["properties"] for f in pa)
    }
    unmatched = [r for r in listings if norm_address(r["address"]) not in addresses]
    assert len(unmatched) == manifest.fsbo["unmatched"]
    assert all(not r.get("folio") for r in unmatched)
    assert manifest.fsbo["listed_over_90_days"] > 0 and manifest.fsbo["active_over_90_days"] > 0


def test_manifest_counts_equal_the_rows_in_the_files(demo: tuple[Path, Manifest]) -> None:
    out, manifest = demo
    on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(manifest.to_json()))
    assert (on_disk["seed"], on_disk["parcels"], on_disk["today"]) == (42, N, "2026-07-13")
    for name, stats in manifest.files.items():
        path = out / name
        if name.endswith(".geojson"):
            rows = len(json.loads(path.read_text(encoding="utf-8"))["features"])
        elif name.endswith(".json"):
            rows = len(json.loads(path.read_text(encoding="utf-8")))
        else:
            rows = len(read_csv(path, stats["encoding"]))
        assert rows == stats["rows"], name


# --- geography, memory, CLI ---------------------------------------------------------------------
def test_same_named_streets_never_share_house_numbers() -> None:
    spans: dict[str, list[tuple[int, int]]] = {}
    for region in regions():
        for line in region.lines:
            assert line.hn0 % 100 == 0  # so a house number ending in 00 matches no parcel
            spans.setdefault(line.plain, []).append(line.house_range())
    for name, ranges in spans.items():
        ranges.sort()
        for (_, hi), (lo, _) in pairwise(ranges):
            assert hi < lo, name


def test_memory_does_not_grow_with_parcels(tmp_path: Path) -> None:
    """Peak RSS for 20,000 parcels stays within a few MB of 2,000's (a kept parcel costs ~2 KB,
    so holding 18,000 more would add ~40 MB)."""

    def peak_kb(parcels: int) -> int:
        code = (
            "import resource, sys, datetime, pathlib\n"
            "from propintel.demo.generator import generate\n"
            "generate(pathlib.Path(sys.argv[1]), int(sys.argv[2]), 1,"
            " today=datetime.date(2026, 7, 13), workers=1)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / str(parcels)), str(parcels)],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(out.stdout.split()[-1])

    small, large = peak_kb(2_000), peak_kb(20_000)
    assert large - small < 10_000, (small, large)


def test_cli_generates_and_summarises(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "generate",
            "--out",
            str(tmp_path),
            "--parcels",
            "300",
            "--seed",
            "3",
            "--today",
            "2026-07-13",
        ],
    )
    assert result.exit_code == 0, result.output
    assert NAL in result.output and (tmp_path / "manifest.json").exists()
    assert json.loads((tmp_path / "manifest.json").read_text())["parcels"] == 300


def test_cli_rejects_a_bad_date(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["generate", "--out", str(tmp_path), "--today", "13/07/2026"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output
