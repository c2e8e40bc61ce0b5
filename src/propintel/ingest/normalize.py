"""The one set of normalisers every importer and matcher uses (folios, addresses, states, names).

Everything here is a pure function called once per row of million-row files: no I/O, no global
state, precompiled tables, token loops instead of backtracking regular expressions.

- ``normalize_folio`` / ``format_folio``: Miami-Dade folios (13 digits, ``MM-TRSS-SSS-PPPP``).
- ``normalize_street`` / ``street_without_unit`` / ``split_unit``: one canonical street key.
- ``parse_situs_line``: one-line addresses (``"9719 HAMMOCKS BLVD 101, MIAMI, FL- 33196"``).
- ``normalize_state`` / ``is_out_of_state``: mailing states and countries (out-of-state owners).
- ``parse_owner_name``: DOR ``OWN_NAME`` ("LAST FIRST M") with estate / heirs / life-estate markers.
- ``parse_money`` / ``parse_int`` / ``parse_date_flexible`` / ``sale_month_date``: tolerant values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Final, Literal

# --------------------------------------------------------------------------------------------------
# Folio numbers
# --------------------------------------------------------------------------------------------------

FOLIO_DIGITS: Final = 13
# Municipality codes run 01..36, so a spreadsheet can only ever drop ONE leading zero: a 12-digit
# number is a folio that lost it; anything shorter is not a folio (it would match a wrong parcel).
FOLIO_MIN_DIGITS: Final = 12
_FOLIO_DELETE: Final = str.maketrans("", "", "- \t\r\n\u00a0")
_ASCII_DIGITS: Final = frozenset("0123456789")


def normalize_folio(raw: str | int | None) -> str | None:
    """A folio as 13 undashed digits, or None when the value is not a folio.

    Accepts ``30-5904-037-0010``, ``3059040370010``, ``" 3059040370010 "``, ``"30 5904 037 0010"``
    and 12-digit numbers whose leading zero a spreadsheet dropped (``132310521760`` ->
    ``0132310521760``; also ``"132310521760.0"``). Returns None for empty values, placeholders
    (``Property Appraiser``, ``N/A``), anything non-numeric, shorter than 12 or longer than 13
    digits, and all zeros.
    """
    if raw is None:
        return None
    text = raw if isinstance(raw, str) else str(raw)
    digits = text.translate(_FOLIO_DELETE)
    if digits.endswith(".0"):
        digits = digits[:-2]
    size = len(digits)
    if size < FOLIO_MIN_DIGITS or size > FOLIO_DIGITS or not digits.isascii():
        return None
    if not digits.isdigit():
        return None
    if size < FOLIO_DIGITS:
        digits = "0" * (FOLIO_DIGITS - size) + digits
    if digits == "0000000000000":
        return None
    return digits


def format_folio(folio: str) -> str:
    """``MM-TRSS-SSS-PPPP`` (2-4-3-4) display form of any accepted folio spelling.

    Raises ValueError when ``folio`` is not a folio (see ``normalize_folio``).
    """
    digits = normalize_folio(folio)
    if digits is None:
        raise ValueError(f"not a Miami-Dade folio number: {folio!r}")
    return f"{digits[:2]}-{digits[2:6]}-{digits[6:9]}-{digits[9:]}"


# --------------------------------------------------------------------------------------------------
# Street addresses
# --------------------------------------------------------------------------------------------------

# Periods and apostrophes vanish ("N.E." -> "NE", "ST." -> "ST", "O'BRIEN" -> "OBRIEN"); other
# punctuation separates words; '#' becomes its own token (a unit designator).
_STREET_TABLE: Final = str.maketrans(
    {
        ".": None,
        "'": None,
        "`": None,
        "\u2019": None,
        ",": " ",
        ";": " ",
        ":": " ",
        "(": " ",
        ")": " ",
        "[": " ",
        "]": " ",
        "{": " ",
        "}": " ",
        '"': " ",
        "*": " ",
        "!": " ",
        "?": " ",
        "|": " ",
        "\\": " ",
        "_": " ",
        "#": " # ",
    }
)

_DIRECTIONAL_WORDS: Final = {
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "NORTHEAST": "NE",
    "NORTHWEST": "NW",
    "SOUTHEAST": "SE",
    "SOUTHWEST": "SW",
    "NORTH-EAST": "NE",
    "NORTH-WEST": "NW",
    "SOUTH-EAST": "SE",
    "SOUTH-WEST": "SW",
}
_DIRECTIONALS: Final = frozenset(("N", "S", "E", "W", "NE", "NW", "SE", "SW"))

# Street suffix -> USPS abbreviation (abbreviations map to themselves so the key is idempotent).
# Words that are usually part of a Miami name (GROVE, ISLE, KEY, PARK, BAY, LAKE…) are left out.
_SUFFIXES: Final = {
    "ST": "ST",
    "STR": "ST",
    "STREET": "ST",
    "AVE": "AVE",
    "AV": "AVE",
    "AVN": "AVE",
    "AVENUE": "AVE",
    "TER": "TER",
    "TERR": "TER",
    "TERRACE": "TER",
    "CT": "CT",
    "CRT": "CT",
    "COURT": "CT",
    "PL": "PL",
    "PLACE": "PL",
    "RD": "RD",
    "ROAD": "RD",
    "DR": "DR",
    "DRV": "DR",
    "DRIVE": "DR",
    "LN": "LN",
    "LANE": "LN",
    "BLVD": "BLVD",
    "BLV": "BLVD",
    "BOULEVARD": "BLVD",
    "HWY": "HWY",
    "HIGHWAY": "HWY",
    "HIWAY": "HWY",
    "PKWY": "PKWY",
    "PKY": "PKWY",
    "PARKWAY": "PKWY",
    "CIR": "CIR",
    "CIRC": "CIR",
    "CIRCLE": "CIR",
    "WAY": "WAY",
    "WY": "WAY",
    "TRL": "TRL",
    "TRAIL": "TRL",
    "CSWY": "CSWY",
    "CAUSEWAY": "CSWY",
    "PLZ": "PLZ",
    "PLAZA": "PLZ",
    "SQ": "SQ",
    "SQUARE": "SQ",
    "ALY": "ALY",
    "ALLEY": "ALY",
    "CV": "CV",
    "COVE": "CV",
    "PT": "PT",
    "POINT": "PT",
    "XING": "XING",
    "CROSSING": "XING",
    "LOOP": "LOOP",
    "PATH": "PATH",
    "WALK": "WALK",
    "ROW": "ROW",
    "RUN": "RUN",
    "PASS": "PASS",
    "TRCE": "TRCE",
    "TRACE": "TRCE",
    "BND": "BND",
    "BEND": "BND",
    "CRES": "CRES",
    "CRESCENT": "CRES",
    "EXPY": "EXPY",
    "EXPRESSWAY": "EXPY",
    "FWY": "FWY",
    "FREEWAY": "FWY",
    "TPKE": "TPKE",
    "TURNPIKE": "TPKE",
    "LNDG": "LNDG",
    "LANDING": "LNDG",
    "RTE": "RTE",
    "ROUTE": "RTE",
}
# "<prefix> HWY|RD|RTE <number>": the number names the road, not a unit (US HWY 1, STATE RD 7).
_ROUTE_SUFFIXES: Final = frozenset(("HWY", "RD", "RTE"))
_ROUTE_PREFIXES: Final = frozenset(("US", "STATE", "COUNTY", "SR", "CR", "FL", "FLA", "OLD"))
_UNIT_DESIGNATORS: Final = frozenset(
    ("#", "APT", "APTO", "APARTMENT", "UNIT", "UNT", "STE", "SUITE", "RM", "ROOM")
)
_ORDINAL_ENDINGS: Final = frozenset(("ST", "ND", "RD", "TH"))


def _strip_ordinal(token: str) -> str:
    """``184TH`` -> ``184``; anything else unchanged."""
    if len(token) > 2 and token[-2:] in _ORDINAL_ENDINGS:
        number = token[:-2]
        if number.isascii() and number.isdigit():
            return number
    return token


def _unit_like(tokens: list[str]) -> bool:
    """Bare trailing tokens that read as a unit id: each has a digit or is at most 2 characters."""
    for token in tokens:
        if len(token) > 2 and not any(ch in _ASCII_DIGITS for ch in token):
            return False
    return True


def _street_tokens(text: str) -> list[str]:
    tokens = text.upper().translate(_STREET_TABLE).split()
    if any(token[0] == "-" or token[-1] == "-" for token in tokens):
        tokens = [stripped for token in tokens if (stripped := token.strip("-"))]
    return tokens


def _canonical_street(tokens: list[str]) -> tuple[list[str], list[str]]:
    """(street tokens, bare trailing unit tokens) of a token list that holds no unit designator."""
    size = len(tokens)
    if not size:
        return tokens, []
    directional_words = _DIRECTIONAL_WORDS
    suffixes = _SUFFIXES
    # 1. Full-word directionals abbreviate, unless the word is the street's name ("1330 WEST AVE").
    for i in range(size):
        word = directional_words.get(tokens[i])
        if word is not None and (i + 1 >= size or tokens[i + 1] not in suffixes):
            tokens[i] = word
    # 2. Spaced directionals merge: "N E 15 ST" -> "NE 15 ST" (not "100 N E ST": E is the name).
    i = 0
    while i < size - 1:
        if (
            tokens[i] in ("N", "S")
            and tokens[i + 1] in ("E", "W")
            and (i + 2 >= size or tokens[i + 2] not in suffixes)
        ):
            tokens[i : i + 2] = [tokens[i] + tokens[i + 1]]
            size -= 1
        i += 1
    # 3. House number, pre-directional, first name token (never treated as a suffix: "ST JAMES").
    start = 1 if tokens[0][0] in _ASCII_DIGITS else 0
    first_name = start
    if start < size - 1 and tokens[start] in _DIRECTIONALS and tokens[start + 1] not in suffixes:
        first_name = start + 1
    # 4. The last suffix ends the street; what follows is a post-directional and/or a unit.
    last = -1
    for i in range(size - 1, first_name, -1):
        if tokens[i] in suffixes:
            last = i
            break
    end = size if last < 0 else last + 1
    for i in range(start, end):
        token = tokens[i]
        if token[0] in _ASCII_DIGITS:
            tokens[i] = _strip_ordinal(token)
        elif i > first_name:
            abbreviation = suffixes.get(token)
            if abbreviation is not None:
                tokens[i] = abbreviation
    if last < 0 or end == size:
        return tokens, []
    keep = end
    if tokens[keep] in _DIRECTIONALS or (
        tokens[last] in _ROUTE_SUFFIXES
        and tokens[last - 1] in _ROUTE_PREFIXES
        and tokens[keep][0] in _ASCII_DIGITS
    ):
        keep += 1
    trailing = tokens[keep:]
    if not trailing or not _unit_like(trailing):
        return tokens, []
    return tokens[:keep], trailing


def _split_designated_unit(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Tokens before the first unit designator, and the unit id tokens after it."""
    designators = _UNIT_DESIGNATORS
    for i, token in enumerate(tokens):
        if token in designators:
            return tokens[:i], [t for t in tokens[i + 1 :] if t not in designators]
    return tokens, []


