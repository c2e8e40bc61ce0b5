"""Saved-leads API. Every query is scoped by the caller: another subscriber's lead is a 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.leads import service
from propintel.leads.models import LeadStatus
from propintel.leads.repository import LeadFilters, LeadRepository
from propintel.leads.schemas import (
    MAX_PAGE,
    ContactCreate,
    LeadCreate,
    LeadDetailOut,
    LeadEventOut,
    LeadOut,
    LeadPageOut,
    LeadPatch,
    NoteCreate,
)
from propintel.search.criteria import Intent

router = APIRouter(prefix="/api/v1/leads", tags=["leads"])


def _repo(db: DbSession) -> LeadRepository:
    return LeadRepository(db)


Repo = Annotated[LeadRepository, Depends(_repo)]


@router.post("", response_model=LeadOut, status_code=201)
async def save_lead(
    body: LeadCreate, user: SubscriberUser, repo: Repo, response: Response
) -> LeadOut:
    """Save a property as a lead: 201 with the new lead, or 200 with the one already saved."""
    saved = await service.save_lead(repo, user, body.property_id, body.lead_source, now_new_york())
    if not saved.created:
        response.status_code = 200
    return LeadOut.of(saved.lead)


@router.get("", response_model=LeadPageOut)
async def list_leads(
    user: SubscriberUser,
    repo: Repo,
    status: LeadStatus | None = None,
    lead_source: Intent | None = None,
    min_score: Annotated[int | None, Query(ge=0)] = None,
    address: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> LeadPageOut:
    """The caller's leads, most recently updated first, filtered."""
    filters = LeadFilters(status, lead_source, min_score, address)
    rows, total = await repo.list_for_user(user.user_id, filters, limit=limit, offset=offset)
    return LeadPageOut(
        items=[LeadOut.of_row(row) for row in rows], total=total, limit=limit, offset=offset
    )


@router.get("/{lead_id}", response_model=LeadDetailOut)
async def get_lead(lead_id: uuid.UUID, user: SubscriberUser, repo: Repo) -> LeadDetailOut:
    """The lead, its property's facts, its history (newest first) and what to do next."""
    return LeadDetailOut.of(await service.lead_detail(repo, user.user_id, lead_id))


@router.patch("/{lead_id}", response_model=LeadOut)
async def move_lead(
    lead_id: uuid.UUID, body: LeadPatch, user: SubscriberUser, repo: Repo
) -> LeadOut:
    """Move the lead to another status (409 naming the allowed moves when it may not go there)."""
    lead = await service.move_lead(repo, user.user_id, lead_id, body.status, now_new_york())
    return LeadOut.of(lead)


@router.post("/{lead_id}/notes", response_model=LeadEventOut, status_code=201)
async def add_note(
    lead_id: uuid.UUID, body: NoteCreate, user: SubscriberUser, repo: Repo
) -> LeadEventOut:
    event = await service.add_note(repo, user.user_id, lead_id, body.body, now_new_york())
    return LeadEventOut.model_validate(event)


@router.post("/{lead_id}/contacts", response_model=LeadEventOut, status_code=201)
async def log_contact(
    lead_id: uuid.UUID, body: ContactCreate, user: SubscriberUser, repo: Repo
) -> LeadEventOut:
    """Log a contact attempt (counts it, dates it; a new lead becomes contacted)."""
    event = await service.log_contact(
        repo, user.user_id, lead_id, body.channel, body.body or None, now_new_york()
    )
    return LeadEventOut.model_validate(event)


@router.delete("/{lead_id}", status_code=204)
async def delete_lead(lead_id: uuid.UUID, user: SubscriberUser, repo: Repo) -> Response:
    await service.delete_lead(repo, user.user_id, lead_id)
    return Response(status_code=204)
