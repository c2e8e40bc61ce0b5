"""Constant tables of the synthetic county: land uses, price index, sale codes, names."""

from __future__ import annotations

# fmt: off
# DOR land use → (PA 4-digit DOR code, PA description, kind)
USES: dict[str, tuple[str, str, str]] = {
    "000": ("0081", "VACANT RESIDENTIAL : VACANT LAND", "vacant"),
    "001": ("0101", "RESIDENTIAL - SINGLE FAMILY : 1 UNIT", "sfr"),
    "002": ("0202", "MOBILE HOME : MOBILE HOME", "mobile"),
    "003": ("0303", "MULTIFAMILY 10 UNITS PLUS : MULTIFAMILY 10 UNITS PLUS", "apartments"),
    "004": ("0407", "RESIDENTIAL - TOTAL VALUE : CONDOMINIUM - RESIDENTIAL", "condo"),
    "008": ("0802", "MULTIFAMILY 2-9 UNITS : MULTIFAMILY 3 OR MORE UNITS", "multi"),
    "010": ("1081", "VACANT LAND - COMMERCIAL : VACANT LAND", "vacant"),
    "011": ("1111", "STORE : RETAIL OUTLET", "commercial"),
    "012": ("1213", "STORE/OFFICE/RESIDENTIAL : MIXED USE", "commercial"),
    "017": ("1713", "OFFICE BUILDING - 1 STORY : OFFICE BUILDING", "commercial"),
    "021": ("2111", "RESTAURANT OR CAFETERIA : RETAIL OUTLET", "commercial"),
    "027": ("2712", "AUTO SALES, REPAIR & STORAGE : AUTO SALES", "commercial"),
    "039": ("3913", "HOTEL OR MOTEL : HOTEL", "commercial"),
    "040": ("4081", "VACANT LAND - INDUSTRIAL : VACANT LAND", "vacant"),
    "041": ("4132", "LIGHT MANUFACTURING : FACTORY", "industrial"),
    "048": ("4837", "WAREHOUSE TERMINAL OR STG : WAREHOUSE OR STORAGE", "industrial"),
    "051": ("5100", "AGRICULTURE : CROPLAND", "other"),
    "071": ("7101", "RELIGIOUS : CHURCH", "institutional"),
    "080": ("8080", "VACANT GOVERNMENTAL : VACANT LAND - GOVERNMENTAL", "government"),
    "082": ("8240", "FOREST, PARK, RECREATIONAL AREA : GOVERNMENTAL", "government"),
    "083": ("8330", "PUBLIC SCHOOL : EDUCATIONAL", "government"),
    "086": ("8647", "COUNTY : GOVERNMENTAL", "government"),
    "089": ("8940", "MUNICIPAL : GOVERNMENTAL", "government"),
    "091": ("9100", "UTILITY : UTILITY", "other"),
    "094": ("9400", "RIGHT-OF-WAY : STREETS, ROADS, CANALS", "government"),
    "099": ("9900", "ACREAGE NOT ZONED AGRICULTURAL : VACANT LAND", "vacant"),
}
RESIDENTIAL_USES = frozenset({"000", "001", "002", "003", "004", "008"})
IMPROVED_RESIDENTIAL = frozenset({"001", "002", "004", "008"})
# Land-use mix (percent) of each region profile.
PROFILES: dict[str, dict[str, float]] = {
    "residential": {
        "001": 68, "004": 12, "000": 4, "008": 4.5, "003": 0.4, "002": 1.2, "010": 0.7,
        "011": 1.5, "012": 0.3, "017": 0.8, "021": 0.3, "027": 0.4, "039": 0.05, "040": 0.25,
        "041": 0.35, "048": 0.5, "071": 0.4, "080": 0.3, "082": 0.15, "083": 0.1, "086": 0.3,
        "089": 0.15, "091": 0.05, "094": 0.15, "099": 0.1, "051": 0.1,
    },
    "urban": {
        "001": 38, "004": 38, "000": 3, "008": 8, "003": 2, "010": 1, "011": 3, "012": 1.5,
        "017": 1.5, "021": 0.8, "027": 0.7, "039": 0.3, "040": 0.1, "041": 0.3, "048": 0.6,
        "071": 0.6, "080": 0.3, "082": 0.2, "083": 0.1, "086": 0.3, "089": 0.3, "094": 0.2,
    },
    "condo": {
        "004": 82, "001": 10, "000": 1.5, "008": 2, "003": 1, "011": 1, "017": 0.8, "039": 0.5,
        "021": 0.3, "080": 0.2, "082": 0.2, "089": 0.2, "094": 0.1, "010": 0.2,
    },
    "beach": {
        "004": 76, "001": 16, "000": 1.5, "008": 2, "003": 1, "011": 1, "017": 0.5, "039": 1,
        "021": 0.4, "082": 0.3, "089": 0.2, "010": 0.1,
    },
    "condo_mixed": {
        "001": 40, "004": 40, "000": 2, "008": 3, "003": 1, "010": 1, "011": 2, "017": 3,
        "041": 2, "048": 4, "040": 0.5, "021": 0.5, "027": 0.5, "080": 0.2, "082": 0.2,
        "086": 0.1, "071": 0.2,
    },
    "estate": {
        "001": 90, "000": 5, "004": 2, "071": 0.5, "080": 0.3, "082": 0.5, "089": 0.2,
        "011": 0.5, "017": 0.5,
    },
    "industrial": {
        "048": 30, "041": 20, "040": 10, "010": 5, "011": 5, "027": 8, "017": 5, "001": 10,
        "000": 3, "080": 1, "086": 1, "094": 1, "004": 1,
    },
}
# Miami-Dade house price index relative to the roll year (approximate shape of the real one).
HPI: tuple[tuple[int, float], ...] = (
    (1960, 0.03), (1970, 0.05), (1980, 0.12), (1990, 0.17), (2000, 0.25), (2004, 0.42),
    (2006, 0.63), (2008, 0.48), (2011, 0.31), (2014, 0.43), (2018, 0.60), (2020, 0.66),
    (2021, 0.78), (2022, 0.92), (2024, 1.0), (2100, 1.0),
)
# Official Records book number by year (Miami-Dade's OR books, roughly).
OR_BOOK: tuple[tuple[int, float], ...] = (
    (1958, 1), (1970, 6800), (1980, 10700), (1990, 14400), (2000, 18950), (2010, 27100),
    (2020, 31750), (2024, 34100), (2100, 60000),
)
# DOR sale qualification codes (percent): older sales, and sales of the last 365 days.
QUAL_HIST: dict[str, float] = {
    "01": 50, "02": 10, "03": 1, "05": 1, "06": 1, "11": 12, "12": 4, "14": 1, "16": 1,
    "18": 0.5, "19": 2, "21": 0.5, "30": 8, "37": 5, "38": 1, "39": 1, "43": 1,
}
QUAL_RECENT: dict[str, float] = {
    "01": 68, "02": 10, "11": 5, "12": 4, "19": 2, "30": 4, "37": 4, "38": 1, "43": 2,
}
# Sale price relative to market value, by qualification code.
PRICE_FACTOR = {
    "03": 0.95, "05": 0.9, "06": 1.0, "12": 0.75, "14": 0.5, "16": 0.5, "18": 1.0, "19": 0.85,
    "21": 0.9, "37": 0.95, "38": 0.7, "39": 1.1, "43": 0.6,
}
# Days-ago values on the new-homeowner band edges, given to a few recent sales.
RECENT_BOUNDARIES = (0, 1, 30, 31, 60, 61, 90, 91, 364, 365)
# Share of buildings by decade built (percent).
DECADES: dict[int, float] = {
    1920: 2, 1930: 2, 1940: 5, 1950: 18, 1960: 12, 1970: 13, 1980: 14, 1990: 14, 2000: 13,
    2010: 5, 2020: 2,
}
# Owner kinds of residential parcels (percent).
OWNER_RESIDENTIAL: dict[str, float] = {
    "person": 47.0, "couple": 25.5, "company": 12.0, "trust": 9.0, "life_estate": 1.2,
    "estate": 1.5, "heirs": 0.6,
}
# Words of subdivision and condominium names.
SUBDIV_A = (
    "CORAL PARK", "SUNSET", "KENDALE LAKES", "WESTWOOD", "TAMIAMI", "BIRD ROAD", "CORAL TERRACE",
    "PALM SPRINGS", "LAKE LUCERNE", "SNAPPER CREEK", "CUTLER RIDGE", "RICHMOND HEIGHTS",
    "NARANJA", "ROYAL PALM", "FLAGLER", "BISCAYNE GARDENS", "OAK GROVE", "BANYAN", "MIAMI SHORES",
    "PINEWOOD", "MANGO", "WESTCHESTER", "COUNTRY WALK", "HAMMOCKS", "LEISURE CITY", "POINCIANA",
)
SUBDIV_B = (
    "ESTATES", "HEIGHTS", "PARK", "MANOR", "GARDENS", "SUB", "ADDN", "HOMES", "ESTS SEC 2",
    "1ST ADDN", "REPLAT", "SEC 3", "AMD PL",
)
CONDO_WORDS = (
    "BAY", "OCEAN", "PALM", "CORAL", "HARBOR", "ISLAND", "PARK", "TOWER", "VILLAS", "PLAZA",
    "POINTE", "GRAND", "SUNRISE", "MARINA", "LAGUNA", "VISTA",
)
# fmt: on
