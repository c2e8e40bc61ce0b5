"""Owner names: ``parse_owner_name`` reads a DOR ``OWN_NAME`` ("LAST FIRST M"): owner type, estate /
heirs / life-estate markers, and LAST/FIRST of the first person named."""

from __future__ import annotations

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
