"""CRM sync API: the connection (Twenty or the offline simulator), pushing leads, a lead's sync
state and its retry, and the contacts CSV. Every lead is the caller's: another's is a 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from propintel.auth.deps import SubscriberUser
from propintel.config import Settings
from propintel.db.session import DbSession, StreamingDbSession
from propintel.integrations.crm import CrmClients
from propintel.integrations.providers import crm_client
from propintel.kit.clock import now_new_york, today_new_york
from propintel.outreach import crm
from propintel.outreach.crm_csv import check_chosen, contacts_csv
from propintel.outreach.crm_schemas import (
    ConnectionIn,
    ConnectionOut,
    LeadCrmOut,
    PushIn,
    PushOut,
)

router = APIRouter(prefix="/api/v1", tags=["crm"])


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def clients_of(request: Request) -> CrmClients:
    """The CRM clients of this app (tests put their own on ``app.state.crm_clients``)."""
    clients: CrmClients = getattr(request.app.state, "crm_clients", crm_client)
    return clients


@router.get("/crm/connection", response_model=ConnectionOut)
async def get_connection(request: Request, user: SubscriberUser, db: DbSession) -> ConnectionOut:
    """Your CRM connection (``connected: false`` when there is none). The API key is never
    returned: only its last 4 characters."""
    return ConnectionOut.of(await crm.connection_of(db, user, settings_of(request)))


@router.put("/crm/connection", response_model=ConnectionOut)
async def put_connection(
    body: ConnectionIn, request: Request, user: SubscriberUser, db: DbSession
) -> ConnectionOut:
    """Connect your Twenty workspace (checked with one `GET /rest/people?limit=1` before it is
    stored; 422 with Twenty's reason when it refuses) or the offline CRM simulator. Needs a plan
    with CRM sync (403 otherwise). Connecting another workspace pushes your pushed leads again."""
    connection = await crm.connect(
        db,
        user,
        settings=settings_of(request),
        clients=clients_of(request),
        now=now_new_york(),
        simulator=body.simulator,
        base_url=body.base_url,
        api_key=body.api_key,
    )
    return ConnectionOut.of(connection)


@router.delete("/crm/connection", status_code=204)
async def delete_connection(user: SubscriberUser, db: DbSession) -> Response:
    """Disconnect: the key is deleted; pushed leads stay listed, unlinked from the workspace."""
    await crm.disconnect(db, user)
    return Response(status_code=204)


@router.post("/crm/push", response_model=PushOut, status_code=202)
async def push(body: PushIn, request: Request, user: SubscriberUser, db: DbSession) -> PushOut:
    """Push up to 500 of your leads to your CRM: a sync job per lead (202). Any lead that is not
    yours: 404, nothing queued. Needs a connection (409) and a plan with CRM sync (403)."""
    pushed = await crm.push_leads(db, user, body.lead_ids, settings=settings_of(request))
    return PushOut(queued=len(pushed.lead_ids), created=pushed.created, lead_ids=pushed.lead_ids)


@router.get("/leads/{lead_id}/crm", response_model=LeadCrmOut)
async def lead_crm(
    lead_id: uuid.UUID, request: Request, user: SubscriberUser, db: DbSession
) -> LeadCrmOut:
    """The lead's CRM sync: its status, when it was synced, the error of a failed sync."""
    state = await crm.lead_sync(db, user, lead_id, settings=settings_of(request))
    return LeadCrmOut.of(lead_id, state)


@router.post("/leads/{lead_id}/crm/retry", response_model=LeadCrmOut, status_code=202)
async def retry_lead(
    lead_id: uuid.UUID, request: Request, user: SubscriberUser, db: DbSession
) -> LeadCrmOut:
    """Queue the lead's sync again now (after fixing what made it fail)."""
    settings = settings_of(request)
    await crm.retry_lead(db, user, lead_id, settings=settings, now=now_new_york())
    return LeadCrmOut.of(lead_id, await crm.lead_sync(db, user, lead_id, settings=settings))


@router.get("/crm/contacts.csv", response_class=StreamingResponse)
async def contacts_export(
    user: SubscriberUser,
    stream_db: StreamingDbSession,
    lead_ids: Annotated[list[uuid.UUID] | None, Query()] = None,
) -> StreamingResponse:
    """Your saved leads (all, or `lead_ids`) as a CSV common CRMs import: First Name, Last Name,
    Email, Phone, Mobile Phone, Street, City, State, Postal Code, Lead Status, Lead Source, Rating,
    Notes. Contact fields only for properties you unlocked."""
    return contacts_response(stream_db, user, lead_ids)


def contacts_response(
    stream_db: StreamingDbSession, user: SubscriberUser, lead_ids: list[uuid.UUID] | None
) -> StreamingResponse:
    chosen = check_chosen(lead_ids)
    filename = f"propintel-contacts-{today_new_york().isoformat()}.csv"
    return StreamingResponse(
        contacts_csv(stream_db, user, chosen),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
