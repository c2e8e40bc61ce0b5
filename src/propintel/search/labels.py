"""Names for people of the search's codes (property types, owner types, kinds of leads), in the
current locale. The codes stay in URLs, forms and the API; pages show these names."""

from __future__ import annotations

from datetime import date
from typing import Final

from babel import Locale
from babel.dates import format_skeleton

from propintel.kit import i18n
from propintel.kit.i18n import N_, _

PROPERTY_TYPE_NAMES: Final[dict[str, str]] = {
    "vacant_residential": N_("vacant residential"),
    "single_family": N_("single family"),
    "mobile_home": N_("mobile home"),
    "multi_family_10_plus": N_("multi-family (10+ units)"),
    "condominium": N_("condominium"),
    "cooperative": N_("cooperative"),
    "retirement_home": N_("retirement home"),
    "misc_residential": N_("other residential"),
    "multi_family_under_10": N_("multi-family (under 10 units)"),
    "residential_common_elements": N_("residential common elements"),
    "vacant_commercial": N_("vacant commercial"),
    "vacant_industrial": N_("vacant industrial"),
    "commercial": N_("commercial"),
    "industrial": N_("industrial"),
    "agricultural": N_("agricultural"),
    "institutional": N_("institutional"),
    "government": N_("government"),
    "miscellaneous": N_("miscellaneous"),
}

OWNER_TYPE_NAMES: Final[dict[str, str]] = {
    "person": N_("Person"),
    "company": N_("Company"),
    "trust": N_("Trust"),
    "estate": N_("Estate"),
    "government": N_("Government"),
}

# What a lead was saved for (``saved_leads.lead_source``, the search's intents).
LEAD_KIND_NAMES: Final[dict[str, str]] = {
    "new_homeowner": N_("new homeowner"),
    "distressed": N_("distressed"),
    "fsbo": N_("FSBO"),
    "marketplace": N_("marketplace job"),
}


def _named(names: dict[str, str], code: str | None, default: str) -> str:
    if not code:
        return default
    name = names.get(code)
    return _(name) if name else code.replace("_", " ")


def property_type_name(code: str | None, default: str = "—") -> str:
    """``single_family`` → "single family" / "unifamiliar" (an unknown code in words)."""
    return _named(PROPERTY_TYPE_NAMES, code, default)


def owner_type_name(code: str | None, default: str = "—") -> str:
    """``trust`` → "Trust" / "Fideicomiso"."""
    return _named(OWNER_TYPE_NAMES, code, default)


def lead_kind_name(code: str | None, default: str = "—") -> str:
    """``new_homeowner`` → "new homeowner" / "nuevo propietario"."""
    return _named(LEAD_KIND_NAMES, code, default)


def format_month(day: date | None) -> str:
    """A date known only to the month: "June 2025" / "junio de 2025"."""
    if day is None:
        return "—"
    locale = Locale.parse(i18n.current_locale())
    return format_skeleton("yMMMM", day, locale=locale)
