"""Owner names: ``parse_owner_name`` reads a DOR ``OWN_NAME`` ("LAST FIRST M"): owner type, estate /
heirs / life-estate markers, and LAST/FIRST of the first person named."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

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

# What a token can say about the owner: bits of the ``marks`` the parser collects.
_COMPANY: Final = 1
_TRUST: Final = 2
_ESTATE: Final = 4  # "EST OF …", "(DECEASED)": an estate
_ESTATE_TRAILING: Final = 8  # "… EST": an estate unless the owner is a company or government
_HEIRS: Final = 16
_LIFE_ESTATE: Final = 32
_GOV_STRONG: Final = 64  # government whatever else the name says
_GOV_WEAK: Final = 128  # government unless a company word says otherwise

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

# "<word> OF …" means government for these words, whatever follows.
_GOV_BEFORE_OF: Final = frozenset(
    ("CITY", "TOWN", "VILLAGE", "STATE", "DEPT", "DEPARTMENT", "SECRETARY", "COMMONWEALTH")
)
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


# A condition on token ``i`` of ``tokens`` (its neighbours are read from the list).
_Condition = Callable[[list[str], int], bool]


def _always(tokens: list[str], i: int) -> bool:
    return True


def _not_first(tokens: list[str], i: int) -> bool:
    return i > 0


def _not_first_or_before_of(tokens: list[str], i: int) -> bool:
    """Not the first word ("CHURCH JOHN" is a person), unless "X OF …" (``BANK OF AMERICA``)."""
    return i > 0 or (i + 1 < len(tokens) and tokens[i + 1] == "OF")


def _last(tokens: list[str], i: int) -> bool:
    return i == len(tokens) - 1


def _after(*words: str) -> _Condition:
    """The previous token is one of ``words``."""
    previous = frozenset(words)
    return lambda tokens, i: i > 0 and tokens[i - 1] in previous


def _after_other_than(*words: str) -> _Condition:
    """Not the first token, and the previous token is none of ``words``."""
    excluded = frozenset(words)
    return lambda tokens, i: i > 0 and tokens[i - 1] not in excluded


def _before(*words: str) -> _Condition:
    """The next token is one of ``words``."""
    following = frozenset(words)
    return lambda tokens, i: i + 1 < len(tokens) and tokens[i + 1] in following


# The marker words, in order: a token gets the mark of the first row naming it whose condition
# holds (rows for one word read as "if …, else if …"); a word no row names is part of a name.
_OWNER_RULES: Final[tuple[tuple[tuple[str, ...], _Condition, int], ...]] = (
    (_COMPANY_WORDS, _not_first_or_before_of, _COMPANY),
    (("REAL",), _before("ESTATE", "EST"), _COMPANY),  # REAL ESTATE
    (_TRUST_WORDS, _not_first_or_before_of, _TRUST),
    (("EST", "ESTATE"), _before("OF"), _ESTATE),  # EST OF GARCIA JUAN
    (("EST", "ESTATE"), _after_other_than("REAL", "LIFE"), _ESTATE_TRAILING),  # GARCIA JUAN EST
    (("DECEASED", "DECD"), _always, _ESTATE),
    (("HEIRS", "HEIR", "HEIRS-AT-LAW"), _always, _HEIRS),
    (("LE",), _not_first, _LIFE_ESTATE),  # L/E
    (("LIFE",), _before("ESTATE", "EST"), _LIFE_ESTATE),
    (_GOV_STRONG_WORDS, _always, _GOV_STRONG),
    (("OF",), _after(*_GOV_BEFORE_OF), _GOV_STRONG),  # CITY OF, STATE OF
    (("OF",), _after("BOARD"), _GOV_WEAK),  # BOARD OF COUNTY COMMISSIONERS
    (("BOARD",), _after("SCHOOL"), _GOV_STRONG),
    (("AUTHORITY",), _after("HOUSING"), _GOV_STRONG),
    (("AUTHORITY",), _always, _GOV_WEAK),
    (("STATES",), _after("UNITED"), _GOV_STRONG),
    (("IMPROVEMENT",), _after("INTERNAL"), _GOV_STRONG),  # TRUSTEES OF INTERNAL IMPROVEMENT …
    (("DISTRICT",), _last, _GOV_STRONG),  # … WATER MANAGEMENT DISTRICT
    (("DISTRICT",), _always, _GOV_WEAK),
    (_GOV_WEAK_WORDS, _always, _GOV_WEAK),
)


def _rules_by_word() -> dict[str, tuple[tuple[_Condition, int], ...]]:
    rules: dict[str, tuple[tuple[_Condition, int], ...]] = {}
    for words, condition, mark in _OWNER_RULES:
        for word in words:
            rules[word] = (*rules.get(word, ()), (condition, mark))
    return rules


_RULES_BY_WORD: Final = _rules_by_word()

# The owner type: the first row whose marks the name has; a name with none of them is a person.
_OWNER_TYPES: Final[tuple[tuple[int, OwnerType], ...]] = (
    (_GOV_STRONG, "government"),
    (_COMPANY, "company"),
    (_GOV_WEAK, "government"),
    (_ESTATE | _ESTATE_TRAILING, "estate"),
    (_TRUST, "trust"),
)


def parse_owner_name(raw: str | None) -> OwnerName:
    """Owner type, estate/heirs/life-estate markers and LAST FIRST of a DOR ``OWN_NAME``.

    ``"GARCIA JUAN &W MARIA"`` -> person GARCIA/JUAN; ``"EST OF GARCIA JUAN"`` /
    ``"GARCIA JUAN EST"`` / ``"… (DECEASED)"`` -> estate; ``"HEIRS OF …"`` -> is_heirs;
    ``"… LE"`` -> life estate; ``"… TRS"`` / ``"… REVOCABLE TRUST"`` -> trust; ``"… LLC"`` /
    ``"BANK OF …"`` / ``"… CHURCH"`` -> company; ``"MIAMI-DADE COUNTY"`` / ``"CITY OF …"`` /
    ``"STATE OF FLORIDA"`` / ``"SCHOOL BOARD …"`` -> government. Precedence: strong government
    words, then company, then weak government words (COUNTY, BOARD OF, USA), then estate, trust,
    person (``_OWNER_TYPES``); which word says what is ``_OWNER_RULES``. Accented latin-1 letters
    are kept (``MUÑOZ JOSÉ``).
    """
    if raw is None:
        return OwnerName(None, None, None, None)
    full = " ".join(raw.upper().split())
    if not full:
        return OwnerName(None, None, None, None)
    text = full.replace("C/O", " CAREOF ") if "C/O" in full else full  # care-of: a separator
    tokens = text.translate(_OWNER_TABLE).split()
    size = len(tokens)
    rules_by_word = _RULES_BY_WORD
    marks = 0
    separator = size
    for i, word in enumerate(tokens):
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
            separator = i  # the first person ends: "&", "AND", "ETAL", "ET AL", "ET UX" …
        rules = rules_by_word.get(word)
        if rules is not None:
            for condition, mark in rules:
                if condition(tokens, i):
                    marks |= mark
                    break
    owner_type: OwnerType = "person"
    for needed, kind in _OWNER_TYPES:
        if marks & needed:
            owner_type = kind
            break
    is_estate = bool(
        marks & _ESTATE
        or (marks & _ESTATE_TRAILING and owner_type in ("estate", "person", "trust"))
    )
    heirs = bool(marks & _HEIRS)
    life = bool(marks & _LIFE_ESTATE)
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
