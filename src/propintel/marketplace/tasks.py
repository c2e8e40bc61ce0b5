"""The marketplace's daily refund of bids whose homeowner never looked at them (see
``jobs/schedule.py`` and ``bids.refund_unviewed_bids``)."""

from __future__ import annotations

from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.jobs.registry import job
from propintel.marketplace.bids import refund_unviewed_bids

REFUND_UNVIEWED = "marketplace.refund_unviewed_bids"


@job(REFUND_UNVIEWED, lock=REFUND_UNVIEWED, queueing_lock=REFUND_UNVIEWED)
async def refund_unviewed_bids_job(
    session: AsyncSession, *, timestamp: int | None = None
) -> JSONDict:
    """Refund every charged bid whose homeowner has not looked at the bids within 14 days."""
    return {"refunded": await refund_unviewed_bids(session)}
