"""The periodic schedule: the one list of what runs when. Workers register it; docs and the admin
dashboard display it. Cron expressions are read in each entry's time zone (New York by default),
so ``0 3 * * *`` means 03:00 in Miami, summer and winter alike."""

from __future__ import annotations

from dataclasses import dataclass

NEW_YORK = "America/New_York"


@dataclass(frozen=True)
class PeriodicJob:
    """A declared job (see ``registry.job``) deferred by the workers on a cron schedule.

    Each run is recorded in ``job_runs``. The job function receives ``timestamp``: the Unix time
    of the tick it runs for. Only one instance per tick is ever deferred, however many workers run.
    """

    name: str
    cron: str
    description: str
    timezone: str = NEW_YORK


SCHEDULE: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        name="maintenance.heartbeat",
        cron="* * * * *",
        description="Proves that a worker runs the schedule and the database answers.",
    ),
)
