"""Column layouts of the real public files, and rows of them for one parcel.

NAL and SDF follow the Florida DOR 2015+ layouts (DATA-SOURCES.md §1-2); PA points follow the
Property Appraiser's "Property Point View" layer (§4).
"""

from __future__ import annotations

import json
import math
from typing import Any

from propintel.demo.gen_parcel import Parcel
from propintel.demo.gen_tables import USES

# fmt: off
_SALE_COLS = (
    "MULTI_PAR_SAL", "QUAL_CD", "VI_CD", "SALE_PRC", "SALE_YR", "SALE_MO", "OR_BOOK", "OR_PAGE",
    "CLERK_NO", "SAL_CHNG_CD",
)
NAL_COLUMNS: tuple[str, ...] = (
    "CO_NO", "PARCEL_ID", "FILE_T", "ASMNT_YR", "BAS_STRT", "ATV_STRT", "GRP_NO", "DOR_UC",
    "PA_UC", "SPASS_CD", "JV", "JV_CHNG", "JV_CHNG_CD", "AV_SD", "AV_NSD", "TV_SD", "TV_NSD",
    "JV_HMSTD", "AV_HMSTD", "JV_NON_HMSTD_RESD", "AV_NON_HMSTD_RESD", "JV_RESD_NON_RESD",
    "AV_RESD_NON_RESD", "JV_CLASS_USE", "AV_CLASS_USE", "JV_H2O_RECHRGE", "AV_H2O_RECHRGE",
    "JV_CONSRV_LND", "AV_CONSRV_LND", "JV_HIST_COM_PROP", "AV_HIST_COM_PROP", "JV_HIST_SIGNF",
    "AV_HIST_SIGNF", "JV_WRKNG_WTRFNT", "AV_WRKNG_WTRFNT", "NCONST_VAL", "DEL_VAL", "PAR_SPLT",
    "DISTR_CD", "DISTR_YR", "LND_VAL", "LND_UNTS_CD", "NO_LND_UNTS", "LND_SQFOOT",
    "DT_LAST_INSPT", "IMP_QUAL", "CONST_CLASS", "EFF_YR_BLT", "ACT_YR_BLT", "TOT_LVG_AREA",
    "NO_BULDNG", "NO_RES_UNTS", "SPEC_FEAT_VAL",
    *(f"{c}{n}" for n in (1, 2) for c in _SALE_COLS),
    "OWN_NAME", "OWN_ADDR1", "OWN_ADDR2", "OWN_CITY", "OWN_STATE", "OWN_ZIPCD", "OWN_STATE_DOM",
    "FIDU_NAME", "FIDU_ADDR1", "FIDU_ADDR2", "FIDU_CITY", "FIDU_STATE", "FIDU_ZIPCD", "FIDU_CD",
    "S_LEGAL", "APP_STAT", "CO_APP_STAT", "MKT_AR", "NBRHD_CD", "PUBLIC_LND", "TAX_AUTH_CD",
    "TWN", "RNG", "SEC", "CENSUS_BK", "PHY_ADDR1", "PHY_ADDR2", "PHY_CITY", "PHY_ZIPCD",
    "ALT_KEY", "ASS_TRNSFR_FG", "PREV_HMSTD_OWN", "ASS_DIF_TRNS", "CONO_PRV_HM",
    "PARCEL_ID_PRV_HMSTD", "YR_VAL_TRNSF",
    *(f"EXMPT_{n:02d}" for n in range(1, 41)), "EXMPT_80", "EXMPT_81",
    "SEQ_NO", "RS_ID", "MP_ID", "STATE_PAR_ID", "SPC_CIR_CD", "SPC_CIR_YR", "SPC_CIR_TXT",
)
SDF_COLUMNS: tuple[str, ...] = (
    "CO_NO", "PARCEL_ID", "ASMNT_YR", "ATV_STRT", "GRP_NO", "DOR_UC", "NBRHD_CD", "MKT_AR",
    "CENSUS_BK", "SALE_ID_CD", "SAL_CHG_CD", "VI_CD", "OR_BOOK", "OR_PAGE", "CLERK_NO",
    "QUAL_CD", "SALE_YR", "SALE_MO", "SALE_PRC", "MULTI_PAR_SAL", "RS_ID", "MP_ID",
    "STATE_PARCEL_ID",
)
PA_FIELDS: tuple[str, ...] = (
    "FOLIO", "X_COORD", "Y_COORD", "TRUE_SITE_ADDR", "TRUE_SITE_UNIT", "TRUE_SITE_CITY",
    "TRUE_SITE_ZIP_CODE", "TRUE_MAILING_ADDR1", "TRUE_MAILING_ADDR2", "TRUE_MAILING_ADDR3",
    "TRUE_MAILING_CITY", "TRUE_MAILING_STATE", "TRUE_MAILING_ZIP_CODE", "TRUE_MAILING_COUNTRY",
    "TRUE_OWNER1", "TRUE_OWNER2", "TRUE_OWNER3", "CONDO_FLAG", "PARENT_FOLIO", "DOR_CODE_CUR",
    "DOR_DESC", "SUBDIVISION", "BEDROOM_COUNT", "BATHROOM_COUNT", "HALF_BATHROOM_COUNT",
    "FLOOR_COUNT", "UNIT_COUNT", "BUILDING_ACTUAL_AREA", "BUILDING_HEATED_AREA", "LOT_SIZE",
    "YEAR_BUILT", "ASSESSMENT_YEAR_CUR", "ASSESSED_VAL_CUR", "DOS_1", "PRICE_1", "LEGAL",
)
# fmt: on
PA_CSV_COLUMNS: tuple[str, ...] = (*PA_FIELDS, "LAT", "LON")
NAL_BAD_KINDS = ("non_numeric_jv", "empty_parcel_id", "sale_month_13", "year_built_3020")
PA_JUNK_KINDS = ("bathroom_count_1220", "bedroom_count_negative", "floor_count_400")

