"""Florida DOR land-use codes (DOR_UC) → our ``property_type``, and which codes are residential."""

from __future__ import annotations

RESIDENTIAL_TYPES = {
    "000": "vacant_residential",
    "001": "single_family",
    "002": "mobile_home",
    "003": "multi_family_10_plus",
    "004": "condominium",
    "005": "cooperative",
    "006": "retirement_home",
    "007": "misc_residential",
    "008": "multi_family_under_10",
    "009": "residential_common_elements",
}
VACANT_CODES = frozenset({"000", "010", "040"})


def dor_code(raw: str) -> str | None:
    """Three-digit DOR code from NAL (``1`` → ``001``) or the PA layer's four digits (``0101``)."""
    digits = raw.strip()
    if not digits.isdigit():
        return None
    if len(digits) == 4:  # PA DOR_CODE_CUR: DOR use code (2 digits) + the county's sub-code
        digits = digits[:2]
    return digits.zfill(3) if len(digits) <= 3 else None


def property_type(code: str | None) -> str | None:
    if code is None:
        return None
    if code in RESIDENTIAL_TYPES:
        return RESIDENTIAL_TYPES[code]
    number = int(code)
    if code == "010":
        return "vacant_commercial"
    if code == "040":
        return "vacant_industrial"
    for upper, name in (
        (39, "commercial"),
        (49, "industrial"),
        (69, "agricultural"),
        (79, "institutional"),
        (89, "government"),
        (99, "miscellaneous"),
    ):
        if number <= upper:
            return name
    return None


def is_residential(code: str | None) -> bool:
    return code is not None and code in RESIDENTIAL_TYPES and code not in {"000", "009"}
