"""Saved-leads API: leads, their tags and their follow-up tasks. Every query is scoped by the
caller: another subscriber's lead or task is a 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york, today_new_york
from propintel.kit.tags import MAX_TAG_LENGTH
from propintel.kit.text import Text
from propintel.leads import service
from propintel.leads.followup_schemas import (
    DueTaskOut,
    DueTaskPageOut,
    TaskCreate,
    TaskOut,
    TaskPatch,
)
from propintel.leads.models import MAX_SCORE, LeadFilters, LeadStatus
from propintel.leads.schemas import (
    MAX_PAGE,
    BulkCreate,
    BulkSavedOut,
    ContactCreate,
    LeadCreate,
    LeadDetailOut,
    LeadEventOut,
    LeadOut,
    LeadPageOut,
    LeadPatch,
    NoteCreate,
    TagsPut,
)
from propintel.search.criteria import Intent

router = APIRouter(prefix="/api/v1", tags=["leads"])


@router.post("/leads", response_model=LeadOut, status_code=201)
async def save_lead(
    body: LeadCreate, user: SubscriberUser, db: DbSession, response: Response
) -> LeadOut:
    """Save a property as a lead: 201 with the new lead, or 200 with the one already saved."""
    saved = await service.save_lead(db, user, body.property_id, body.lead_source, now_new_york())
    if not saved.created:
        response.status_code = 200
    return LeadOut.of(saved.lead)


@router.post("/leads/bulk", response_model=BulkSavedOut, status_code=201)
async def save_leads(
    body: BulkCreate, user: SubscriberUser, db: DbSession, response: Response
) -> BulkSavedOut:
    """Save up to 200 properties at once (each for its `lead_source`) and add `tags` to each lead,
    new or already saved: 201 when any lead is new, 200 when all were saved before. Any refusal
    (plan, unknown property, a lead that would pass 20 tags) saves nothing."""
    picks = [(item.property_id, item.lead_source) for item in body.items]
    saved = await service.save_leads(db, user, picks, body.tags, now_new_york())
    if not saved.created:
        response.status_code = 200
    return BulkSavedOut.of(saved)


@router.get("/leads", response_model=LeadPageOut)
async def list_leads(
    user: SubscriberUser,
    db: DbSession,
    status: LeadStatus | None = None,
    lead_source: Intent | None = None,
    min_score: Annotated[int | None, Query(ge=0, le=MAX_SCORE)] = None,
    address: Annotated[Text | None, Query(max_length=200)] = None,
    tag: Annotated[Text | None, Query(max_length=MAX_TAG_LENGTH)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: str | None = None,
) -> LeadPageOut:
    """The caller's leads, most recently updated first, filtered (`tag`: leads carrying that tag,
    in any case); `total` counts every match. A cursor continues only the filters it was made
    for."""
    filters = LeadFilters(status, lead_source, min_score, address, tag)
    listed = await service.list_leads(db, user.user_id, filters, limit=limit, cursor=cursor)
    return LeadPageOut(
        items=[LeadOut.of_row(row) for row in listed.rows],
        next_cursor=listed.next_cursor,
        total=listed.total,
    )


@router.get("/leads/{lead_id}", response_model=LeadDetailOut)
async def get_lead(lead_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> LeadDetailOut:
    """The lead, its property's facts, its history (newest first) and what to do next."""
    return LeadDetailOut.of(await service.lead_detail(db, user.user_id, lead_id))


@router.patch("/leads/{lead_id}", response_model=LeadOut)
async def move_lead(
    lead_id: uuid.UUID, body: LeadPatch, user: SubscriberUser, db: DbSession
) -> LeadOut:
    """Move the lead to another status (409 naming the allowed moves when it may not go there)."""
    lead = await service.move_lead(db, user.user_id, lead_id, body.status, now_new_york())
    return LeadOut.of(lead)


@router.post("/leads/{lead_id}/notes", response_model=LeadEventOut, status_code=201)
async def add_note(
    lead_id: uuid.UUID, body: NoteCreate, user: SubscriberUser, db: DbSession
) -> LeadEventOut:
    event = await service.add_note(db, user.user_id, lead_id, body.body, now_new_york())
    return LeadEventOut.model_validate(event)


@router.post("/leads/{lead_id}/contacts", response_model=LeadEventOut, status_code=201)
async def log_contact(
    lead_id: uuid.UUID, body: ContactCreate, user: SubscriberUser, db: DbSession
) -> LeadEventOut:
    """Log a contact attempt (counts it, dates it; a new lead becomes contacted)."""
    event = await service.log_contact(
        db, user.user_id, lead_id, body.channel, body.body or None, now_new_york()
    )
    return LeadEventOut.model_validate(event)


@router.delete("/leads/{lead_id}", status_code=204)
async def delete_lead(lead_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> Response:
    await service.delete_lead(db, user.user_id, lead_id)
    return Response(status_code=204)


@router.put("/leads/{lead_id}/tags", response_model=LeadOut)
async def set_tags(
    lead_id: uuid.UUID, body: TagsPut, user: SubscriberUser, db: DbSession
) -> LeadOut:
    """Replace the lead's tags: at most 20, each 1-40 characters without control characters;
    repeats in another case collapse, and a tag you already use is spelled as you first did."""
    return LeadOut.of(await service.set_tags(db, user.user_id, lead_id, body.tags))


@router.get("/leads/{lead_id}/tasks", response_model=list[TaskOut])
async def list_tasks(lead_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> list[TaskOut]:
    """The lead's follow-up tasks: open ones by due date, then done ones, latest done first."""
    return [TaskOut.of(task) for task in await service.lead_tasks(db, user.user_id, lead_id)]


@router.post("/leads/{lead_id}/tasks", response_model=TaskOut, status_code=201)
async def add_task(
    lead_id: uuid.UUID, body: TaskCreate, user: SubscriberUser, db: DbSession
) -> TaskOut:
    task = await service.add_task(db, user.user_id, lead_id, body.title, body.due_date)
    return TaskOut.of(task)


@router.patch("/leads/{lead_id}/tasks/{task_id}", response_model=TaskOut)
async def update_task(
    lead_id: uuid.UUID, task_id: uuid.UUID, body: TaskPatch, user: SubscriberUser, db: DbSession
) -> TaskOut:
    """Rename, re-date, mark done (`"done": true`) or reopen (`"done": false`) a task."""
    task = await service.update_task(
        db,
        user.user_id,
        lead_id,
        task_id,
        now_new_york(),
        title=body.title,
        due_date=body.due_date,
        done=body.done,
    )
    return TaskOut.of(task)


@router.delete("/leads/{lead_id}/tasks/{task_id}", status_code=204)
async def delete_task(
    lead_id: uuid.UUID, task_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    await service.delete_task(db, user.user_id, lead_id, task_id)
    return Response(status_code=204)


@router.get("/tasks", response_model=DueTaskPageOut)
async def list_open_tasks(
    user: SubscriberUser,
    db: DbSession,
    due: service.Due | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: str | None = None,
) -> DueTaskPageOut:
    """The caller's open follow-ups across leads, soonest due first: `due=overdue` (before today),
    `today`, `upcoming` (after today), or all of them. Today is the New York date."""
    today = today_new_york()
    listed = await service.open_tasks(db, user.user_id, due, today, limit=limit, cursor=cursor)
    return DueTaskPageOut(
        items=[DueTaskOut.of_row(row) for row in listed.rows],
        next_cursor=listed.next_cursor,
        total=listed.total,
        today=today,
    )
