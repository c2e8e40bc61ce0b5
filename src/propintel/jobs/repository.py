"""The queries of the jobs package: the run records (``job_runs``) and the state of
Procrastinate's queue (``procrastinate_jobs``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from procrastinate.types import JSONDict
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.dialects.postgresql import distinct_on

from propintel.db.repository import Repository
from propintel.jobs.models import JobRun

_CUTOFF = "(NOW() AT TIME ZONE 'America/New_York') - make_interval(days => :days)"
# Every task keeps its latest run (the admin pages show it), however old.
_DELETE_OLD_RUNS = text(
    f"""DELETE FROM job_runs r WHERE r.started_at < {_CUTOFF}
AND r.run_id <> (SELECT l.run_id FROM job_runs l WHERE l.task_name = r.task_name
                 ORDER BY l.started_at DESC, l.run_id DESC LIMIT 1)"""
)
_PENDING = text(
    "SELECT task_name, bool_or(status = 'doing') AS running FROM procrastinate_jobs "
    "WHERE status IN ('todo', 'doing') GROUP BY task_name"
)
# procrastinate_events.at is a timestamptz: the cutoff is an instant, no time zone involved.
_DELETE_FINISHED_JOBS = text(
    """DELETE FROM procrastinate_jobs j
WHERE j.status IN ('succeeded', 'failed', 'cancelled', 'aborted')
  AND (SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id)
      < NOW() - make_interval(days => :days)"""
)


def _rowcount(result: Any) -> int:
    return int(result.rowcount or 0)


class JobRunRepository(Repository):
    async def start(self, task_name: str) -> int:
        """A ``running`` row for ``task_name``; returns its id."""
        statement = (
            insert(JobRun).values(task_name=task_name, outcome="running").returning(JobRun.run_id)
        )
        run_id: int = (await self.session.execute(statement)).scalar_one()
        return run_id

    async def finish(
        self, run_id: int, outcome: str, duration_ms: int, detail: JSONDict | None
    ) -> None:
        await self.session.execute(
            update(JobRun)
            .where(JobRun.run_id == run_id)
            .values(finished_at=func.now(), duration_ms=duration_ms, outcome=outcome, detail=detail)
        )

    async def latest_runs(self) -> list[JobRun]:
        """The most recent run of each task, by task name."""
        statement = (
            select(JobRun)
            .ext(distinct_on(JobRun.task_name))
            .order_by(JobRun.task_name, JobRun.started_at.desc(), JobRun.run_id.desc())
        )
        return list((await self.session.scalars(statement)).all())

    async def delete_older_than(self, days: int) -> int:
        """Runs started more than ``days`` ago (New York time), but each task's latest."""
        return _rowcount(await self.session.execute(_DELETE_OLD_RUNS, {"days": days}))


class QueueRepository(Repository):
    async def pending(self) -> list[Any]:
        """(task_name, running) of each task with jobs waiting or running."""
        return list((await self.session.execute(_PENDING)).all())

    async def delete_finished_older_than(self, days: int) -> int:
        """Finished jobs whose last event is more than ``days`` old (their events cascade)."""
        return _rowcount(await self.session.execute(_DELETE_FINISHED_JOBS, {"days": days}))

    async def database_time(self) -> datetime:
        """The database's clock (New York wall time, the connections' time zone)."""
        database_time: datetime = (
            await self.session.execute(select(func.localtimestamp()))
        ).scalar_one()
        return database_time
