"""API shapes of follow-up tasks. Due dates are New York dates."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from propintel.kit.clock import NewYorkDatetime
from propintel.kit.pagination import Page
from propintel.leads.models import LeadTask, TaskRow

MAX_TITLE = 200
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE)]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    due_date: date = Field(description="A New York date, e.g. 2026-06-02.")


class TaskPatch(BaseModel):
    """What to change; what is left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    due_date: date | None = None
    done: bool | None = Field(default=None, description="true: mark done; false: reopen.")


class TaskOut(BaseModel):
    task_id: uuid.UUID
    lead_id: uuid.UUID
    title: str
    due_date: date
    done: bool
    done_at: NewYorkDatetime | None
    created_at: NewYorkDatetime

    @classmethod
    def of(cls, task: LeadTask) -> TaskOut:
        return cls(
            task_id=task.task_id,
            lead_id=task.lead_id,
            title=task.title,
            due_date=task.due_date,
            done=task.done_at is not None,
            done_at=task.done_at,
            created_at=task.created_at,
        )


class DueTaskOut(TaskOut):
    full_address: str

    @classmethod
    def of_row(cls, row: TaskRow) -> DueTaskOut:
        return cls(**TaskOut.of(row.task).model_dump(), full_address=row.full_address)


class DueTaskPageOut(Page[DueTaskOut]):
    total: int = Field(description="How many open tasks the window has.")
    today: date = Field(description="Today in New York, which 'overdue' and 'today' refer to.")
