"""The jobs' SQL: a homeowner's jobs (always filtered by ``homeowner_id``), a job's location from
its property or its ZIP code, and the jobs offered to a contractor (through ``job_matches``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, and_, func, insert, literal, select, tuple_, update

from propintel.db.repository import Repository
from propintel.marketplace.tables import (
    contractor_profiles,
    jobs,
    matches,
    properties,
    reviews,
    users,
)


@dataclass(frozen=True)
class JobRow:
    job_id: uuid.UUID
    homeowner_id: uuid.UUID
    title: str
    description: str
    category: str | None
    budget: str | None
    address: str | None
    zip_code: str | None
    timeline: str | None
    status: str
    property_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    bids_viewed_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    photos: list[dict[str, Any]]


_COLUMNS = (
    jobs.c.job_id,
    jobs.c.homeowner_id,
    jobs.c.job_title,
    jobs.c.job_description,
    jobs.c.service_category,
    jobs.c.budget_range,
    jobs.c.address,
    jobs.c.zip_code,
    jobs.c.preferred_timeline,
    jobs.c.status,
    jobs.c.property_id,
    jobs.c.created_at,
    jobs.c.updated_at,
    jobs.c.bids_viewed_at,
    jobs.c.completed_at,
    jobs.c.cancelled_at,
    func.coalesce(jobs.c.photos, literal([], jobs.c.photos.type)),
)


def _job(row: Any) -> JobRow:
    return JobRow(*row)


class JobsRepository(Repository):
    async def location_of(
        self, property_id: uuid.UUID | None, zip_code: str
    ) -> tuple[float, float] | None:
        """(lat, lon) of the property when it has a point, else the centre of the ZIP code's
        parcels; None when neither is known."""
        point = None
        if property_id is not None:
            point = await self._point(properties.c.property_id == property_id)
        return point or await self._point(func.left(properties.c.zip_code, 5) == zip_code)

    async def _point(self, where: Any) -> tuple[float, float] | None:
        centre = func.ST_Centroid(func.ST_Collect(func.geometry(properties.c.location)))
        row = (
            await self.session.execute(
                select(func.ST_Y(centre), func.ST_X(centre)).where(
                    where, properties.c.location.is_not(None)
                )
            )
        ).first()
        if row is None or row[0] is None:
            return None
        return float(row[0]), float(row[1])

    async def add(self, values: dict[str, Any], lat: float, lon: float) -> uuid.UUID:
        point = func.geography(func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326))
        statement = insert(jobs).values(**values, location=point).returning(jobs.c.job_id)
        return (await self.session.execute(statement)).scalar_one()

    async def get(self, job_id: uuid.UUID, *, lock: bool = False) -> JobRow | None:
        query = select(*_COLUMNS).where(jobs.c.job_id == job_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _job(row) if row else None

    async def update(self, job_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(update(jobs).where(jobs.c.job_id == job_id).values(**values))

    async def page(
        self, homeowner_id: uuid.UUID, after: tuple[Any, ...] | None, limit: int
    ) -> list[JobRow]:
        """The homeowner's jobs, the latest posted first."""
        query = select(*_COLUMNS).where(jobs.c.homeowner_id == homeowner_id)
        if after is not None:
            key = tuple_(jobs.c.created_at, jobs.c.job_id)
            query = query.where(key < tuple_(literal(after[0]), literal(after[1])))
        query = query.order_by(jobs.c.created_at.desc(), jobs.c.job_id.desc()).limit(limit)
        return [_job(row) for row in await self.session.execute(query)]

    async def recent(self, homeowner_id: uuid.UUID, limit: int) -> list[RowMapping]:
        """The dashboard's list: id, title, category, status, posted."""
        statement = (
            select(
                jobs.c.job_id,
                jobs.c.job_title,
                jobs.c.service_category,
                jobs.c.status,
                jobs.c.created_at,
            )
            .where(jobs.c.homeowner_id == homeowner_id)
            .order_by(jobs.c.created_at.desc())
            .limit(limit)
        )
        return list((await self.session.execute(statement)).mappings())

    async def eligible(
        self, candidates: list[uuid.UUID], category: str, limit: int
    ) -> list[uuid.UUID]:
        """Of ``candidates`` (whose service area covers the job), the contractors who may be
        offered it: active subscribers with a plan, verified, offering ``category``; the best
        rated first (average of visible reviews, then their number), at most ``limit``."""
        visible = and_(reviews.c.contractor_id == users.c.user_id, reviews.c.hidden_at.is_(None))
        rating = select(func.avg(reviews.c.rating)).where(visible).scalar_subquery()
        count = select(func.count()).where(visible).scalar_subquery()
        statement = (
            select(users.c.user_id)
            .join(contractor_profiles, contractor_profiles.c.user_id == users.c.user_id)
            .where(
                users.c.user_id.in_(candidates),
                users.c.user_type == "subscriber",
                users.c.subscription_status.in_(("active", "trialing")),
                users.c.subscription_tier.is_not(None),
                users.c.subscription_tier != "none",
                users.c.suspended_at.is_(None),
                users.c.erased_at.is_(None),
                contractor_profiles.c.verified.is_(True),
                contractor_profiles.c.services_offered.contains([category]),
            )
            .order_by(
                func.coalesce(rating, 0).desc(), func.coalesce(count, 0).desc(), users.c.user_id
            )
            .limit(limit)
        )
        return list(await self.session.scalars(statement))

    # ---- offers -----------------------------------------------------------------------------

    async def add_matches(
        self, job_id: uuid.UUID, contractor_ids: list[uuid.UUID], now: datetime
    ) -> None:
        if contractor_ids:
            rows = [
                {"job_id": job_id, "contractor_id": c, "rank": rank, "matched_at": now}
                for rank, c in enumerate(contractor_ids, start=1)
            ]
            await self.session.execute(insert(matches), rows)

    async def matched(self, job_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.session.scalars(
            select(matches.c.contractor_id)
            .where(matches.c.job_id == job_id)
            .order_by(matches.c.rank)
        )
        return list(rows)

    async def is_matched(self, job_id: uuid.UUID, contractor_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(literal(True)).where(
                matches.c.job_id == job_id, matches.c.contractor_id == contractor_id
            )
        )
        return bool(found)

    async def offers_page(
        self, contractor_id: uuid.UUID, after: tuple[Any, ...] | None, limit: int
    ) -> list[tuple[JobRow, datetime]]:
        """The jobs offered to a contractor, the latest offer first."""
        query = (
            select(*_COLUMNS, matches.c.matched_at)
            .join(matches, matches.c.job_id == jobs.c.job_id)
            .where(matches.c.contractor_id == contractor_id)
        )
        if after is not None:
            key = tuple_(matches.c.matched_at, jobs.c.job_id)
            query = query.where(key < tuple_(literal(after[0]), literal(after[1])))
        query = query.order_by(matches.c.matched_at.desc(), jobs.c.job_id.desc()).limit(limit)
        return [(_job(row[:-1]), row[-1]) for row in await self.session.execute(query)]
