"""Mailing states and countries: ``normalize_state`` (two-letter code, is it abroad) and
``is_out_of_state`` (is an owner's mailing address outside Florida)."""

from __future__ import annotations

from typing import Final

_US_STATE_NAMES: Final = {
    "AL": "ALABAMA",
    "AK": "ALASKA",
    "AZ": "ARIZONA",
    "AR": "ARKANSAS",
    "CA": "CALIFORNIA",
    "CO": "COLORADO",
    "CT": "CONNECTICUT",
    "DE": "DELAWARE",
    "DC": "DISTRICT OF COLUMBIA",
    "FL": "FLORIDA",
    "GA": "GEORGIA",
    "HI": "HAWAII",
    "ID": "IDAHO",
    "IL": "ILLINOIS",
    "IN": "INDIANA",
    "IA": "IOWA",
    "KS": "KANSAS",
    "KY": "KENTUCKY",
    "LA": "LOUISIANA",
    "ME": "MAINE",
    "MD": "MARYLAND",
    "MA": "MASSACHUSETTS",
    "MI": "MICHIGAN",
    "MN": "MINNESOTA",
    "MS": "MISSISSIPPI",
    "MO": "MISSOURI",
    "MT": "MONTANA",
    "NE": "NEBRASKA",
    "NV": "NEVADA",
    "NH": "NEW HAMPSHIRE",
    "NJ": "NEW JERSEY",
    "NM": "NEW MEXICO",
    "NY": "NEW YORK",
    "NC": "NORTH CAROLINA",
    "ND": "NORTH DAKOTA",
    "OH": "OHIO",
    "OK": "OKLAHOMA",
    "OR": "OREGON",
    "PA": "PENNSYLVANIA",
    "RI": "RHODE ISLAND",
    "SC": "SOUTH CAROLINA",
    "SD": "SOUTH DAKOTA",
    "TN": "TENNESSEE",
    "TX": "TEXAS",
    "UT": "UTAH",
    "VT": "VERMONT",
    "VA": "VIRGINIA",
    "WA": "WASHINGTON",
    "WV": "WEST VIRGINIA",
    "WI": "WISCONSIN",
    "WY": "WYOMING",
    # US territories and military post offices: US mail, not Florida, not foreign.
    "PR": "PUERTO RICO",
    "VI": "VIRGIN ISLANDS",
    "GU": "GUAM",
    "AS": "AMERICAN SAMOA",
    "MP": "NORTHERN MARIANA ISLANDS",
    "AA": "ARMED FORCES AMERICAS",
    "AE": "ARMED FORCES EUROPE",
    "AP": "ARMED FORCES PACIFIC",
}
# Older / AP-style abbreviations and frequent variants (keys are letters only, no spaces).
_US_STATE_VARIANTS: Final = {
    "FLA": "FL",
    "FLOR": "FL",
    "FLORDIA": "FL",
    "ALA": "AL",
    "ARIZ": "AZ",
    "ARK": "AR",
    "CAL": "CA",
    "CALIF": "CA",
    "COLO": "CO",
    "CONN": "CT",
    "DEL": "DE",
    "WASHDC": "DC",
    "WASHINGTONDC": "DC",
    "DISTOFCOLUMBIA": "DC",
    "ILL": "IL",
    "IND": "IN",
    "KAN": "KS",
    "KANS": "KS",
    "MASS": "MA",
    "MICH": "MI",
    "MINN": "MN",
    "MISS": "MS",
    "MONT": "MT",
    "NEB": "NE",
    "NEBR": "NE",
    "NEV": "NV",
    "NCAROLINA": "NC",
    "NDAKOTA": "ND",
    "OKLA": "OK",
    "ORE": "OR",
    "OREG": "OR",
    "PENN": "PA",
    "PENNA": "PA",
    "SCAROLINA": "SC",
    "SDAKOTA": "SD",
    "TENN": "TN",
    "TEX": "TX",
    "WASH": "WA",
    "WVA": "WV",
    "WVIRGINIA": "WV",
    "WIS": "WI",
    "WISC": "WI",
    "WYO": "WY",
    "USVI": "VI",
    "USVIRGINISLANDS": "VI",
}
# Every accepted spelling of a US state, DC or territory (letters only, upper case) -> its code.
US_STATES: Final = {
    **{code: code for code in _US_STATE_NAMES},
    **{name.replace(" ", ""): code for code, name in _US_STATE_NAMES.items()},
    **_US_STATE_VARIANTS,
}
_US_COUNTRY: Final = frozenset(
    ("US", "USA", "UNITEDSTATES", "UNITEDSTATESOFAMERICA", "AMERICA", "UNITEDSTATESAMERICA")
)
_PLACEHOLDERS: Final = frozenset(("NA", "NONE", "NULL", "UNKNOWN", "UNK", "XX", "ZZ", "NIL"))
# Keep ASCII letters (and any non-ASCII letter such as É); drop ASCII digits/punctuation/spaces.
_LETTERS_ONLY: Final = str.maketrans(
    "", "", "".join(chr(c) for c in range(128) if not chr(c).isalpha())
)


def _letters_key(raw: str) -> str:
    return raw.upper().translate(_LETTERS_ONLY)


def _us_state_code(key: str) -> str | None:
    code = US_STATES.get(key)
    if code is None and len(key) > 3 and key.endswith("USA"):
        code = US_STATES.get(key[:-3])
    return code


def normalize_state(raw: str | None) -> tuple[str | None, bool]:
    """(two-letter US state, is_foreign) of a free-text mailing state.

    ``FL``/``FLORIDA``/``Fla.`` -> ``("FL", False)``; every state, DC and US territory by code,
    name or common abbreviation; ``USA`` alone -> ``(None, False)``. Anything else with letters (a
    country such as ``CANADA``/``VENEZUELA``/``UNITED KINGDOM``, a province, unknown text) ->
    ``(None, True)``. Empty, digit-only and placeholder values (``N/A``, ``NONE``) ->
    ``(None, False)``.
    """
    if not raw:
        return None, False
    key = _letters_key(raw)
    if not key or key in _PLACEHOLDERS:
        return None, False
    code = _us_state_code(key)
    if code is not None:
        return code, False
    if key in _US_COUNTRY:
        return None, False
    return None, True


def is_out_of_state(state_raw: str | None, country_raw: str | None = None) -> bool | None:
    """True when the mailing address is outside Florida (another US state or abroad).

    ``country_raw`` (PA ``TRUE_MAILING_COUNTRY``) wins when it names a foreign country; a US
    country value (``USA``) or an empty one defers to the state. None when nothing is known.
    """
    if country_raw:
        key = _letters_key(country_raw)
        if key and key not in _PLACEHOLDERS and key not in _US_COUNTRY:
            code = _us_state_code(key)  # a state written in the country column
            return True if code is None else code != "FL"
    code, foreign = normalize_state(state_raw)
    if foreign:
        return True
    if code is None:
        return None
    return code != "FL"