def normalize_street(raw: str | None, unit: str | None = None) -> str | None:
    """Canonical uppercase street key for matching addresses across sources, or None if empty.

    ``"555 N.E. 15th Street, #20-E"`` -> ``"555 NE 15 ST UNIT 20-E"``. Rules: punctuation and
    whitespace collapse; directionals abbreviate (SOUTHWEST -> SW, "N E" -> NE) unless the word is
    the street's name (``1330 WEST AVE``); ordinals drop (``184TH`` -> ``184``); street suffixes
    abbreviate (STREET -> ST, PLACE -> PL …) except as the first word of the name (``ST JAMES``);
    units (``APT 4``, ``UNIT 4``, ``# 4``, ``STE 200``, and a bare trailing token after the suffix
    as Miami-Dade exports write it: ``9719 HAMMOCKS BLVD 101``) become a trailing ``UNIT <id>``.
    ``unit`` is an optional separate unit field (PA ``TRUE_SITE_UNIT``) appended the same way.
    Idempotent: ``normalize_street(normalize_street(x)) == normalize_street(x)``.
    """
    if raw is None:
        return None
    street, unit_tokens = _split_designated_unit(_street_tokens(raw))
    street, bare = _canonical_street(street)
    if bare:
        unit_tokens = bare + unit_tokens
    if unit:
        extra = [t for t in _street_tokens(unit) if t not in _UNIT_DESIGNATORS]
        if extra and extra != unit_tokens[-len(extra) :]:
            unit_tokens = unit_tokens + extra
    if unit_tokens:
        street.append("UNIT")
        street.extend(unit_tokens)
    return " ".join(street) if street else None


