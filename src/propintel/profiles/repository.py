"""Every query of profiles: a user's profile, the service-area coverage the marketplace asks
(PostGIS over the generated circle, the ZIP list over its GIN index), and homeowner addresses
matched to properties by the importers' street key."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select, text

from propintel.auth.models import HomeownerProfile, SubscriberProfile
from propintel.db.repository import Repository
from propintel.profiles.tables import properties, service_areas

UNIT = " UNIT "

# Kept as text: a PostGIS nearest-neighbour lookup (geography KNN over the properties' GiST index).
# The ZIP code of the property nearest to a point, within ``metres``.
_ZIP_NEAR = text(
    """
    SELECT left(zip_code, 5) FROM properties
    WHERE zip_code IS NOT NULL AND location IS NOT NULL
      AND ST_DWithin(location, CAST(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS geography),
                     :metres)
    ORDER BY location <-> CAST(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS geography)
    LIMIT 1
    """
)


def _point(lat: float, lon: float) -> ColumnElement[object]:
    return func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)


class ProfileRepository(Repository):
    async def add(self, profile: SubscriberProfile | HomeownerProfile) -> None:
        self.session.add(profile)
        await self.session.flush()

    async def subscriber_profile(self, user_id: uuid.UUID) -> SubscriberProfile | None:
        """The user's profile (the oldest, should there be several, as auth reads it)."""
        found: SubscriberProfile | None = await self.session.scalar(
            select(SubscriberProfile)
            .where(SubscriberProfile.user_id == user_id)
            .order_by(SubscriberProfile.created_at, SubscriberProfile.profile_id)
            .limit(1)
        )
        return found

    async def homeowner_profile(self, user_id: uuid.UUID) -> HomeownerProfile | None:
        found: HomeownerProfile | None = await self.session.scalar(
            select(HomeownerProfile)
            .where(HomeownerProfile.user_id == user_id)
            .order_by(HomeownerProfile.created_at, HomeownerProfile.profile_id)
            .limit(1)
        )
        return found

    def _covering(self, lat: float, lon: float, zip_code: str | None) -> ColumnElement[bool]:
        covered: ColumnElement[bool] = func.ST_Covers(
            service_areas.c.service_area_geom, _point(lat, lon)
        )
        if zip_code is None:
            return covered
        return or_(covered, service_areas.c.service_area["zip_codes"].contains([zip_code]))

    async def covers(
        self, profile_id: uuid.UUID, lat: float, lon: float, zip_code: str | None
    ) -> bool:
        found = await self.session.scalar(
            select(self._covering(lat, lon, zip_code)).where(
                service_areas.c.profile_id == profile_id
            )
        )
        return bool(found)

    async def users_covering(self, lat: float, lon: float, zip_code: str | None) -> list[uuid.UUID]:
        """The subscribers whose service area covers the point (or serves its ZIP code)."""
        rows = await self.session.scalars(
            select(service_areas.c.user_id)
            .where(self._covering(lat, lon, zip_code), service_areas.c.user_id.is_not(None))
            .distinct()
            .order_by(service_areas.c.user_id)
        )
        return list(rows)

    async def zip_near(self, lat: float, lon: float, metres: float) -> str | None:
        found: str | None = await self.session.scalar(
            _ZIP_NEAR, {"lat": lat, "lon": lon, "metres": metres}
        )
        return found

    async def properties_at(self, street_key: str, zip_code: str | None) -> Sequence[uuid.UUID]:
        """Up to two properties with this street key (ZIP agreeing when both have one); without
        a unit in the key, also the properties whose key without its unit is this key."""
        zip_agrees = (
            or_(properties.c.zip_code.is_(None), func.left(properties.c.zip_code, 5) == zip_code)
            if zip_code
            else None
        )
        statement = select(properties.c.property_id).where(properties.c.address_key == street_key)
        if zip_agrees is not None:
            statement = statement.where(zip_agrees)
        exact = list(await self.session.scalars(statement.limit(2)))
        if exact or UNIT in street_key:
            return exact
        street = select(properties.c.property_id).where(
            func.split_part(properties.c.address_key, UNIT, 1) == street_key
        )
        if zip_agrees is not None:
            street = street.where(zip_agrees)
        return list(await self.session.scalars(street.limit(2)))

    async def property_summary(self, property_id: uuid.UUID) -> tuple[str, str | None] | None:
        row = (
            await self.session.execute(
                select(properties.c.full_address, properties.c.zip_code).where(
                    properties.c.property_id == property_id
                )
            )
        ).first()
        return (row[0], row[1]) if row is not None else None