_NAL = {c: i for i, c in enumerate(NAL_COLUMNS)}
_NAL_ZERO = [
    "JV_CLASS_USE",
    "AV_CLASS_USE",
    "JV_H2O_RECHRGE",
    "AV_H2O_RECHRGE",
    "JV_CONSRV_LND",
    "AV_CONSRV_LND",
    "JV_HIST_COM_PROP",
    "AV_HIST_COM_PROP",
    "JV_HIST_SIGNF",
    "AV_HIST_SIGNF",
    "JV_WRKNG_WTRFNT",
    "AV_WRKNG_WTRFNT",
    "NCONST_VAL",
    "DEL_VAL",
]
_NAL_TEMPLATE = ["" for _ in NAL_COLUMNS]
for _c in _NAL_ZERO:
    _NAL_TEMPLATE[_NAL[_c]] = "0"
_NAL_TEMPLATE[_NAL["CO_NO"]] = "23"
_NAL_TEMPLATE[_NAL["FILE_T"]] = "R"
_SALE_IDX = [[_NAL[f"{c}{n}"] for c in _SALE_COLS] for n in (1, 2)]
_STATE_ABBR = {
    "FLORIDA": "FL",
    "NEW YORK": "NY",
    "NEW JERSEY": "NJ",
    "GEORGIA": "GA",
    "ILLINOIS": "IL",
    "MASSACHUSETTS": "MA",
    "TEXAS": "TX",
    "CALIFORNIA": "CA",
    "NORTH CAROLINA": "NC",
    "PENNSYLVANIA": "PA",
    "DISTRICT OF COLUMBIA": "DC",
    "COLORADO": "CO",
    "ARIZONA": "AZ",
    "TENNESSEE": "TN",
    "OHIO": "OH",
    "CONNECTICUT": "CT",
}


def state_abbr(state: str) -> str:
    """Two-letter code of a US state written either way; foreign countries map to ""."""
    if len(state) == 2:
        return state
    return _STATE_ABBR.get(state, "")


def unit_label(p: Parcel) -> str:
    """How the NAL writes a condo unit in PHY_ADDR2: mostly ``UNIT 1205``, sometimes ``#1205``."""
    if not p.unit:
        return ""
    style = p.idx % 7
    return f"UNIT {p.unit}" if style < 5 else f"#{p.unit}" if style == 5 else p.unit


def census_block(p: Parcel) -> str:
    tract = int((p.lat - 25.4) * 400) * 100 + int((p.lon + 80.5) * 300) % 100
    return f"12086{tract:06d}{1000 + p.hn % 3000:04d}"


def neighbourhood(p: Parcel) -> str:
    return f"{(int(p.lat * 80) * 37 + int(p.lon * 80) * 11) % 9000 + 1000}"


