"""Ready-made searches per trade, shown on the search page as links (each is just a search URL)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from propintel.kit.i18n import N_
from propintel.search.criteria import Intent, Point
from propintel.search.scope import Scope

MIAMI = Point(25.7743, -80.1937)  # downtown Miami: the maps' default centre


@dataclass(frozen=True)
class Preset:
    label: str  # English, marked with N_: translated where shown
    intent: Intent
    query: tuple[tuple[str, str], ...]

    @property
    def url(self) -> str:
        return "/search?" + urlencode([("intent", self.intent.value), *self.query])


PRESETS = (
    Preset(N_("Pool service: new owners with pools"), Intent.NEW_HOMEOWNER, (("pool", "true"),)),
    Preset(
        N_("HVAC: new owners of homes built before 2000"),
        Intent.NEW_HOMEOWNER,
        (("indicator", "old_hvac"),),
    ),
    Preset(
        N_("Lawn care: new owners, lots over 5,000 sqft"),
        Intent.NEW_HOMEOWNER,
        (("indicator", "large_lawn"), ("sold_within_days", "90")),
    ),
    Preset(
        N_("Pre-foreclosure within 5 km"),
        Intent.DISTRESSED,
        (("indicator", "pre_foreclosure"), ("near", str(MIAMI)), ("radius_m", "5000")),
    ),
    Preset(
        N_("Tired landlords: out-of-state, owned 20+ years"),
        Intent.DISTRESSED,
        (("out_of_state", "true"), ("min_years_owned", "20")),
    ),
    Preset(
        N_("Tax lien with high equity"),
        Intent.DISTRESSED,
        (("indicator", "tax_lien"), ("indicator", "high_equity")),
    ),
    Preset(N_("FSBO listings over 90 days"), Intent.FSBO, (("indicator", "old_listing"),)),
)


def presets_for(scope: Scope | None) -> list[Preset]:
    """The presets a plan can run (all of them, greyed out by the page, without a plan)."""
    return [preset for preset in PRESETS if scope is None or scope.allows(preset.intent)]
