"""Reviews' SQL: a contractor's visible reviews and rating, the review of a job, moderation, and
the facts of a contractor's public profile."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, literal, select, tuple_, update

from propintel.db.repository import Repository
from propintel.marketplace.tables import bids, jobs, reviews


@dataclass(frozen=True)
class ReviewRow:
    review_id: uuid.UUID
    contractor_id: uuid.UUID
    homeowner_id: uuid.UUID | None
    job_id: uuid.UUID | None
    rating: int
    text: str | None
    created_at: datetime
    reply_text: str | None
    replied_at: datetime | None
    hidden_at: datetime | None
    hidden_reason: str | None
    job_title: str | None


_COLUMNS = (
    reviews.c.review_id,
    reviews.c.contractor_id,
    reviews.c.homeowner_id,
    reviews.c.job_id,
    reviews.c.rating,
    reviews.c.review_text,
    reviews.c.created_at,
    reviews.c.reply_text,
    reviews.c.replied_at,
    reviews.c.hidden_at,
    reviews.c.hidden_reason,
    jobs.c.job_title,
)


def _review(row: Any) -> ReviewRow:
    return ReviewRow(*row)


def _selected() -> Any:
    return select(*_COLUMNS).outerjoin(jobs, jobs.c.job_id == reviews.c.job_id)


class ReviewsRepository(Repository):
    async def accepted_contractor(self, job_id: uuid.UUID) -> uuid.UUID | None:
        """The contractor whose bid the job accepted."""
        found: uuid.UUID | None = await self.session.scalar(
            select(bids.c.contractor_id).where(bids.c.job_id == job_id, bids.c.status == "accepted")
        )
        return found

    async def add(self, values: dict[str, Any]) -> uuid.UUID:
        statement = insert(reviews).values(**values).returning(reviews.c.review_id)
        return (await self.session.execute(statement)).scalar_one()

    async def get(self, review_id: uuid.UUID, *, lock: bool = False) -> ReviewRow | None:
        query = _selected().where(reviews.c.review_id == review_id)
        if lock:
            query = query.with_for_update(of=reviews)
        row = (await self.session.execute(query)).first()
        return _review(row) if row else None

    async def of_job(self, job_id: uuid.UUID) -> ReviewRow | None:
        row = (await self.session.execute(_selected().where(reviews.c.job_id == job_id))).first()
        return _review(row) if row else None

    async def set(self, review_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(
            update(reviews).where(reviews.c.review_id == review_id).values(**values)
        )

    async def rating(self, contractor_id: uuid.UUID) -> tuple[float | None, int]:
        """(average, count) of the contractor's visible reviews."""
        row = (
            await self.session.execute(
                select(func.avg(reviews.c.rating), func.count()).where(
                    reviews.c.contractor_id == contractor_id, reviews.c.hidden_at.is_(None)
                )
            )
        ).one()
        return (float(row[0]) if row[0] is not None else None, int(row[1]))

    async def page(
        self,
        after: tuple[Any, ...] | None,
        limit: int,
        *,
        contractor_id: uuid.UUID | None = None,
        visible_only: bool = True,
    ) -> list[ReviewRow]:
        """Reviews, the latest first: one contractor's, or everyone's (moderation)."""
        query = _selected()
        if contractor_id is not None:
            query = query.where(reviews.c.contractor_id == contractor_id)
        if visible_only:
            query = query.where(reviews.c.hidden_at.is_(None))
        if after is not None:
            key = tuple_(reviews.c.created_at, reviews.c.review_id)
            query = query.where(key < tuple_(literal(after[0]), literal(after[1])))
        query = query.order_by(reviews.c.created_at.desc(), reviews.c.review_id.desc())
        return [_review(row) for row in await self.session.execute(query.limit(limit))]
