"""Profiles against the real database: the service area covers points through PostGIS (the
generated circle) and the ZIP list; homeowner addresses are normalised and matched to a property."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import UserType
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Forbidden, Invalid
from propintel.profiles import service as profiles
from propintel.profiles.schemas import HomeownerProfileIn, SubscriberProfileIn
from tests.factories import make_property, make_subscriber, make_user

DOWNTOWN = {"lat": 25.7617, "lon": -80.1918}
# About 3.4 miles north of downtown, and about 6.9 miles north.
NEAR = (25.81, -80.1918)
FAR = (25.86, -80.1918)


async def _subscriber_with(db: AsyncSession, area: dict[str, object] | None):  # type: ignore[no-untyped-def]
    user = await make_subscriber(db)
    data = SubscriberProfileIn.model_validate({"service_area": area})
    await profiles.update_subscriber_profile(db, user, data, now_new_york())
    return user


async def test_a_radius_covers_what_is_inside_the_circle_only(db: AsyncSession) -> None:
    user = await _subscriber_with(db, {"center": DOWNTOWN, "radius_miles": 5})
    assert await profiles.covers(db, user.user_id, *NEAR) is True
    assert await profiles.covers(db, user.user_id, *FAR) is False
    assert user.user_id in await profiles.subscribers_covering(db, *NEAR)
    assert user.user_id not in await profiles.subscribers_covering(db, *FAR)


async def test_the_circle_follows_the_radius_in_miles(db: AsyncSession) -> None:
    user = await _subscriber_with(db, {"center": DOWNTOWN, "radius_miles": 8})
    assert await profiles.covers(db, user.user_id, *FAR) is True  # 6.9 miles < 8


async def test_zip_codes_cover_points_of_those_zips(db: AsyncSession) -> None:
    user = await _subscriber_with(db, {"zip_codes": ["33139", "33140"]})
    assert await profiles.covers(db, user.user_id, *FAR, zip_code="33139") is True
    assert await profiles.covers(db, user.user_id, *FAR, zip_code="33128") is False
    assert user.user_id in await profiles.subscribers_covering(db, *FAR, zip_code="33140")
    assert user.user_id not in await profiles.subscribers_covering(db, *FAR, zip_code="33141")


async def test_without_a_zip_the_nearest_parcel_gives_the_point_its_zip(db: AsyncSession) -> None:
    user = await _subscriber_with(db, {"zip_codes": ["33139"]})
    await make_property(db, at=(25.79, -80.13), zip_code="33139")
    assert await profiles.covers(db, user.user_id, 25.7901, -80.1301) is True
    assert await profiles.covers(db, user.user_id, 25.70, -80.30) is False  # no parcel near


async def test_no_area_covers_nothing(db: AsyncSession) -> None:
    user = await _subscriber_with(db, None)
    assert await profiles.covers(db, user.user_id, *NEAR, zip_code="33139") is False
    homeowner = await make_user(db, UserType.HOMEOWNER)
    assert await profiles.covers(db, homeowner.user_id, *NEAR) is False


async def test_changing_the_area_moves_the_circle(db: AsyncSession) -> None:
    user = await _subscriber_with(db, {"center": DOWNTOWN, "radius_miles": 5})
    profile = await profiles.subscriber_profile(db, user)
    data = SubscriberProfileIn.model_validate(
        {"service_area": {"center": {"lat": 25.86, "lon": -80.19}, "radius_miles": 1}}
    )
    await profiles.update_subscriber_profile(db, user, data, now_new_york())
    assert await profiles.covers(db, profile, *FAR) is True
    assert await profiles.covers(db, profile, *NEAR) is False


async def test_target_criteria_with_an_unknown_indicator_are_refused(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    data = SubscriberProfileIn.model_validate({"target_criteria": {"indicator": ["no_such"]}})
    with pytest.raises(Invalid) as caught:
        await profiles.update_subscriber_profile(db, user, data, now_new_york())
    assert caught.value.field == "target_criteria.indicator"
    good = SubscriberProfileIn.model_validate(
        {"target_criteria": {"intent": "distressed", "zip": "33139", "indicator": ["tax_lien"]}}
    )
    profile = await profiles.update_subscriber_profile(db, user, good, now_new_york())
    assert profile.target_criteria == {
        "intent": "distressed",
        "zip": ["33139"],
        "indicator": ["tax_lien"],
    }


async def test_a_homeowner_address_is_normalised_and_matched(db: AsyncSession) -> None:
    home_id = await make_property(
        db, street_address="555 NE 15 ST UNIT 20-E", address_key="555 NE 15 ST UNIT 20-E",
        zip_code="33132", full_address="555 NE 15 ST UNIT 20-E, MIAMI, FL 33132",
    )  # fmt: skip
    user = await make_user(db, UserType.HOMEOWNER)
    data = HomeownerProfileIn.model_validate(
        {"full_name": "Ana", "address": "555 N.E. 15th Street, #20-E, Miami, FL 33132"}
    )
    profile = await profiles.update_homeowner_profile(db, user, data)
    assert profile.address == "555 NE 15 ST UNIT 20-E, MIAMI"
    assert profile.zip_code == "33132"
    assert profile.property_id == home_id
    home = await profiles.matched_home(db, profile)
    assert home is not None and home.full_address.startswith("555 NE 15 ST")


async def test_an_address_elsewhere_or_ambiguous_is_not_matched(db: AsyncSession) -> None:
    await make_property(
        db, street_address="10 OCEAN DR", address_key="10 OCEAN DR", zip_code="33139"
    )
    await make_property(
        db, street_address="20 OCEAN DR", address_key="20 OCEAN DR UNIT 1", zip_code="33139"
    )
    await make_property(
        db, street_address="20 OCEAN DR", address_key="20 OCEAN DR UNIT 2", zip_code="33139"
    )
    user = await make_user(db, UserType.HOMEOWNER)
    other_zip = HomeownerProfileIn.model_validate(
        {"address": "10 Ocean Drive", "zip_code": "33140"}
    )
    assert (await profiles.update_homeowner_profile(db, user, other_zip)).property_id is None
    same_zip = HomeownerProfileIn.model_validate({"address": "10 Ocean Drive", "zip_code": "33139"})
    assert (await profiles.update_homeowner_profile(db, user, same_zip)).property_id is not None
    two_units = HomeownerProfileIn.model_validate({"address": "20 Ocean Dr", "zip_code": "33139"})
    assert (await profiles.update_homeowner_profile(db, user, two_units)).property_id is None


async def test_address_refusals(db: AsyncSession) -> None:
    user = await make_user(db, UserType.HOMEOWNER)
    for body, field in [
        ({"address": "10 Ocean Dr, Miami, FL 33139", "zip_code": "33140"}, "zip_code"),
        ({"address": "10 Main St, Albany, NY 12207"}, "address"),
    ]:
        with pytest.raises(Invalid) as caught:
            await profiles.update_homeowner_profile(
                db, user, HomeownerProfileIn.model_validate(body)
            )
        assert caught.value.field == field


async def test_each_account_type_has_only_its_own_profile(db: AsyncSession) -> None:
    homeowner = await make_user(db, UserType.HOMEOWNER)
    subscriber = await make_subscriber(db)
    with pytest.raises(Forbidden):
        await profiles.subscriber_profile(db, homeowner)
    with pytest.raises(Forbidden):
        await profiles.homeowner_profile(db, subscriber)
