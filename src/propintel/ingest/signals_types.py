"""The signal types stored in ``property_signals`` and the scoring indicator each one feeds.

Importable without the importers (the scoring engine reads these). A signal record is evidence;
the indicator is what scoring detects from open records of that type.
"""

from __future__ import annotations

from typing import Final

# Types a generic signal file (and the specific importers) may write: type -> what it records.
SIGNAL_TYPES: Final[dict[str, str]] = {
    "tax_lien": "open tax certificate, or a tax-deed application/auction (TAXDEED)",
    "pre_foreclosure": "lis pendens recorded and not cancelled",
    "foreclosure": "scheduled foreclosure auction, or a foreclosure judgment",
    "code_violation": "code enforcement case",
    "building_violation": "building case (unsafe structure, expired permit, …)",
    "vacant": "vacant / unsecured / abandoned / unsafe-structure case: evidence of vacancy",
    "probate": "probate filing or death certificate of an owner's estate",
    "divorce": "dissolution-of-marriage case of an owner",
    "pool": "the property has a pool (permit or feature feed)",
}

# Written by the NAL importer from owner-name markers (not accepted in generic files).
DERIVED_SIGNAL_TYPES: Final[dict[str, str]] = {
    "estate_owner": "owner name carries an estate marker (EST OF …, … EST, DECEASED)",
    "heirs_owner": "owner name carries an heirs marker (HEIRS OF …, UNKNOWN HEIRS)",
}

# Which ``intent_indicators.indicator_name`` an open record of each type detects; None: stored
# only (is_heirship is a flag that scores only if an admin adds an indicator for it). Pool records
# detect nothing themselves: they set ``properties.pool`` (signals.py), which ``has_pool`` reads.
SIGNAL_INDICATORS: Final[dict[str, str | None]] = {
    "tax_lien": "tax_lien",
    "pre_foreclosure": "pre_foreclosure",
    "foreclosure": "foreclosure",
    "code_violation": "code_violation",
    "building_violation": "code_violation",  # "open code or building case"
    "vacant": "vacant",
    "probate": "probate",
    "divorce": "divorce",
    "pool": None,
    "estate_owner": "probate",
    "heirs_owner": None,
}

SIGNAL_STATUSES: Final = ("open", "closed", "cancelled")