def nal_row(p: Parcel, roll_year: int) -> list[str]:
    """The parcel's NAL row (deliberately bad rows included, see ``Parcel.bad``)."""
    r = _NAL_TEMPLATE.copy()
    n = _NAL
    r[n["PARCEL_ID"]] = p.folio.lstrip("0") if p.short_folio else p.folio
    r[n["ASMNT_YR"]] = str(roll_year)
    residential = p.residential
    r[n["BAS_STRT"]] = r[n["ATV_STRT"]] = "1" if residential else "2"
    r[n["DOR_UC"]] = p.dor_uc
    r[n["PA_UC"]] = USES[p.dor_uc][0][:2]
    jv, av = p.jv, p.av
    exempt = min(50_000, av) if p.homestead else 0
    school_exempt = min(25_000, av) if p.homestead else 0
    r[n["JV"]] = str(jv)
    r[n["AV_SD"]] = r[n["AV_NSD"]] = str(av)
    r[n["TV_SD"]] = str(max(0, av - school_exempt))
    r[n["TV_NSD"]] = str(max(0, av - exempt))
    r[n["JV_HMSTD"]] = str(jv if p.homestead else 0)
    r[n["AV_HMSTD"]] = str(av if p.homestead else 0)
    non_h = residential and not p.homestead
    r[n["JV_NON_HMSTD_RESD"]] = str(jv if non_h else 0)
    r[n["AV_NON_HMSTD_RESD"]] = str(av if non_h else 0)
    r[n["JV_RESD_NON_RESD"]] = str(0 if residential else jv)
    r[n["AV_RESD_NON_RESD"]] = str(0 if residential else av)
    if p.year >= roll_year - 1:
        r[n["NCONST_VAL"]] = str(jv - p.land)
    r[n["LND_VAL"]] = str(p.land)
    r[n["LND_UNTS_CD"]] = "3"
    r[n["NO_LND_UNTS"]] = r[n["LND_SQFOOT"]] = str(p.lot)
    _nal_building(r, p)
    for k, sale in enumerate(p.sales[:2]):
        idx = _SALE_IDX[k]
        r[idx[1]], r[idx[2]], r[idx[3]] = sale.qual, sale.vi, str(sale.price)
        r[idx[4]], r[idx[5]] = str(sale.when.year), str(sale.when.month)
        r[idx[6]], r[idx[7]], r[idx[8]] = str(sale.book), str(sale.page), sale.clerk_no
    _nal_owner(r, p)
    r[n["MKT_AR"]] = f"{p.region.index % 40 + 10:02d}"
    r[n["NBRHD_CD"]] = neighbourhood(p)
    r[n["TAX_AUTH_CD"]] = f"{p.region.code}00"
    r[n["TWN"]], r[n["RNG"]], r[n["SEC"]] = str(p.twp), str(p.rng), f"{p.sec:02d}"
    r[n["CENSUS_BK"]] = census_block(p)
    r[n["PHY_ADDR1"]] = p.street_nal
    r[n["PHY_ADDR2"]] = unit_label(p)
    r[n["PHY_CITY"]] = p.city
    r[n["PHY_ZIPCD"]] = p.zip
    r[n["ALT_KEY"]] = str(3_000_000 + p.idx)
    if exempt:
        r[n["EXMPT_01"]] = str(exempt)
    r[n["SEQ_NO"]] = str(p.idx + 1)
    r[n["STATE_PAR_ID"]] = f"C23-{p.folio[:2]}-{p.folio[2:]}"
    _nal_bad(r, p)
    return r


