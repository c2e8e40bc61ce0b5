"""Cron expressions of the schedule are read in New York time, across daylight-saving changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from procrastinate.periodic import PeriodicDeferrer

from propintel.jobs.app import build_job_app
from propintel.jobs.schedule import PeriodicJob
from propintel.jobs.tasks import HEARTBEAT
from propintel.kit.clock import NEW_YORK


def new_york(year: int, month: int, day: int, hour: int, minute: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=NEW_YORK).timestamp())


def ticks(cron: str, since: int, until: int) -> list[datetime]:
    """The ticks Procrastinate's own deferrer computes for our registration of ``cron``."""
    app = build_job_app("postgresql://unused/unused", schedule=[PeriodicJob(HEARTBEAT, cron, "")])
    [periodic_task] = app.periodic_registry.periodic_tasks.values()
    found = PeriodicDeferrer(app.periodic_registry).get_timestamps(periodic_task, since, until)
    return [datetime.fromtimestamp(tick, NEW_YORK) for tick in found]


def test_daily_job_runs_at_3am_new_york_time_before_and_after_spring_forward() -> None:
    # Daylight saving time starts on Sunday 2027-03-14 at 02:00 in New York.
    found = ticks("0 3 * * *", new_york(2027, 3, 12, 12), new_york(2027, 3, 15, 12))

    assert [(tick.day, tick.hour, tick.minute) for tick in found] == [
        (13, 3, 0),
        (14, 3, 0),
        (15, 3, 0),
    ]
    assert [tick.utcoffset() for tick in found] == [
        timedelta(hours=-5),
        timedelta(hours=-4),
        timedelta(hours=-4),
    ]


def test_every_minute_job_gets_one_tick_per_minute() -> None:
    found = ticks("* * * * *", new_york(2027, 1, 4, 9, 0), new_york(2027, 1, 4, 9, 3))

    assert [(tick.hour, tick.minute) for tick in found] == [(9, 1), (9, 2), (9, 3)]


def test_next_run_is_the_next_tick_in_new_york_wall_clock_time() -> None:
    nightly = PeriodicJob("tests.nightly", "0 3 * * *", "")
    weekly = PeriodicJob("tests.weekly", "0 4 * * 0", "")

    # across the spring-forward night, and strictly after a tick
    assert nightly.next_run(datetime(2027, 3, 13, 10, 0)) == datetime(2027, 3, 14, 3, 0)
    assert nightly.next_run(datetime(2027, 3, 14, 3, 0)) == datetime(2027, 3, 15, 3, 0)
    assert weekly.next_run(datetime(2027, 1, 4, 9, 0)) == datetime(2027, 1, 10, 4, 0)
