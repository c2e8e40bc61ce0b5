"""Contact unlock API: unlock one property's owner or selected leads' owners, the quote of a
batch, and a contact the caller unlocked (another subscriber's unlock is a 404)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.kit.errors import NotFound
from propintel.kit.i18n import _
from propintel.outreach import unlock
from propintel.outreach.unlock_models import MAX_BATCH
from propintel.outreach.unlock_pages import skip_tracer
from propintel.outreach.unlock_schemas import (
    ContactOut,
    LeadsUnlockIn,
    LeadsUnlockOut,
    QuoteOut,
    UnlockOut,
)

router = APIRouter(prefix="/api/v1", tags=["outreach"])


def _freshness(request: Request) -> int:
    days: int = request.app.state.settings.contact_freshness_days
    return days


@router.post("/properties/{property_id}/unlock", response_model=UnlockOut)
async def unlock_property(
    property_id: uuid.UUID, request: Request, user: SubscriberUser, db: DbSession
) -> UnlockOut:
    """Get the owner contact of a property (action `contact_enrichment`, charged only on a
    match). Already unlocked and fresh: returned as is, nothing charged. 403: the plan lacks
    contact unlock or the property is outside it; 402/409: not enough credits or the daily limit;
    503: the skip-trace provider did not answer (nothing was charged)."""
    outcome = await unlock.unlock_property(
        db,
        user,
        property_id,
        tracer=skip_tracer(request),
        now=now_new_york(),
        settings=request.app.state.settings,
    )
    return UnlockOut.of(outcome, _freshness(request))


@router.post("/leads/unlock", response_model=LeadsUnlockOut)
async def unlock_leads(
    body: LeadsUnlockIn, request: Request, user: SubscriberUser, db: DbSession
) -> LeadsUnlockOut:
    """Get the owner contacts of up to 500 of your leads. Each match is charged once; charging
    stops at the ledger's first refusal (`stopped_by`), and the rest are `refused`; a provider
    failure leaves its leads `failed`, uncharged. Another subscriber's lead: 404, nothing done."""
    report, items = await unlock.unlock_leads(
        db,
        user,
        body.lead_ids,
        tracer=skip_tracer(request),
        now=now_new_york(),
        settings=request.app.state.settings,
    )
    return LeadsUnlockOut.of(report, items, _freshness(request))


@router.get("/leads/unlock/quote", response_model=QuoteOut)
async def quote_leads(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    lead_ids: Annotated[list[uuid.UUID], Query(min_length=1, max_length=MAX_BATCH)],
) -> QuoteOut:
    """What unlocking these leads' owners would charge at most (`lead_ids` repeated), and the
    balance: nothing is charged or looked up."""
    quote = await unlock.quote_leads(
        db, user, lead_ids, now=now_new_york(), settings=request.app.state.settings
    )
    return QuoteOut.of(quote)


@router.get("/properties/{property_id}/contact", response_model=ContactOut)
async def property_contact(
    property_id: uuid.UUID, request: Request, user: SubscriberUser, db: DbSession
) -> ContactOut:
    """The owner contact of a property you unlocked; 404 when you have not unlocked it."""
    contact = await unlock.unlocked_contact(db, user, property_id)
    if contact is None:
        raise NotFound(_("You have not unlocked this owner's contact."))
    return ContactOut.of(contact, _freshness(request))
