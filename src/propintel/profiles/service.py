"""Profiles: a subscriber's business (contact details, services, service area, target criteria,
brand voice, logo) and a homeowner's name, phone and home.

Each account has one profile of its type, made at sign-up (auth) or here on first use. A PUT
replaces every editable field; ``verified`` and the license fields belong to the marketplace.
The service area is stored as entered (``service_area``) and the database derives its circle
(``service_area_geom``), so ``covers`` and ``subscribers_covering`` ask PostGIS (decision 0008).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import HomeownerProfile, SubscriberProfile, User, UserType
from propintel.ingest.parse.addresses import parse_situs_line
from propintel.integrations.storage import (
    PUBLIC_PREFIX,
    FileStorage,
    key_of_public_url,
    public_url,
)
from propintel.kit.errors import Forbidden, Invalid
from propintel.kit.i18n import _
from propintel.profiles.images import PHOTO, CheckedImage, checked_image, checked_logo
from propintel.profiles.repository import ProfileRepository
from propintel.profiles.schemas import HomeownerProfileIn, SubscriberProfileIn
from propintel.scoring import service as scoring
from propintel.search.criteria import SearchCriteria

# A point's ZIP code, when the caller does not know it: the ZIP of the nearest parcel this close.
ZIP_LOOKUP_METRES = 250.0
LOGO_PREFIX = PUBLIC_PREFIX + "logos/"


def _subscriber_only(user: User) -> None:
    if user.user_type != UserType.SUBSCRIBER:
        raise Forbidden(_("Only subscribers have a business profile."))


def _homeowner_only(user: User) -> None:
    if user.user_type != UserType.HOMEOWNER:
        raise Forbidden(_("Only homeowners have a homeowner profile."))


async def subscriber_profile(session: AsyncSession, user: User) -> SubscriberProfile:
    """The subscriber's profile, made now if the account has none yet."""
    _subscriber_only(user)
    repo = ProfileRepository.from_session(session)
    profile = await repo.subscriber_profile(user.user_id)
    if profile is None:
        profile = SubscriberProfile(user_id=user.user_id)
        await repo.add(profile)
        await session.refresh(profile)
    return profile


async def homeowner_profile(session: AsyncSession, user: User) -> HomeownerProfile:
    _homeowner_only(user)
    repo = ProfileRepository.from_session(session)
    profile = await repo.homeowner_profile(user.user_id)
    if profile is None:
        profile = HomeownerProfile(user_id=user.user_id)
        await repo.add(profile)
        await session.refresh(profile)
    return profile


async def update_subscriber_profile(
    session: AsyncSession, user: User, data: SubscriberProfileIn, now: datetime
) -> SubscriberProfile:
    """Replace every editable field with ``data`` (already validated by its schema); target
    criteria naming an unknown indicator are refused as a search would refuse them."""
    profile = await subscriber_profile(session, user)
    if data.target_criteria is not None:
        await _check_indicators(session, data.target_criteria)
    profile.business_name = data.business_name
    profile.business_type = data.business_type
    profile.business_description = data.business_description
    profile.business_phone = data.business_phone
    profile.business_email = data.business_email
    profile.website_url = data.website_url
    profile.postal_address = data.postal_address
    profile.brand_voice = data.brand_voice
    profile.services_offered = data.services_offered
    profile.service_area = data.service_area.stored() if data.service_area else None
    profile.target_criteria = data.target_criteria.stored() if data.target_criteria else None
    profile.updated_at = now
    await session.flush()
    return profile


async def _check_indicators(session: AsyncSession, criteria: SearchCriteria) -> None:
    """The criteria's indicator names exist (the rest is the criteria model's own checks)."""
    if not criteria.indicator:
        return
    known = {row.indicator_name for row in await scoring.indicators(session, with_counts=False)}
    unknown = [name for name in criteria.indicator if name not in known]
    if unknown:
        raise Invalid(
            _("Unknown indicator: {names}.").format(names=", ".join(unknown)),
            field="target_criteria.indicator",
        )


@dataclass(frozen=True)
class MatchedHome:
    property_id: uuid.UUID
    full_address: str
    zip_code: str | None


async def update_homeowner_profile(
    session: AsyncSession, user: User, data: HomeownerProfileIn
) -> HomeownerProfile:
    """Name, phone, and the address normalised as the importers normalise addresses (street
    key, city, ZIP), matched to the one property with that key (and ZIP) when there is one."""
    profile = await homeowner_profile(session, user)
    matched = await match_address(session, data.address, data.zip_code)
    profile.full_name = data.full_name
    profile.phone_number = data.phone_number
    profile.address = matched.address
    profile.zip_code = matched.zip_code
    profile.property_id = matched.property_id
    await session.flush()
    return profile


@dataclass(frozen=True)
class MatchedAddress:
    address: str | None
    zip_code: str | None
    property_id: uuid.UUID | None  # the one property with this street key (and ZIP), if any