def _nal_building(r: list[str], p: Parcel) -> None:
    n = _NAL
    if p.year:
        r[n["IMP_QUAL"]] = str(2 + p.jv % 3)
        r[n["CONST_CLASS"]] = "4" if p.kind == "condo" else "3"
        r[n["EFF_YR_BLT"]] = str(p.eff_year)
        r[n["ACT_YR_BLT"]] = str(p.year)
        r[n["TOT_LVG_AREA"]] = str(p.living)
        r[n["NO_BULDNG"]] = "1"
        r[n["SPEC_FEAT_VAL"]] = str(p.jv // 97 % 20_000)
    else:
        r[n["NO_BULDNG"]] = "0"
        r[n["SPEC_FEAT_VAL"]] = "0"
    r[n["NO_RES_UNTS"]] = str(p.units if p.residential else 0)


def _nal_owner(r: list[str], p: Parcel) -> None:
    n, m = _NAL, p.mail
    r[n["OWN_NAME"]] = p.owner.name
    r[n["OWN_ADDR1"]], r[n["OWN_ADDR2"]] = m.addr1, m.addr2
    r[n["OWN_CITY"]], r[n["OWN_STATE"]], r[n["OWN_ZIPCD"]] = m.city, m.state, m.zip
    r[n["OWN_STATE_DOM"]] = state_abbr(m.state) if m.kind != "foreign" else ""
    r[n["S_LEGAL"]] = p.legal


def _nal_bad(r: list[str], p: Parcel) -> None:
    n = _NAL
    if p.bad == "non_numeric_jv":
        r[n["JV"]] = "N/A"
    elif p.bad == "empty_parcel_id":
        r[n["PARCEL_ID"]] = ""
    elif p.bad == "sale_month_13":
        r[n["SALE_MO1"]] = "13"
    elif p.bad == "year_built_3020":
        r[n["ACT_YR_BLT"]] = "3020"


def sdf_rows(p: Parcel, roll_year: int) -> list[list[str]]:
    """One SDF row per sale of the parcel, newest first."""
    common = [
        "23",
        p.folio,
        str(roll_year),
        "1" if p.residential else "2",
        "",
        p.dor_uc,
        neighbourhood(p),
        f"{p.region.index % 40 + 10:02d}",
        census_block(p),
    ]
    rows = []
    for s in p.sales:
        rows.append(
            [
                *common,
                s.clerk_no[4:] or str(s.book * 10000 + s.page),
                "",
                s.vi,
                str(s.book),
                str(s.page),
                s.clerk_no,
                s.qual,
                str(s.when.year),
                str(s.when.month),
                str(s.price),
                "",
                "",
                "",
                f"C23-{p.folio[:2]}-{p.folio[2:]}",
            ]
        )
    return rows


def state_plane(lat: float, lon: float) -> tuple[float, float]:
    """Approximate Florida East State Plane feet (EPSG:2236) of a point; good to ~100 ft."""
    x = 656166.667 + (lon + 81.0) * 365_228.0 * math.cos(math.radians(lat))
    y = (lat - 24.333333) * 363_999.0
    return round(x, 2), round(y, 2)


def pa_properties(p: Parcel, roll_year: int, junk: str, year_unknown: bool) -> dict[str, Any]:
    """The parcel's attributes the way the Property Appraiser's point layer publishes them."""
    m = p.mail
    foreign = m.kind == "foreign"
    zip_m = m.zip if foreign or p.idx % 5 else f"{m.zip}-{1000 + p.idx % 9000:04d}"
    owners = (*p.owner.people, None, None, None)
    x, y = state_plane(p.lat, p.lon)
    sale = p.last_sale
    code, desc, _ = USES[p.dor_uc]
    props: dict[str, Any] = {
        "FOLIO": p.folio,
        "X_COORD": x,
        "Y_COORD": y,
        "TRUE_SITE_ADDR": p.street,
        "TRUE_SITE_UNIT": p.unit or None,
        "TRUE_SITE_CITY": p.city,
        "TRUE_SITE_ZIP_CODE": p.zip,
        "TRUE_MAILING_ADDR1": m.addr1,
        "TRUE_MAILING_ADDR2": m.addr2 or None,
        "TRUE_MAILING_ADDR3": None,
        "TRUE_MAILING_CITY": m.city,
        "TRUE_MAILING_STATE": None if foreign else state_abbr(m.state),
        "TRUE_MAILING_ZIP_CODE": zip_m or None,
        "TRUE_MAILING_COUNTRY": m.country,
        "TRUE_OWNER1": owners[0],
        "TRUE_OWNER2": owners[1],
        "TRUE_OWNER3": owners[2],
        "CONDO_FLAG": "Y" if p.kind == "condo" else "N",
        "PARENT_FOLIO": p.parent_folio or None,
        "DOR_CODE_CUR": code,
        "DOR_DESC": desc,
        "SUBDIVISION": p.subdivision,
        "BEDROOM_COUNT": p.beds,
        "BATHROOM_COUNT": p.baths,
        "HALF_BATHROOM_COUNT": p.half,
        "FLOOR_COUNT": p.floors,
        "UNIT_COUNT": p.units,
        "BUILDING_ACTUAL_AREA": int(p.living * 1.15),
        "BUILDING_HEATED_AREA": p.living,
        "LOT_SIZE": p.lot,
        "YEAR_BUILT": 0 if year_unknown else p.year,
        "ASSESSMENT_YEAR_CUR": roll_year,
        "ASSESSED_VAL_CUR": p.av,
        "DOS_1": f"{sale.when.year:04d}{sale.when.month:02d}{sale.when.day:02d}" if sale else None,
        "PRICE_1": sale.price if sale else None,
        "LEGAL": p.legal,
    }
    if junk == "bathroom_count_1220":
        props["BATHROOM_COUNT"] = 1220
    elif junk == "bedroom_count_negative":
        props["BEDROOM_COUNT"] = -1
    elif junk == "floor_count_400":
        props["FLOOR_COUNT"] = 400
    return props


def pa_feature(p: Parcel, props: dict[str, Any]) -> str:
    """One GeoJSON Feature (a single line of text, no trailing separator)."""
    geom = f'{{"type":"Point","coordinates":[{p.lon:.6f},{p.lat:.6f}]}}'
    body = json.dumps(props, ensure_ascii=False, separators=(",", ":"))
    return f'{{"type":"Feature","geometry":{geom},"properties":{body}}}'


def pa_csv_row(p: Parcel, props: dict[str, Any]) -> list[Any]:
    """The same attributes as a CSV row, plus LAT/LON."""
    return [("" if props[f] is None else props[f]) for f in PA_FIELDS] + [
        f"{p.lat:.6f}",
        f"{p.lon:.6f}",
    ]
