"""Every query of follow-up tasks (``lead_tasks``) and of the daily digest's record, scoped by
the owner's ``user_id`` wherever a user asks: another subscriber's task is simply not found."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ColumnElement, exists, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert

from propintel.auth.models import User
from propintel.db.repository import Repository
from propintel.leads.models import (
    LeadTask,
    SavedLead,
    TaskRow,
    lead_task_digests,
    properties_table,
)

# Lists of open tasks: soonest due first, then the oldest, then the task id (all NOT NULL).
_ORDER = (LeadTask.due_date, LeadTask.created_at, LeadTask.task_id)


class TaskRepository(Repository):
    async def owns_lead(self, user_id: uuid.UUID, lead_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(SavedLead.lead_id).where(
                SavedLead.lead_id == lead_id, SavedLead.user_id == user_id
            )
        )
        return found is not None

    async def add(self, task: LeadTask) -> LeadTask:
        self.session.add(task)
        await self.session.flush()
        await self.session.refresh(task)  # created_at comes from the database
        return task

    async def get_for_user(
        self, user_id: uuid.UUID, lead_id: uuid.UUID, task_id: uuid.UUID
    ) -> LeadTask | None:
        task: LeadTask | None = await self.session.scalar(
            select(LeadTask)
            .where(
                LeadTask.task_id == task_id,
                LeadTask.lead_id == lead_id,
                LeadTask.user_id == user_id,
            )
            .with_for_update()
        )
        return task

    async def for_lead(self, user_id: uuid.UUID, lead_id: uuid.UUID) -> list[LeadTask]:
        """The lead's tasks: open ones by due date, then done ones, latest done first."""
        rows = await self.session.scalars(
            select(LeadTask)
            .where(LeadTask.lead_id == lead_id, LeadTask.user_id == user_id)
            .order_by(
                LeadTask.done_at.desc().nulls_first(),
                LeadTask.due_date,
                LeadTask.created_at,
                LeadTask.task_id,
            )
        )
        return list(rows)

    async def open_tasks(
        self,
        user_id: uuid.UUID,
        *,
        due_from: date | None = None,
        due_to: date | None = None,
        limit: int,
        after: tuple[date, datetime, uuid.UUID] | None = None,
    ) -> list[TaskRow]:
        """Up to ``limit`` of the user's open tasks due between the two dates (inclusive, either
        open-ended), the longest overdue first (``listing_key``), after the task whose key is
        ``after``."""
        where = _open_between(user_id, due_from, due_to)
        if after is not None:
            where.append(tuple_(*_ORDER) > tuple_(*after))
        rows = await self.session.execute(
            select(LeadTask, properties_table.c.full_address)
            .join(SavedLead, SavedLead.lead_id == LeadTask.lead_id)
            .join(properties_table, properties_table.c.property_id == SavedLead.property_id)
            .where(*where)
            .order_by(*_ORDER)
            .limit(limit)
        )
        return [TaskRow(task, address) for task, address in rows]

    async def count_open(
        self, user_id: uuid.UUID, *, due_from: date | None = None, due_to: date | None = None
    ) -> int:
        where = _open_between(user_id, due_from, due_to)
        return int(await self.session.scalar(select(func.count()).where(*where)) or 0)

    async def delete(self, task: LeadTask) -> None:
        await self.session.delete(task)
        await self.session.flush()

    async def digest_recipients(self, today: date) -> list[uuid.UUID]:
        """For the digest job (no user asking): who has tasks due and no digest yet today."""
        # Suspended accounts get none; the open tasks' partial index answers the first EXISTS.
        digests = lead_task_digests.c
        statement = (
            select(User.user_id)
            .where(
                User.suspended_at.is_(None),
                exists().where(
                    LeadTask.user_id == User.user_id,
                    LeadTask.done_at.is_(None),
                    LeadTask.due_date <= today,
                ),
                ~exists().where(digests.user_id == User.user_id, digests.sent_on >= today),
            )
            .order_by(User.user_id)
        )
        return list((await self.session.scalars(statement)).all())

    async def recipient(self, user_id: uuid.UUID) -> User | None:
        """A digest's recipient."""
        return await self.session.get(User, user_id)

    async def claim_digest(self, user_id: uuid.UUID, today: date, now: datetime) -> bool:
        """Record today's digest for the user; False when it is already recorded."""
        # Unless it already is: a concurrent run waits on the row lock, then finds it sent; a row
        # comes back only to the one run that may send.
        claim = insert(lead_task_digests).values(user_id=user_id, sent_on=today, sent_at=now)
        statement = claim.on_conflict_do_update(
            index_elements=[lead_task_digests.c.user_id],
            set_={"sent_on": claim.excluded.sent_on, "sent_at": claim.excluded.sent_at},
            where=lead_task_digests.c.sent_on < claim.excluded.sent_on,
        ).returning(lead_task_digests.c.user_id)
        return (await self.session.scalar(statement)) is not None


def listing_key(row: TaskRow) -> tuple[date, datetime, uuid.UUID]:
    """Where ``row`` sits in a list of open tasks (what ``open_tasks`` orders by)."""
    return (row.task.due_date, row.task.created_at, row.task.task_id)


def _open_between(
    user_id: uuid.UUID, due_from: date | None, due_to: date | None
) -> list[ColumnElement[bool]]:
    where = [LeadTask.user_id == user_id, LeadTask.done_at.is_(None)]
    if due_from is not None:
        where.append(LeadTask.due_date >= due_from)
    if due_to is not None:
        where.append(LeadTask.due_date <= due_to)
    return where