def split_unit(normalized: str) -> tuple[str, str | None]:
    """(street without unit, unit id or None) of a ``normalize_street`` result."""
    if normalized.startswith("UNIT "):
        return "", normalized[5:]
    street, found, unit = normalized.partition(" UNIT ")
    return (street, unit) if found else (normalized, None)


def street_without_unit(normalized: str) -> str:
    """A ``normalize_street`` result without its ``UNIT <id>`` part (the matching fallback)."""
    return split_unit(normalized)[0]


# --------------------------------------------------------------------------------------------------
# States and countries
# --------------------------------------------------------------------------------------------------

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
_US_STATES: Final = {
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
    code = _US_STATES.get(key)
    if code is None and len(key) > 3 and key.endswith("USA"):
        code = _US_STATES.get(key[:-3])
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


# --------------------------------------------------------------------------------------------------
# One-line addresses
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    """A one-line address split into its parts (None where the line does not say)."""

    street: str | None
    city: str | None
    state: str | None
    zip5: str | None


_ZIP_AT_END: Final = re.compile(r"(?<!\d)(\d{5})(?:-?\d{4})?$")
_STATE_STRIP_CHARS: Final = "-.,"


def _take_state(tokens: list[str], keep_at_least: int) -> str | None:
    """Pop a trailing US state (1 to 3 words, e.g. ``NEW YORK``) off ``tokens``; return its code."""
    for width in (1, 2, 3):
        if len(tokens) - width < keep_at_least:
            break
        key = "".join(tokens[-width:])
        code = _US_STATES.get(key)
        if code is not None:
            del tokens[-width:]
            return code
    return None


def _split_city_off_street(tokens: list[str]) -> tuple[list[str], list[str]]:
    """For lines without commas: the city starts at the first word after the street suffix that
    reads as neither a directional nor a unit ("123 NW 5 AVE 4 MIAMI")."""
    size = len(tokens)
    last = -1
    for i in range(size - 1, 1, -1):
        if tokens[i] in _SUFFIXES:
            last = i
            break
    if last < 0:
        return tokens, []
    i = last + 1
    while i < size:
        token = tokens[i]
        if token in _UNIT_DESIGNATORS:
            i += 2
            continue
        if (
            len(token) > 2
            and token not in _DIRECTIONAL_WORDS
            and not any(ch in _ASCII_DIGITS for ch in token)
        ):
            return tokens[:i], tokens[i:]
        i += 1
    return tokens, []


def parse_situs_line(raw: str | None) -> ParsedAddress:
    """Street (normalised), city (upper), state (2-letter) and zip5 of a one-line address.

    Handles RealForeclose ``"9719 HAMMOCKS BLVD 101, MIAMI, FL- 33196"``, Clerk/FSBO forms
    ``"123 NW 5th Ave, Miami, FL 33128"``, ``"…, Miami FL 33128-1234"``, ``"…, Miami, Florida"``
    and comma-less ``"123 NW 5th Ave Miami FL 33128"``. Missing parts come back as None.
    """
    if not raw:
        return ParsedAddress(None, None, None, None)
    parts = [part for part in (p.strip() for p in raw.upper().split(",")) if part]
    if not parts:
        return ParsedAddress(None, None, None, None)
    zip5: str | None = None
    state: str | None = None
    city: str | None = None
    tail_separate = False  # state/zip came in a comma part of their own
    last = parts[-1]
    match = _ZIP_AT_END.search(last)
    if match is not None:
        zip5 = match.group(1)
        last = last[: match.start()]
    tokens = [t for t in (tok.strip(_STATE_STRIP_CHARS) for tok in last.split()) if t]
    only_part = len(parts) == 1
    state = _take_state(tokens, 1 if only_part else 0)
    if state is None and not tokens and len(parts) > 1 and zip5 is not None:
        # "…, MIAMI, FL, 33128": the zip had its own part; the state may be the part before it.
        previous = [t for t in (tok.strip(_STATE_STRIP_CHARS) for tok in parts[-2].split()) if t]
        state = _take_state(previous, 1 if len(parts) == 2 else 0)
        if state is not None:
            parts.pop()
            tokens = previous
    if only_part:
        street_tokens = tokens
        if state is not None or zip5 is not None:
            street_tokens, city_tokens = _split_city_off_street(tokens)
            city = " ".join(city_tokens) or None
        if zip5 is not None and state is None and city is None:
            # "9719 HAMMOCKS BLVD 10101": a trailing 5-digit number alone is a unit, not a zip.
            zip5 = None
            street_tokens = parts[0].split()
        street_text = " ".join(street_tokens)
    else:
        if tokens:
            city = " ".join(tokens)
        elif state is not None or zip5 is not None:
            tail_separate = True
        parts.pop()
        if city is None and tail_separate and parts:
            if len(parts) > 1:
                city = " ".join(parts.pop().split()) or None
            elif not any(ch in _ASCII_DIGITS for ch in parts[0]):
                city = " ".join(parts.pop().split()) or None  # "MIAMI, FL 33128": no street
        street_text = ", ".join(parts)
    return ParsedAddress(normalize_street(street_text), city, state, zip5)


# --------------------------------------------------------------------------------------------------
# Owner names
# --------------------------------------------------------------------------------------------------

OwnerType = Literal["person", "company", "trust", "estate", "government"]


@dataclass(frozen=True, slots=True)
class OwnerName:
    """A parsed owner name.

    ``first``/``last`` are filled for persons and estates (the decedent, for probate matching),
    read in the DOR order "LAST FIRST M" from the first person named; None for companies, trusts
    and government. ``owner_type`` is None only for an empty name.
    """

    full: str | None
    first: str | None
    last: str | None
    owner_type: OwnerType | None
    is_estate: bool = False
    is_heirs: bool = False
    is_life_estate: bool = False


_OWNER_TABLE: Final = str.maketrans(
    {
        ".": None,
        "'": None,
        "`": None,
        "\u2019": None,
        "/": None,  # L/E -> LE, H/W -> HW (C/O is replaced by CAREOF first)
        ",": " ",
        ";": " ",
        ":": " ",
        "(": " ",
        ")": " ",
        "[": " ",
        "]": " ",
        '"': " ",
        "*": " ",
        "&": " & ",
        "+": " & ",
    }
)

# Token kinds (small ints keep the per-token dispatch cheap).
_K_COMPANY = 1  # company marker (not as the first word unless "X OF": BANK OF AMERICA)
_K_TRUST = 2
_K_EST = 3  # EST / ESTATE
_K_DECEASED = 4
_K_HEIRS = 5
_K_LE = 6
_K_OF = 7
_K_GOV_STRONG = 8
_K_GOV_WEAK = 9
_K_BOARD = 10
_K_AUTHORITY = 11
_K_STATES = 12
_K_DISTRICT = 13
_K_IMPROVEMENT = 14
_K_LIFE = 15
_K_REAL = 16

# fmt: off
_COMPANY_WORDS: Final = (
    "LLC", "LC", "INC", "INCORPORATED", "CORP", "CORPORATION", "CO", "COMPANY", "LTD", "LIMITED",
    "LP", "LLP", "LLLP", "PA", "PL", "PLLC", "PC", "ASSN", "ASSOC", "ASSOCIATION", "ASSOCIATIONS",
    "ASSOCIATES", "BANK", "BANCORP", "HOLDINGS", "HOLDING", "PROPERTIES", "PROPERTY",
    "INVESTMENTS", "INVESTMENT", "INVESTORS", "GROUP", "PARTNERS", "PARTNERSHIP", "CONDOMINIUM",
    "CONDO", "CONDOS", "CHURCH", "MINISTRIES", "MINISTRY", "HOA", "POA", "COA", "CLUB",
    "FOUNDATION", "ENTERPRISES", "ENTERPRISE", "DEVELOPMENT", "DEVELOPERS", "REALTY", "VENTURES",
    "CAPITAL", "FUND", "MORTGAGE", "FINANCIAL", "FINANCE", "CREDIT", "SERVICES", "SERVICING",
    "MANAGEMENT", "MGMT", "INSURANCE", "HOMEOWNERS", "HOMES", "APARTMENTS", "APTS", "ASSETS",
    "EQUITY", "EQUITIES", "RENTALS", "SOCIETY", "CONGREGATION", "TEMPLE", "SYNAGOGUE", "DIOCESE",
    "ARCHDIOCESE", "INTERNATIONAL", "INTL", "SONS", "BROTHERS", "BROS", "SA", "SRL", "CA", "LTDA",
    "GMBH", "BV", "NV", "AG", "PLC", "ASSET", "LENDING", "LENDERS", "LOANS", "ACQUISITIONS",
    "FEDERAL", "NATIONAL", "SAVINGS",
)
# fmt: on
# fmt: off
_TRUST_WORDS: Final = (
    "TR", "TRS", "TRUST", "TRUSTS", "TRUSTEE", "TRUSTEES", "TRSTEE", "TRSTES", "TTEE", "TTEES",
    "CO-TR", "CO-TRS", "CO-TRUSTEE", "CO-TRUSTEES", "REVOCABLE", "IRREVOCABLE", "REV", "IRREV",
    "LIV", "LIVING", "FAMILY",
)
# fmt: on
_GOV_STRONG_WORDS: Final = ("FDOT", "TIITF", "HUD", "CDD", "USPS")
_GOV_WEAK_WORDS: Final = ("COUNTY", "USA", "MIAMI-DADE", "CRA", "AGENCY", "COMMISSION")

_OWNER_TOKENS: Final[dict[str, int]] = {
    **dict.fromkeys(_COMPANY_WORDS, _K_COMPANY),
    **dict.fromkeys(_TRUST_WORDS, _K_TRUST),
    **dict.fromkeys(_GOV_STRONG_WORDS, _K_GOV_STRONG),
    **dict.fromkeys(_GOV_WEAK_WORDS, _K_GOV_WEAK),
    "EST": _K_EST,
    "ESTATE": _K_EST,
    "DECEASED": _K_DECEASED,
    "DECD": _K_DECEASED,
    "HEIRS": _K_HEIRS,
    "HEIR": _K_HEIRS,
    "HEIRS-AT-LAW": _K_HEIRS,
    "LE": _K_LE,
    "OF": _K_OF,
    "BOARD": _K_BOARD,
    "AUTHORITY": _K_AUTHORITY,
    "STATES": _K_STATES,
    "DISTRICT": _K_DISTRICT,
    "IMPROVEMENT": _K_IMPROVEMENT,
    "LIFE": _K_LIFE,
    "REAL": _K_REAL,
}
# "<word> OF …" means government for these words, whatever follows.
_GOV_BEFORE_OF: Final = frozenset(
    ("CITY", "TOWN", "VILLAGE", "STATE", "DEPT", "DEPARTMENT", "SECRETARY", "COMMONWEALTH")
)
_WEAK_GOV_BEFORE_OF: Final = frozenset(("BOARD",))
_COMPANY_BEFORE_OF: Final = frozenset(("BANK", "CHURCH", "TRUST", "CONGREGATION", "SOCIETY"))
# Words that separate the first person from the rest ("&W", "&H", "AND", "ETAL", "ET UX").
_PERSON_SEPARATORS: Final = frozenset(("&", "AND", "ETAL", "ETUX", "ETVIR", "CAREOF"))
# Words dropped before reading LAST FIRST (markers, not names).
_NAME_NOISE: Final = frozenset(
    (
        "EST",
        "ESTATE",
        "OF",
        "THE",
        "DECEASED",
        "DECD",
        "HEIRS",
        "HEIR",
        "HEIRS-AT-LAW",
        "UNKNOWN",
        "LE",
        "LIFE",
        "REM",
        "JTRS",
        "JTWROS",
        "TEN",
        "COM",
        "TIC",
    )
)
_NAME_SUFFIXES: Final = frozenset(
    ("JR", "SR", "II", "III", "IV", "2ND", "3RD", "ESQ", "MD", "DDS", "PHD")
)
_SURNAME_PARTICLES: Final = frozenset(
    ("DE", "DEL", "DELA", "LA", "LAS", "LOS", "DA", "DAS", "DOS", "DI", "VAN", "VON", "DER")
)


def parse_owner_name(raw: str | None) -> OwnerName:
    """Owner type, estate/heirs/life-estate markers and LAST FIRST of a DOR ``OWN_NAME``.

    ``"GARCIA JUAN &W MARIA"`` -> person GARCIA/JUAN; ``"EST OF GARCIA JUAN"`` /
    ``"GARCIA JUAN EST"`` / ``"… (DECEASED)"`` -> estate; ``"HEIRS OF …"`` -> is_heirs;
    ``"… LE"`` -> life estate; ``"… TRS"`` / ``"… REVOCABLE TRUST"`` -> trust; ``"… LLC"`` /
    ``"BANK OF …"`` / ``"… CHURCH"`` -> company; ``"MIAMI-DADE COUNTY"`` / ``"CITY OF …"`` /
    ``"STATE OF FLORIDA"`` / ``"SCHOOL BOARD …"`` -> government. Precedence: strong government
    words, then company, then weak government words (COUNTY, BOARD OF, USA), then estate, trust,
    person. Accented latin-1 letters are kept (``MUÑOZ JOSÉ``).
    """
    if raw is None:
        return OwnerName(None, None, None, None)
    full = " ".join(raw.upper().split())
    if not full:
        return OwnerName(None, None, None, None)
    text = full.replace("C/O", " CAREOF ") if "C/O" in full else full  # care-of: a separator
    tokens = text.translate(_OWNER_TABLE).split()
    size = len(tokens)
    kinds = _OWNER_TOKENS
    company = trust = gov_strong = gov_weak = False
    estate = estate_trailing = heirs = life = False
    separator = size
    for i in range(size):
        word = tokens[i]
        if word == "CAREOF":
            separator = min(separator, i)
            break  # the care-of party is not the owner
        if (
            separator == size
            and i
            and (
                word in _PERSON_SEPARATORS
                or (word == "ET" and i + 1 < size and tokens[i + 1] in ("AL", "UX", "VIR"))
            )
        ):
            separator = i
        kind = kinds.get(word)
        if kind is None:
            continue
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < size else ""
        if kind == _K_COMPANY:
            if i or nxt == "OF":
                company = True
        elif kind == _K_TRUST:
            if i or nxt == "OF":
                trust = True
        elif kind == _K_EST:
            if nxt == "OF":
                estate = True
            elif i and prev not in ("REAL", "LIFE"):
                estate_trailing = True
        elif kind == _K_DECEASED:
            estate = True
        elif kind == _K_HEIRS:
            heirs = True
        elif kind == _K_LE:
            if i:
                life = True
        elif kind == _K_OF:
            if prev in _GOV_BEFORE_OF:
                gov_strong = True
            elif prev in _WEAK_GOV_BEFORE_OF:
                gov_weak = True
        elif kind == _K_GOV_STRONG:
            gov_strong = True
        elif kind == _K_GOV_WEAK:
            gov_weak = True
        elif kind == _K_BOARD:
            if prev == "SCHOOL":
                gov_strong = True
        elif kind == _K_AUTHORITY:
            if prev == "HOUSING":
                gov_strong = True
            else:
                gov_weak = True
        elif kind == _K_STATES:
            if prev == "UNITED":
                gov_strong = True
        elif kind == _K_DISTRICT:
            if i == size - 1:
                gov_strong = True
            else:
                gov_weak = True
        elif kind == _K_IMPROVEMENT:
            if prev == "INTERNAL":
                gov_strong = True
        elif kind == _K_LIFE:
            if nxt in ("ESTATE", "EST"):
                life = True
        elif kind == _K_REAL and nxt in ("ESTATE", "EST"):
            company = True
    owner_type: OwnerType
    if gov_strong:
        owner_type = "government"
    elif company:
        owner_type = "company"
    elif gov_weak:
        owner_type = "government"
    elif estate or estate_trailing:
        owner_type = "estate"
    elif trust:
        owner_type = "trust"
    else:
        owner_type = "person"
    is_estate = estate or (estate_trailing and owner_type in ("estate", "person", "trust"))
    if owner_type != "person" and owner_type != "estate":
        return OwnerName(full, None, None, owner_type, is_estate, heirs, life)
    last, first = _last_first(tokens, separator)
    return OwnerName(full, first, last, owner_type, is_estate, heirs, life)


def _last_first(tokens: list[str], end: int) -> tuple[str | None, str | None]:
    """LAST and FIRST of the first person (tokens before ``end``), markers and suffixes skipped."""
    noise = _NAME_NOISE
    words = [t for t in tokens[:end] if t not in noise]
    if not words:
        return None, None
    i = 0
    size = len(words)
    while i < size - 2 and words[i] in _SURNAME_PARTICLES:  # a FIRST must remain: "LA THANH"
        i += 1
    last = " ".join(words[: i + 1]) if i else words[0]
    first = None
    for word in words[i + 1 :]:
        if word not in _NAME_SUFFIXES:
            first = word
            break
    return last, first


# --------------------------------------------------------------------------------------------------
# Money, integers, dates
# --------------------------------------------------------------------------------------------------

_MAX_DIGITS: Final = 18  # larger magnitudes are junk (and would overflow BIGINT / NUMERIC columns)
_MONEY_DELETE: Final = str.maketrans("", "", "$, \t\u00a0")
_INT_DELETE: Final = str.maketrans("", "", ", \t\u00a0")


def parse_money(raw: object) -> Decimal | None:
    """``$1,417,895.60`` / ``1417895.6`` / numbers -> Decimal; ``(12.50)`` is negative; None for
    ``Hidden``, empty and anything else that is not a finite amount. Never raises."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() and raw.adjusted() <= _MAX_DIGITS else None
    if isinstance(raw, int):
        return Decimal(raw) if abs(raw) < 10**_MAX_DIGITS else None
    if isinstance(raw, float):
        raw = repr(raw)
    if not isinstance(raw, str):
        return None
    text = raw.translate(_MONEY_DELETE)
    if not text:
        return None
    negative = text[0] == "(" and text[-1] == ")"
    if negative:
        text = text[1:-1]
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value.adjusted() > _MAX_DIGITS:
        return None
    return -value if negative else value


def _integral(value: Decimal) -> int | None:
    if not value.is_finite() or value.adjusted() > _MAX_DIGITS:
        return None
    return int(value) if value == value.to_integral_value() else None


def parse_int(raw: object) -> int | None:
    """Integer of ``" 12 "``, ``"12.0"``, ``"1,234"`` or a number; None for junk, fractions
    (``"12.5"``), empty values and booleans. Never raises."""
    if type(raw) is str and raw.isdigit() and raw.isascii():  # the common case, fast
        return int(raw)
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() and abs(raw) < 1e18 else None
    if isinstance(raw, Decimal):
        return _integral(raw)
    if not isinstance(raw, str):
        return None
    text = raw.translate(_INT_DELETE)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    if len(text) > 40:  # no decimal exponent games ("1e999999") on junk input
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return _integral(value)


_MIN_YEAR: Final = 1800
_MAX_YEAR: Final = 2200


def _make_date(year: int, month: int, day: int) -> date | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_from_epoch(seconds: float) -> date | None:
    try:
        return _make_date_from(datetime.fromtimestamp(seconds, tz=UTC).date())
    except (OverflowError, OSError, ValueError):
        return None


def _make_date_from(value: date) -> date | None:
    return value if _MIN_YEAR <= value.year <= _MAX_YEAR else None


def parse_date_flexible(raw: object) -> date | None:
    """A date from ``07/13/2026`` (also ``7/13/26``, with a trailing time), ``2026-07-13``,
    ``2026/07/13``, ``20260713`` (PA ``DOS_1``), ISO datetimes, epoch milliseconds (ArcGIS
    ``CASE_DATE``; 10-digit values are epoch seconds) read as UTC, or date/datetime objects.
    None for junk, empty, ``0`` and dates outside 1800..2200. Never raises."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float):
        if raw != raw or raw <= 0:  # NaN, zero, negative
            return None
        return _date_from_epoch(raw / 1000 if raw >= 1e11 else raw) if raw >= 1e9 else None
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text:
        return None
    size = len(text)
    if text.isascii() and text.isdigit():
        if size == 8:
            return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if 9 <= size <= 13:
            number = int(text)
            return _date_from_epoch(number / 1000 if size >= 12 else number) if number else None
        return None
    head = text.split("T", 1)[0].split(" ", 1)[0] if size > 10 else text
    if len(head) < 6 or not head.isascii():
        return None
    if head[4:5] in ("-", "/") and head[:4].isdigit():
        pieces = head.replace("/", "-").split("-")
        if len(pieces) != 3:
            return None
        year, month, day = pieces
    elif "/" in head or "-" in head:
        pieces = head.replace("-", "/").split("/")
        if len(pieces) != 3:
            return None
        month, day, year = pieces
        if len(year) == 2 and year.isdigit():
            year = ("20" if int(year) < 70 else "19") + year
    else:
        return None
    if not (year.isdigit() and month.isdigit() and day.isdigit()):
        return None
    if len(year) != 4 or len(month) > 2 or len(day) > 2:
        return None
    return _make_date(int(year), int(month), int(day))


def sale_month_date(year: object, month: object) -> date | None:
    """First day of a DOR sale month (``SALE_YR``/``SALE_MO`` carry no day); None when either is
    missing, 0 or out of range."""
    y = parse_int(year)
    m = parse_int(month)
    if y is None or m is None or not 1 <= m <= 12:
        return None
    return _make_date(y, m, 1)
