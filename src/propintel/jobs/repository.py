"""The queries of the jobs package: the run records (``job_runs``) and the state of
Procrastinate's queue (``procrastinate_jobs``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from procrastinate.types import JSONDict
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import aliased

from propintel.db.repository import Repository
from propintel.jobs.models import JobRun, procrastinate_events, procrastinate_jobs

_jobs = procrastinate_jobs.c
_events = procrastinate_events.c
_FINISHED = ("succeeded", "failed", "cancelled", "aborted")


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
        # Every task keeps its latest run (the admin pages show it), however old.
        latest = aliased(JobRun)
        latest_of_task = (
            select(latest.run_id)
            .where(latest.task_name == JobRun.task_name)
            .order_by(latest.started_at.desc(), latest.run_id.desc())
            .limit(1)
            .scalar_subquery()
        )
        cutoff = func.timezone("America/New_York", func.now()) - timedelta(days=days)
        statement = delete(JobRun).where(
            JobRun.started_at < cutoff, JobRun.run_id != latest_of_task
        )
        return _rowcount(await self.session.execute(statement))


class QueueRepository(Repository):
    async def pending(self) -> list[Any]:
        """(task_name, running) of each task with jobs waiting or running."""
        statement = (
            select(_jobs.task_name, func.bool_or(_jobs.status == "doing").label("running"))
            .where(_jobs.status.in_(("todo", "doing")))
            .group_by(_jobs.task_name)
        )
        return list((await self.session.execute(statement)).all())

    async def delete_finished_older_than(self, days: int) -> int:
        """Finished jobs whose last event is more than ``days`` old (their events cascade)."""
        # procrastinate_events.at is a timestamptz: the cutoff is an instant, no time zone involved.
        last_event = select(func.max(_events.at)).where(_events.job_id == _jobs.id)
        statement = delete(procrastinate_jobs).where(
            _jobs.status.in_(_FINISHED),
            last_event.scalar_subquery() < func.now() - timedelta(days=days),
        )
        return _rowcount(await self.session.execute(statement))

    async def database_time(self) -> datetime:
        """The database's clock (New York wall time, the connections' time zone)."""
        database_time: datetime = (
            await self.session.execute(select(func.localtimestamp()))
        ).scalar_one()
        return database_time
