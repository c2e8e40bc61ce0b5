"""Florida DOR county numbers (CO_NO). PropIntel covers Miami-Dade (23); see docs/data.md."""

from __future__ import annotations

MIAMI_DADE = 23
_NAMES = (  # noqa: SIM905 - 67 names read better as one block of text
    "Alachua Baker Bay Bradford Brevard Broward Calhoun Charlotte Citrus Clay Collier Columbia "
    "Miami-Dade DeSoto Dixie Duval Escambia Flagler Franklin Gadsden Gilchrist Glades Gulf "
    "Hamilton Hardee Hendry Hernando Highlands Hillsborough Holmes Indian_River Jackson Jefferson "
    "Lafayette Lake Lee Leon Levy Liberty Madison Manatee Marion Martin Monroe Nassau Okaloosa "
    "Okeechobee Orange Osceola Palm_Beach Pasco Pinellas Polk Putnam St._Johns St._Lucie "
    "Santa_Rosa Sarasota Seminole Sumter Suwannee Taylor Union Volusia Wakulla Walton Washington"
).split()
COUNTY_NAMES = {number: name.replace("_", " ") for number, name in enumerate(_NAMES, start=11)}


def county_name(number: int) -> str:
    return COUNTY_NAMES.get(number, f"unknown county {number}")
