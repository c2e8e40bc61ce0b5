"""The detection rules: one per ``intent_indicators.indicator_name``.

A rule holds for a property when it has an open record of one of the rule's ``signal_types`` (for
``pre_foreclosure``: a lis pendens with no sale recorded after it; for ``old_listing``: an active
FSBO listing over 90 days on market), or when its ``condition`` (SQL over the property ``p`` and its
last arm's-length sale ``s``: ``s.days`` since it, ``s.mortgage`` estimate) is true. Rules marked
``new_homeowner`` hold only on new homeowners (``IS_NEW_SQL``).

Each rule is one bit (its position in ``RULES``): the refresh computes two integer keys per
property, the *distressed key* (bits of the rules that hold on any property) and the *new-homeowner
key* (``IS_NEW_BIT`` plus the bits of the new-homeowner rules, 0 for everyone else), and looks their
breakdown, scores and flags up in small tables built from ``intent_indicators`` at each refresh.

Weights never live here: a rule only says *whether* a property has the indicator; the weight, and
whether it counts towards the distressed or the new-homeowner score, come from
``intent_indicators``. A rule whose indicator row does not exist detects nothing (``heirship``
until an admin adds it), but its flag column is still written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from propintel.ingest.landuse import RESIDENTIAL_TYPES, VACANT_CODES, is_residential
from propintel.ingest.signals_types import SIGNAL_INDICATORS

DISTRESSED: Final = "distressed_property"
NEW_HOMEOWNER: Final = "new_homeowner"

# The new-homeowner score of a sale 91 days to the setting's days ago: the spec's "ELSE 10".
NEW_HOMEOWNER_BASE_SCORE: Final = 10
LARGE_LAWN_SQFT: Final = 5_000  # large_lawn: lot strictly larger
OLD_HVAC_BEFORE_YEAR: Final = 2000  # old_hvac: built strictly before
OLD_LISTING_DAYS: Final = 90  # old_listing: strictly more days on market

RESIDENTIAL_CODES: Final = tuple(sorted(code for code in RESIDENTIAL_TYPES if is_residential(code)))


def sql_list(values: tuple[str, ...] | frozenset[str]) -> str:
    """Our own constants (codes, names) as a list of SQL string literals."""
    return ", ".join(f"'{value}'" for value in sorted(values))


@dataclass(frozen=True)
class Rule:
    name: str
    summary: str
    signal_types: tuple[str, ...] = ()
    condition: str | None = None
    flag: str | None = None  # the ``properties`` boolean that mirrors the detection
    new_homeowner: bool = False  # holds only on new homeowners
    listing: bool = False  # detected from FSBO listings (old_listing)


def _signal_types(indicator: str) -> tuple[str, ...]:
    return tuple(sorted(kind for kind, name in SIGNAL_INDICATORS.items() if name == indicator))


def _signal_rule(name: str, summary: str, flag: str | None = None) -> Rule:
    return Rule(name, summary, _signal_types(name), flag=flag)


# Order matters: a rule's bit is its position. Rules on any property first, then new-homeowner.
RULES: Final[tuple[Rule, ...]] = (
    _signal_rule("tax_lien", "open tax certificate or tax-deed application", "has_tax_lien"),
    _signal_rule(
        "pre_foreclosure",
        "open lis pendens, not cancelled, with no sale recorded after it",
        "is_pre_foreclosure",
    ),
    _signal_rule("foreclosure", "scheduled foreclosure auction or judgment", "is_foreclosure"),
    _signal_rule("code_violation", "open code-enforcement or building case", "has_code_violation"),
    Rule(
        "vacant",
        "vacant land use (DOR " + ", ".join(sorted(VACANT_CODES)) + ") or an open vacancy record",
        _signal_types("vacant"),
        f"p.dor_use_code IN ({sql_list(VACANT_CODES)})",
        "is_vacant",
    ),
    _signal_rule("probate", "probate filing or an estate marker in the owner name", "is_probate"),
    _signal_rule("divorce", "matched dissolution-of-marriage case", "is_divorce"),
    Rule(
        "heirship",
        "heirs marker in the owner name (scores only if an admin adds the indicator)",
        ("heirs_owner",),
        flag="is_heirship",
    ),
    Rule(
        "out_of_state_owner",
        "mailing address outside Florida (not FL/FLORIDA), or abroad",
        condition="p.out_of_state_owner",
    ),
    Rule(
        "high_equity",
        "estimated equity at least 50% of market value",
        # equity * 2 >= market value, with equity = market value - mortgage
        condition="p.market_value > 0 AND 2 * s.mortgage::bigint <= p.market_value",
    ),
    Rule(
        "old_listing",
        f"active FSBO listing more than {OLD_LISTING_DAYS} days on market",
        listing=True,
    ),
    Rule(
        "days_0_30",
        "new homeowner, sold 0–30 days ago",
        condition="s.days <= 30",
        new_homeowner=True,
    ),
    Rule(
        "days_31_60",
        "new homeowner, sold 31–60 days ago",
        condition="s.days BETWEEN 31 AND 60",
        new_homeowner=True,
    ),
    Rule(
        "days_61_90",
        "new homeowner, sold 61–90 days ago",
        condition="s.days BETWEEN 61 AND 90",
        new_homeowner=True,
    ),
    Rule(
        "has_pool",
        "new homeowner; the property has a pool (from pool permit or feature records)",
        condition="p.pool",
        new_homeowner=True,
    ),
    Rule(
        "large_lawn",
        f"new homeowner; lot larger than {LARGE_LAWN_SQFT:,} sqft",
        condition=f"p.lot_size_sqft > {LARGE_LAWN_SQFT}",
        new_homeowner=True,
    ),
    Rule(
        "old_hvac",
        f"new homeowner; built before {OLD_HVAC_BEFORE_YEAR}",
        condition=f"p.year_built < {OLD_HVAC_BEFORE_YEAR}",
        new_homeowner=True,
    ),
)

RULES_BY_NAME: Final = {rule.name: rule for rule in RULES}
BIT: Final = {rule.name: 1 << position for position, rule in enumerate(RULES)}
IS_NEW_BIT: Final = 1 << len(RULES)
BAND_RULES: Final = ("days_0_30", "days_31_60", "days_61_90")
ANY_PROPERTY_RULES: Final = tuple(rule for rule in RULES if not rule.new_homeowner)
NEW_HOMEOWNER_RULES: Final = tuple(rule for rule in RULES if rule.new_homeowner)
FLAG_RULES: Final = tuple(rule for rule in RULES if rule.flag)

# The distressed key's bits are the low ones, so its values are 0 .. DISTRESSED_KEYS - 1.
DISTRESSED_KEYS: Final = 1 << len(ANY_PROPERTY_RULES)
if RULES[: len(ANY_PROPERTY_RULES)] != ANY_PROPERTY_RULES or any(
    rule.new_homeowner for rule in FLAG_RULES
):  # pragma: no cover - a mistake in the list above
    raise RuntimeError("RULES: rules on any property (and every flag) come first")


def new_homeowner_keys() -> list[int]:
    """Every possible new-homeowner key: 0 (not a new homeowner), or ``IS_NEW_BIT`` with at most
    one band and any set of the other new-homeowner rules."""
    bands = [0, *(BIT[name] for name in BAND_RULES)]
    others = [BIT[rule.name] for rule in NEW_HOMEOWNER_RULES if rule.name not in BAND_RULES]
    subsets = [0]
    for bit in others:
        subsets += [subset | bit for subset in subsets]
    return [0, *sorted(IS_NEW_BIT | band | subset for band in bands for subset in subsets)]


def is_new_sql(new_homeowner_days: str) -> str:
    """A residential parcel (DOR 001 to 008) whose last arm's-length sale is 0 to N days old
    (``new_homeowner_days``: N as an SQL expression, a bound parameter)."""
    return (
        f"s.days BETWEEN 0 AND {new_homeowner_days}"
        f" AND p.dor_use_code IN ({sql_list(RESIDENTIAL_CODES)})"
    )


def hits(distressed_key: int, new_homeowner_key: int) -> dict[str, bool]:
    """The rules that hold, decoded from a property's two keys."""
    key = distressed_key | new_homeowner_key
    return {rule.name: bool(key & BIT[rule.name]) for rule in RULES}


def rule_for(name: str) -> Rule | None:
    return RULES_BY_NAME.get(name)
