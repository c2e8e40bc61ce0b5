"""Jobs of the jobs package itself: the heartbeat that proves the schedule runs."""

from __future__ import annotations

from datetime import datetime

from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.jobs.queue import database_time
from propintel.jobs.registry import job
from propintel.kit.clock import NEW_YORK

HEARTBEAT = "maintenance.heartbeat"


# The queueing lock keeps at most one heartbeat waiting: a stalled queue does not pile them up.
@job(HEARTBEAT, queueing_lock=HEARTBEAT)
async def heartbeat(session: AsyncSession, *, timestamp: int | None = None) -> JSONDict:
    """Read the database's clock (New York wall time); the run's record keeps it."""
    now = await database_time(session)
    return {"database_time": now.isoformat(), "scheduled_for": _new_york(timestamp)}


def _new_york(timestamp: int | None) -> str | None:
    """The tick a periodic run is for, as New York wall time (None when deferred by hand)."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, NEW_YORK).replace(tzinfo=None).isoformat()
