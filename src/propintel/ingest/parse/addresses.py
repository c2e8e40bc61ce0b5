"""Street addresses: one canonical street key, and one-line addresses split into their parts.

- ``normalize_street``: the key address matching uses.
- ``parse_situs_line``: one-line addresses (``"9719 HAMMOCKS BLVD 101, MIAMI, FL- 33196"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from propintel.ingest.parse.states import US_STATES

_ASCII_DIGITS: Final = frozenset("0123456789")

# --------------------------------------------------------------------------------------------------
# Street keys
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
        code = US_STATES.get(key)
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
