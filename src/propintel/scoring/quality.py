"""``data_quality_score`` (0 to 100): how complete and valid a property's record is.

Each check is worth ``points``; the score is the sum of the checks a property passes (they add up to
100). A check that does not apply to the property (no building on vacant land, no lot of its own in
a condominium, no bedrooms in a shop) is passed. A field an import nulled as out of range (see
``data_issues``) is missing, so it fails its check. Documented in docs/scoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from propintel.ingest.landuse import VACANT_CODES
from propintel.kit.i18n import N_
from propintel.scoring.indicators import RESIDENTIAL_CODES, sql_list

_VACANT = sql_list(VACANT_CODES)
_NO_OWN_LOT = "'004', '005'"  # condominium, cooperative: the land belongs to the association


@dataclass(frozen=True)
class Check:
    name: str
    points: int
    # SQL over the property ``p`` (``{year}``: the as-of year, an SQL expression). The cheap test
    # comes first: the land-use code is compared only when a field is missing.
    condition: str
    meaning: str  # English (N_): translated where shown


CHECKS: Final[tuple[Check, ...]] = (
    Check(
        "situs_address",
        15,
        "p.street_address <> '' AND p.address_key IS NOT NULL",
        N_("a street address that normalises to a matching key"),
    ),
    Check(
        "zip_code",
        10,
        "p.zip_code COLLATE \"C\" BETWEEN '33000' AND '33299' AND p.zip_code ~ '^[0-9]{{5}}$'",
        N_("a five-digit Miami-Dade ZIP code (33000 to 33299)"),
    ),
    Check("location", 10, "p.location IS NOT NULL", N_("a map location (PA point layer)")),
    Check("owner_name", 10, "p.owner_name <> ''", N_("an owner name")),
    Check("mailing_address", 5, "p.mailing_address <> ''", N_("an owner mailing address")),
    Check(
        "land_use",
        10,
        "p.property_type IS NOT NULL",
        N_("a DOR land-use code the importers recognise (property_type is derived from it)"),
    ),
    Check("market_value", 10, "p.market_value > 0", N_("a positive market (just) value")),
    Check(
        "assessed_value",
        5,
        "p.assessed_value > 0 AND p.assessed_value <= p.market_value",
        N_("an assessed value, not above the market value (Florida caps it there)"),
    ),
    Check(
        "year_built",
        10,
        f"p.year_built BETWEEN 1700 AND {{year}} + 2 OR p.dor_use_code IN ({_VACANT})",
        N_("a plausible year built (1700 to the as-of year + 2), unless vacant land"),
    ),
    Check(
        "living_area",
        5,
        f"p.square_feet > 0 OR p.dor_use_code IN ({_VACANT})",
        N_("a positive living area, unless vacant land"),
    ),
    Check(
        "lot_size",
        5,
        f"p.lot_size_sqft > 0 OR p.dor_use_code IN ({_NO_OWN_LOT})",
        N_("a positive lot size, unless a condominium or cooperative unit"),
    ),
    Check(
        "rooms",
        5,
        "(p.bedrooms IS NOT NULL AND p.bathrooms IS NOT NULL) OR p.dor_use_code IS NULL"
        f" OR p.dor_use_code NOT IN ({sql_list(RESIDENTIAL_CODES)})",
        N_("bedrooms and bathrooms known, for residential parcels"),
    ),
)


def _condition(check: Check, as_of: str) -> str:
    return check.condition.format(year=f"date_part('year', {as_of})::int")


def score_sql(as_of: str) -> str:
    """The score of the property ``p`` on the date ``as_of`` (an SQL expression)."""
    terms = [
        f"CASE WHEN {_condition(check, as_of)} THEN {check.points} ELSE 0 END" for check in CHECKS
    ]
    return "(" + "\n   + ".join(terms) + ")"


def checks_sql(as_of: str) -> str:
    """Select-list items ``q_<check>``: whether the property ``p`` passes each check."""
    return ", ".join(
        f"COALESCE(({_condition(check, as_of)}), false) AS q_{check.name}" for check in CHECKS
    )