async def match_address(
    session: AsyncSession, line: str | None, zip_code: str | None
) -> MatchedAddress:
    """An address normalised as the importers normalise addresses (street key, city, ZIP) and
    matched to the one property with that key (and ZIP) when there is one (``Invalid`` naming
    the field when the line has no street or is outside Florida). Homeowner profiles and
    marketplace jobs use it."""
    address, zip5 = _normalized_address(line, zip_code)
    property_id = None
    if address is not None:
        street_key = address.split(", ")[0]
        found = await ProfileRepository.from_session(session).properties_at(street_key, zip5)
        if len(found) == 1:
            property_id = found[0]
    return MatchedAddress(address, zip5, property_id)


def _normalized_address(line: str | None, zip_code: str | None) -> tuple[str | None, str | None]:
    if line is None:
        return None, zip_code
    parsed = parse_situs_line(line)
    if parsed.street is None:
        raise Invalid(_("Enter the street address (number and street)."), field="address")
    if parsed.state is not None and parsed.state != "FL":
        raise Invalid(_("Only Florida addresses can be matched."), field="address")
    if zip_code is not None and parsed.zip5 is not None and parsed.zip5 != zip_code:
        raise Invalid(
            _("The ZIP code in the address is not the one in the ZIP code field."),
            field="zip_code",
        )
    address = parsed.street if parsed.city is None else f"{parsed.street}, {parsed.city}"
    return address, zip_code or parsed.zip5


async def matched_home(session: AsyncSession, profile: HomeownerProfile) -> MatchedHome | None:
    if profile.property_id is None:
        return None
    found = await ProfileRepository.from_session(session).property_summary(profile.property_id)
    if found is None:
        return None
    return MatchedHome(profile.property_id, found[0], found[1])


# ---- service area coverage -----------------------------------------------------------------------


async def _point_zip(
    session: AsyncSession, lat: float, lon: float, zip_code: str | None
) -> str | None:
    if zip_code is not None:
        return zip_code[:5]
    return await ProfileRepository.from_session(session).zip_near(lat, lon, ZIP_LOOKUP_METRES)


async def covers(
    session: AsyncSession,
    profile_or_user_id: SubscriberProfile | uuid.UUID,
    lat: float,
    lon: float,
    zip_code: str | None = None,
) -> bool:
    """Whether the subscriber's service area covers the point: inside the circle, or in one of
    its ZIP codes (``zip_code`` when the caller knows the point's, else the ZIP of the nearest
    parcel within ``ZIP_LOOKUP_METRES``). A subscriber without a profile or area covers nothing."""
    repo = ProfileRepository.from_session(session)
    if isinstance(profile_or_user_id, SubscriberProfile):
        profile: SubscriberProfile | None = profile_or_user_id
        await session.flush()  # the generated circle follows the latest service_area
    else:
        profile = await repo.subscriber_profile(profile_or_user_id)
    if profile is None or not profile.service_area:
        return False
    point_zip = await _point_zip(session, lat, lon, zip_code)
    return await repo.covers(profile.profile_id, lat, lon, point_zip)


async def subscribers_covering(
    session: AsyncSession, lat: float, lon: float, zip_code: str | None = None
) -> list[uuid.UUID]:
    """The user ids of the subscribers whose service area covers the point (as ``covers``)."""
    point_zip = await _point_zip(session, lat, lon, zip_code)
    return await ProfileRepository.from_session(session).users_covering(lat, lon, point_zip)


def checked_photo(data: bytes, max_bytes: int, name: str) -> CheckedImage:
    """A photo (a marketplace job's) checked by its content and re-encoded, as logos are."""
    return checked_image(data, max_bytes, PHOTO, name)


# ---- logo ----------------------------------------------------------------------------------------


async def replace_logo(
    session: AsyncSession, user: User, storage: FileStorage, data: bytes, max_bytes: int
) -> SubscriberProfile:
    """Check the upload by its content, store our re-encoding, point the profile at it and delete
    the logo it replaces. A refused file stores nothing."""
    profile = await subscriber_profile(session, user)
    image = await to_thread.run_sync(checked_logo, data, max_bytes)
    key = f"{LOGO_PREFIX}{uuid.uuid4().hex}.{image.extension}"
    await to_thread.run_sync(storage.put, key, image.data, image.content_type)
    old_key = key_of_public_url(profile.business_logo_url)
    profile.business_logo_url = public_url(key)
    await session.flush()
    if old_key is not None:
        await to_thread.run_sync(storage.delete, old_key)
    return profile


async def remove_logo(session: AsyncSession, user: User, storage: FileStorage) -> None:
    profile = await subscriber_profile(session, user)
    old_key = key_of_public_url(profile.business_logo_url)
    profile.business_logo_url = None
    await session.flush()
    if old_key is not None:
        await to_thread.run_sync(storage.delete, old_key)
