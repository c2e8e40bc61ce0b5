"""Rules of the lead pipeline: save once per property, legal status moves, notes and logged
contacts (each one a history event). Flushes, never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from propintel.auth.models import User
from propintel.kit.errors import Conflict, Invalid, NotFound
from propintel.leads.models import (
    ContactChannel,
    EventKind,
    LeadEvent,
    LeadStatus,
    SavedLead,
)
from propintel.leads.repository import LeadRepository
from propintel.search.criteria import Intent
from propintel.search.repository import SearchRepository
from propintel.search.service import PlanRequired, check_intent, scope_for

# What to do next with a lead in each status (the lead page lists them above its actions).
NEXT_ACTIONS: dict[LeadStatus, tuple[str, ...]] = {
    LeadStatus.NEW: (
        "Review the property facts and the score explanation.",
        "Make a first contact and log it: the lead moves to contacted.",
    ),
    LeadStatus.CONTACTED: (
        "Follow up until the owner answers; log each attempt.",
        "Once the owner is interested and able to act, move the lead to qualified.",
    ),
    LeadStatus.QUALIFIED: ("Agree on a visit or a call and move the lead to appointment.",),
    LeadStatus.APPOINTMENT: (
        "Hold the appointment, note what was agreed.",
        "Mark the lead won when the deal or the job is signed, lost otherwise.",
    ),
    LeadStatus.WON: ("Nothing left to do: this lead is won.",),
    LeadStatus.LOST: ("Reopen the lead as new if the owner comes back.",),
}


class LeadNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such lead.")


class IllegalMove(Conflict):
    def __init__(self, current: LeadStatus, wanted: LeadStatus) -> None:
        allowed = ", ".join(status.value for status in current.allowed_moves()) or "none"
        super().__init__(
            f"A {current.value} lead cannot move to {wanted.value} (allowed: {allowed}).",
            field="status",
        )


@dataclass(frozen=True)
class SavedOutcome:
    lead: SavedLead
    created: bool


@dataclass(frozen=True)
class LeadDetail:
    lead: SavedLead
    property: dict[str, Any]
    events: list[LeadEvent]
    next_actions: tuple[str, ...]


async def save_lead(
    repo: LeadRepository,
    user: User,
    property_id: uuid.UUID,
    source: Intent,
    now: datetime,
) -> SavedOutcome:
    """Save the property as a lead for ``source``, scored at save time; an existing lead of this
    user for the property is returned unchanged (its source and score are those of its save).
    The user's plan must include leads of that intent, exactly as for searching them."""
    await _check_plan(repo, user, source)
    score = await repo.score_for(property_id, source)
    if score is None:
        raise Invalid("No such property.", field="property_id")
    lead_id = await repo.insert_once(user.user_id, property_id, source, score)
    if lead_id is None:
        existing = await repo.get_by_property(user.user_id, property_id)
        assert existing is not None  # the conflict that refused the insert is this row
        return SavedOutcome(existing, created=False)
    lead = await _owned(repo, user.user_id, lead_id)
    lead.created_at = lead.updated_at = now
    await repo.session.flush()
    return SavedOutcome(lead, created=True)


async def _check_plan(repo: LeadRepository, user: User, source: Intent) -> None:
    try:
        check_intent(await scope_for(SearchRepository(repo.session), user), user, source)
    except PlanRequired as error:
        raise PlanRequired(error.message, field="lead_source") from error


async def _owned(
    repo: LeadRepository, user_id: uuid.UUID, lead_id: uuid.UUID, *, lock: bool = False
) -> SavedLead:
    lead = await repo.get_for_user(lead_id, user_id, lock=lock)
    if lead is None:
        raise LeadNotFound()
    return lead


async def lead_detail(repo: LeadRepository, user_id: uuid.UUID, lead_id: uuid.UUID) -> LeadDetail:
    lead = await _owned(repo, user_id, lead_id)
    facts = await repo.property_facts(lead.property_id) or {}
    return LeadDetail(
        lead=lead,
        property=facts,
        events=await repo.events(lead.lead_id, user_id),
        next_actions=NEXT_ACTIONS[LeadStatus(lead.status)],
    )


async def move_lead(
    repo: LeadRepository, user_id: uuid.UUID, lead_id: uuid.UUID, wanted: LeadStatus, now: datetime
) -> SavedLead:
    """Move the lead along the pipeline; an illegal move changes nothing (409). Moving a lead to
    the status it already has is a no-op, so a repeated request is harmless."""
    lead = await _owned(repo, user_id, lead_id, lock=True)
    current = LeadStatus(lead.status)
    if wanted == current:
        return lead
    if wanted not in current.allowed_moves():
        raise IllegalMove(current, wanted)
    await _set_status(repo, lead, wanted, now)
    return lead


async def _set_status(
    repo: LeadRepository, lead: SavedLead, wanted: LeadStatus, now: datetime
) -> None:
    await repo.add_event(
        lead, EventKind.STATUS, now, from_status=lead.status, to_status=wanted.value
    )
    lead.status = wanted.value
    lead.updated_at = now
    await repo.session.flush()


async def add_note(
    repo: LeadRepository, user_id: uuid.UUID, lead_id: uuid.UUID, body: str, now: datetime
) -> LeadEvent:
    """A note in the history; ``saved_leads.notes`` holds the latest one."""
    lead = await _owned(repo, user_id, lead_id, lock=True)
    event = await repo.add_event(lead, EventKind.NOTE, now, body=body)
    lead.notes = body
    lead.updated_at = now
    await repo.session.flush()
    return event


async def log_contact(
    repo: LeadRepository,
    user_id: uuid.UUID,
    lead_id: uuid.UUID,
    channel: ContactChannel,
    body: str | None,
    now: datetime,
) -> LeadEvent:
    """A contact attempt: counted in ``contact_attempts``, dated in ``last_contact_date``. The
    first contact of a new lead moves it to contacted (written as its own status event)."""
    lead = await _owned(repo, user_id, lead_id, lock=True)
    event = await repo.add_event(lead, EventKind.CONTACT, now, channel=channel.value, body=body)
    lead.contact_attempts = (lead.contact_attempts or 0) + 1
    lead.last_contact_date = now
    lead.updated_at = now
    if lead.status == LeadStatus.NEW:
        await _set_status(repo, lead, LeadStatus.CONTACTED, now)
    await repo.session.flush()
    return event


async def delete_lead(repo: LeadRepository, user_id: uuid.UUID, lead_id: uuid.UUID) -> None:
    """Remove the lead and its history (the property is untouched and can be saved again). A lead
    with logged calls or emails is kept: those records belong to it; mark it lost instead."""
    lead = await _owned(repo, user_id, lead_id, lock=True)
    if await repo.has_outreach(lead.lead_id):
        raise Conflict("This lead has logged calls or emails: mark it lost instead of deleting it.")
    await repo.delete(lead)
