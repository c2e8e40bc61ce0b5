"""The daily record of held phone numbers' monthly cost (see ``jobs/schedule.py`` and
``numbers.record_monthly_costs``)."""

from __future__ import annotations

from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.jobs.registry import job
from propintel.kit.clock import today_new_york
from propintel.voice.numbers import record_monthly_costs

NUMBER_COSTS = "voice.number_costs"


@job(NUMBER_COSTS, lock=NUMBER_COSTS, queueing_lock=NUMBER_COSTS)
async def number_costs_job(session: AsyncSession, *, timestamp: int | None = None) -> JSONDict:
    """This New York month's cost of every held number, recorded once."""
    return {"recorded": await record_monthly_costs(session, today_new_york())}
