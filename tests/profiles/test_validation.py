"""Profile validation: every refused value names its field, and accepted values come back
normalised (phones E.164, websites with a scheme, ZIPs deduplicated, services in list order)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from propintel.profiles.categories import SERVICE_CATEGORIES
from propintel.profiles.schemas import (
    HomeownerProfileIn,
    ServiceArea,
    SubscriberProfileIn,
    normalize_phone,
)

CENTER = {"lat": 25.7617, "lon": -80.1918}

REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"service_area": {"zip_codes": ["3313"]}}, "service_area.zip_codes"),
    ({"service_area": {"zip_codes": "33139, 3314x"}}, "service_area.zip_codes"),
    ({"service_area": {"radius_miles": 5}}, "service_area.radius_miles"),
    ({"service_area": {"center": CENTER}}, "service_area.radius_miles"),
    ({"service_area": {"center": CENTER, "radius_miles": 0.4}}, "service_area.radius_miles"),
    ({"service_area": {"center": CENTER, "radius_miles": 101}}, "service_area.radius_miles"),
    ({"service_area": {"center": CENTER, "radius_miles": "nan"}}, "service_area.radius_miles"),
    (
        {"service_area": {"center": {"lat": 40.7, "lon": -74.0}, "radius_miles": 5}},
        "service_area.center.lat",
    ),
    (
        {"service_area": {"center": {"lat": 25.7, "lon": 80.2}, "radius_miles": 5}},
        "service_area.center.lon",
    ),  # a lost minus sign
    ({"service_area": {"zip_codes": [], "polygon": []}}, "service_area.polygon"),
    ({"business_phone": "555-1234"}, "business_phone"),
    ({"business_phone": "(105) 555-1234"}, "business_phone"),  # area codes never start with 1
    ({"business_phone": "+44 20 7946 0958"}, "business_phone"),
    ({"business_email": "not-an-address"}, "business_email"),
    ({"website_url": "javascript:alert(1)"}, "website_url"),
    ({"website_url": "ftp://files.example.com"}, "website_url"),
    ({"website_url": "https://user:secret@example.com"}, "website_url"),
    ({"website_url": "http://localhost"}, "website_url"),
    ({"services_offered": ["pool", "alchemy"]}, "services_offered"),
    ({"services_offered": "pool"}, "services_offered"),
    ({"business_type": "wizard"}, "business_type"),
    ({"brand_voice": "sarcastic"}, "brand_voice"),
    ({"business_name": "x" * 256}, "business_name"),
    ({"target_criteria": {"zip": ["1234"]}}, "target_criteria.zip"),
    ({"target_criteria": {"radius_m": 100}}, "target_criteria.radius_m"),
    ({"verified": True}, "verified"),
    ({"license_number": "CGC123"}, "license_number"),
]


def _fields(error: ValidationError) -> set[str]:
    return {".".join(str(part) for part in item["loc"]) for item in error.errors()}


@pytest.mark.parametrize(("body", "field"), REFUSED)
def test_refused_values_name_their_field(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SubscriberProfileIn.model_validate(body)
    assert field in _fields(caught.value)


def test_accepted_values_are_normalised() -> None:
    profile = SubscriberProfileIn.model_validate(
        {
            "business_name": "  Sunny   Pools ",
            "business_phone": "1 (305) 555-0123",
            "business_email": "Owner@SunnyPools.COM",
            "website_url": "sunnypools.com/about",
            "services_offered": ["roofing", "pool", "pool"],
            "service_area": {
                "zip_codes": "33139 33140,33139",
                "center": {"lat": "25.7617", "lon": -80.1918},
                "radius_miles": 10,
            },
            "business_type": "",
            "brand_voice": "",
        }
    )
    assert profile.business_name == "Sunny Pools"
    assert profile.business_phone == "+13055550123"
    assert profile.business_email == "Owner@sunnypools.com"
    assert profile.website_url == "https://sunnypools.com/about"
    assert profile.services_offered == ["pool", "roofing"]
    assert profile.business_type is None
    assert profile.brand_voice == "professional"
    assert profile.service_area is not None
    assert profile.service_area.stored() == {
        "zip_codes": ["33139", "33140"],
        "center": {"lat": 25.7617, "lon": -80.1918},
        "radius_miles": 10.0,
    }


def test_an_empty_service_area_stores_nothing() -> None:
    assert ServiceArea.model_validate({"zip_codes": ""}).stored() is None
    assert ServiceArea.model_validate({"zip_codes": ["33139"]}).stored() == {"zip_codes": ["33139"]}


def test_homeowner_fields_and_refusals() -> None:
    home = HomeownerProfileIn.model_validate(
        {"full_name": "Ana  Pérez", "phone_number": "305.555.0199", "zip_code": " 33139 "}
    )
    assert (home.full_name, home.phone_number, home.zip_code) == (
        "Ana Pérez",
        "+13055550199",
        "33139",
    )
    with pytest.raises(ValidationError) as caught:
        HomeownerProfileIn.model_validate({"zip_code": "3313", "business_name": "x"})
    assert _fields(caught.value) == {"zip_code", "business_name"}


def test_the_category_slugs_are_stable_identifiers() -> None:
    assert len(SERVICE_CATEGORIES) >= 20
    assert all(slug.isidentifier() and slug == slug.lower() for slug in SERVICE_CATEGORIES)


@given(
    st.from_regex(r"[2-9][0-9]{2}[2-9][0-9]{6}", fullmatch=True),
    st.sampled_from(
        ["{a}{b}{c}", "({a}) {b}-{c}", "{a}-{b}-{c}", "+1 {a} {b} {c}", "1.{a}.{b}.{c}"]
    ),
)
def test_every_spelling_of_a_number_normalises_to_one_form(digits: str, shape: str) -> None:
    spelled = shape.format(a=digits[:3], b=digits[3:6], c=digits[6:])
    assert normalize_phone(spelled) == "+1" + digits
    assert normalize_phone(normalize_phone(spelled)) == "+1" + digits
