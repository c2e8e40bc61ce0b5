"""Follow-up tasks on leads: something to do by a New York date ("Call back", "Send the quote"),
open until marked done. Rules only; flushes, never commits. Tasks are not lead history (no
``lead_events`` row, ``updated_at`` unchanged): the lead page lists them, open and done."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.kit.errors import NotFound
from propintel.leads.followup_repository import TaskRepository, TaskRow
from propintel.leads.models import LeadTask
from propintel.leads.service import LeadNotFound


class Due(enum.StrEnum):
    """Which open tasks a list shows, by their due date against today (New York)."""

    OVERDUE = "overdue"
    TODAY = "today"
    UPCOMING = "upcoming"

    @property
    def label(self) -> str:
        return {"overdue": "Overdue", "today": "Due today", "upcoming": "Upcoming"}[self.value]

    def bounds(self, today: date) -> tuple[date | None, date | None]:
        """The first and last due dates of the window (inclusive; None: open-ended)."""
        if self == Due.OVERDUE:
            return None, today - timedelta(days=1)
        if self == Due.TODAY:
            return today, today
        return today + timedelta(days=1), None


class TaskNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such task.")


@dataclass(frozen=True)
class DueList:
    """Open tasks due by today (the first of them, and how many in all); those due before today
    are overdue."""

    rows: list[TaskRow]
    total: int
    overdue_total: int
    today: date

    def overdue(self, row: TaskRow) -> bool:
        return row.task.due_date < self.today


async def add_task(
    repo: TaskRepository, user_id: uuid.UUID, lead_id: uuid.UUID, title: str, due_date: date
) -> LeadTask:
    if not await repo.owns_lead(user_id, lead_id):
        raise LeadNotFound()
    return await repo.add(
        LeadTask(lead_id=lead_id, user_id=user_id, title=title, due_date=due_date)
    )


async def lead_tasks(
    repo: TaskRepository, user_id: uuid.UUID, lead_id: uuid.UUID
) -> list[LeadTask]:
    """The lead's tasks, open ones first by due date (404 for a lead that is not the user's)."""
    if not await repo.owns_lead(user_id, lead_id):
        raise LeadNotFound()
    return await repo.for_lead(user_id, lead_id)


async def update_task(
    repo: TaskRepository,
    user_id: uuid.UUID,
    lead_id: uuid.UUID,
    task_id: uuid.UUID,
    now: datetime,
    *,
    title: str | None = None,
    due_date: date | None = None,
    done: bool | None = None,
) -> LeadTask:
    """Change what is given. Marking a done task done again keeps when it was done; reopening
    clears it."""
    task = await find_task(repo, user_id, lead_id, task_id)
    if title is not None:
        task.title = title
    if due_date is not None:
        task.due_date = due_date
    if done is not None:
        task.done_at = (task.done_at or now) if done else None
    await repo.session.flush()
    return task


async def delete_task(
    repo: TaskRepository, user_id: uuid.UUID, lead_id: uuid.UUID, task_id: uuid.UUID
) -> None:
    await repo.delete(await find_task(repo, user_id, lead_id, task_id))


async def find_task(
    repo: TaskRepository, user_id: uuid.UUID, lead_id: uuid.UUID, task_id: uuid.UUID
) -> LeadTask:
    """One of the user's tasks, locked for a change (404 for anyone else's)."""
    task = await repo.get_for_user(user_id, lead_id, task_id)
    if task is None:
        raise TaskNotFound()
    return task


async def open_tasks(
    repo: TaskRepository,
    user_id: uuid.UUID,
    due: Due | None,
    today: date,
    *,
    limit: int,
    offset: int = 0,
) -> tuple[list[TaskRow], int]:
    """The user's open tasks in the ``due`` window (all of them without one), soonest due first."""
    due_from, due_to = due.bounds(today) if due else (None, None)
    return await repo.open_tasks(
        user_id, due_from=due_from, due_to=due_to, limit=limit, offset=offset
    )


async def due_followups(
    session: AsyncSession, user_id: uuid.UUID, today: date, *, limit: int
) -> DueList:
    """The user's open tasks due today or before (overdue first): the dashboard's list and the
    morning digest's."""
    repo = TaskRepository(session)
    rows, total = await repo.open_tasks(user_id, due_to=today, limit=limit)
    overdue_to = Due.OVERDUE.bounds(today)[1]
    overdue_total = await repo.count_open(user_id, due_to=overdue_to) if total else 0
    return DueList(rows, total, overdue_total, today)
