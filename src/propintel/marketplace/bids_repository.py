"""The bids' SQL: a job's bids with what the homeowner compares (the contractor's business name,
visible rating, verified badge and founding year), one contractor's bids, and the bids a refund
rule applies to."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, insert, select, update

from propintel.db.repository import Repository
from propintel.marketplace.tables import bids, contractor_profiles, jobs, reviews


@dataclass(frozen=True)
class BidRow:
    bid_id: uuid.UUID
    job_id: uuid.UUID
    contractor_id: uuid.UUID
    amount: Decimal
    message: str | None
    timeline: str | None
    status: str
    created_at: datetime
    usage_log_id: uuid.UUID | None
    refunded_at: datetime | None
    refund_reason: str | None
    decided_at: datetime | None


@dataclass(frozen=True)
class ComparedBid:
    """A bid as the homeowner compares it."""

    bid: BidRow
    business_name: str | None
    verified: bool
    year_established: int | None
    rating: float | None
    reviews: int


_COLUMNS = (
    bids.c.bid_id,
    bids.c.job_id,
    bids.c.contractor_id,
    bids.c.bid_amount,
    bids.c.bid_message,
    bids.c.estimated_timeline,
    bids.c.status,
    bids.c.created_at,
    bids.c.usage_log_id,
    bids.c.refunded_at,
    bids.c.refund_reason,
    bids.c.decided_at,
)


def _bid(row: Any) -> BidRow:
    return BidRow(*row)


class BidsRepository(Repository):
    async def add(self, values: dict[str, Any]) -> None:
        await self.session.execute(insert(bids).values(**values))

    async def get(self, bid_id: uuid.UUID, *, lock: bool = False) -> BidRow | None:
        query = select(*_COLUMNS).where(bids.c.bid_id == bid_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _bid(row) if row else None

    async def of_contractor(self, job_id: uuid.UUID, contractor_id: uuid.UUID) -> BidRow | None:
        query = select(*_COLUMNS).where(
            bids.c.job_id == job_id, bids.c.contractor_id == contractor_id
        )
        row = (await self.session.execute(query)).first()
        return _bid(row) if row else None

    async def compared(self, job_id: uuid.UUID) -> list[ComparedBid]:
        """A job's bids (withdrawn ones left out), the lowest amount first."""
        visible = and_(
            reviews.c.contractor_id == bids.c.contractor_id, reviews.c.hidden_at.is_(None)
        )
        rating = select(func.avg(reviews.c.rating)).where(visible).scalar_subquery()
        count = select(func.count()).where(visible).scalar_subquery()
        query = (
            select(
                *_COLUMNS,
                contractor_profiles.c.business_name,
                func.coalesce(contractor_profiles.c.verified, False),
                contractor_profiles.c.year_established,
                rating,
                count,
            )
            .outerjoin(contractor_profiles, contractor_profiles.c.user_id == bids.c.contractor_id)
            .where(bids.c.job_id == job_id, bids.c.status != "withdrawn")
            .order_by(bids.c.bid_amount, bids.c.created_at, bids.c.bid_id)
        )
        found = []
        for row in await self.session.execute(query):
            name, verified, year, average, reviews_count = row[-5:]
            found.append(
                ComparedBid(
                    _bid(row[:-5]),
                    name,
                    bool(verified),
                    year,
                    float(average) if average is not None else None,
                    int(reviews_count),
                )
            )
        return found

    async def decide(self, job_id: uuid.UUID, accepted: uuid.UUID, now: datetime) -> None:
        """The accepted bid accepted, the job's other pending bids rejected."""
        await self.session.execute(
            update(bids).where(bids.c.bid_id == accepted).values(status="accepted", decided_at=now)
        )
        await self.session.execute(
            update(bids)
            .where(bids.c.job_id == job_id, bids.c.bid_id != accepted, bids.c.status == "pending")
            .values(status="rejected", decided_at=now)
        )

    async def set(self, bid_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(update(bids).where(bids.c.bid_id == bid_id).values(**values))

    async def refundable_of_job(self, job_id: uuid.UUID) -> list[BidRow]:
        """The job's charged bids not refunded yet (withdrawn ones too: the job died)."""
        query = select(*_COLUMNS).where(
            bids.c.job_id == job_id,
            bids.c.usage_log_id.is_not(None),
            bids.c.refunded_at.is_(None),
        )
        return [_bid(row) for row in await self.session.execute(query.with_for_update())]

    async def unviewed_before(self, placed_before: datetime) -> list[BidRow]:
        """Charged, unrefunded, pending bids placed before the cutoff on jobs whose homeowner
        has not looked at the bids (locked: one run refunds each once)."""
        query = (
            select(*_COLUMNS)
            .join(jobs, jobs.c.job_id == bids.c.job_id)
            .where(
                bids.c.status == "pending",
                bids.c.usage_log_id.is_not(None),
                bids.c.refunded_at.is_(None),
                bids.c.created_at < placed_before,
                jobs.c.bids_viewed_at.is_(None),
            )
            .order_by(bids.c.created_at)
            .with_for_update(of=bids, skip_locked=True)
        )
        return [_bid(row) for row in await self.session.execute(query)]

    async def contractor_bids(
        self, contractor_id: uuid.UUID, job_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, BidRow]:
        if not job_ids:
            return {}
        query = select(*_COLUMNS).where(
            bids.c.contractor_id == contractor_id, bids.c.job_id.in_(job_ids)
        )
        return {row.job_id: row for row in map(_bid, await self.session.execute(query))}
