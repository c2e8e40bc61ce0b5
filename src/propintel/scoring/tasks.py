"""The score refresh as a background job: daily at 03:00 New York (jobs/schedule.py), and on an
admin's "refresh now". The Sunday run is a full refresh (sale summaries and every property's
indicators reconciled, see ``refresh.py``); the others are the fast daily refresh."""

from __future__ import annotations

from datetime import datetime

from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.jobs.registry import BULK_QUEUE, job
from propintel.kit.clock import NEW_YORK
from propintel.scoring.refresh import refresh_scores
from propintel.scoring.service import REFRESH_JOB

SUNDAY = 6


def is_full_run(timestamp: int | None) -> bool:
    """A scheduled run whose tick is a Sunday in New York (a run deferred by hand is not)."""
    return timestamp is not None and datetime.fromtimestamp(timestamp, NEW_YORK).weekday() == SUNDAY


# ``lock``: two refreshes never run at once; ``queueing_lock``: at most one waits.
@job(REFRESH_JOB, queue=BULK_QUEUE, lock=REFRESH_JOB, queueing_lock=REFRESH_JOB)
async def refresh_job(session: AsyncSession, *, timestamp: int | None = None) -> JSONDict:
    """Refresh every property's scores as of today in New York; the run records the counts."""
    result = await refresh_scores(
        session,
        new_homeowner_days=get_settings().new_homeowner_days,
        full=is_full_run(timestamp),
    )
    return result.as_dict()
