"""Pages of CRM sync: the connection (``/account/crm``: Twenty or the offline simulator, and
disconnecting), the simulated workspace (``/crm/simulator``), the "CRM" section of the lead's
outreach page with its Push and Retry buttons, the bulk push of leads selected on the leads table
(``POST /crm/push``) and the contacts CSV (``/leads/export/contacts.csv``)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import SubscriberUser
from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.catalog.service import FeatureNotInPlan
from propintel.db.session import DbSession, StreamingDbSession
from propintel.integrations.local.crm import record_counts, records_page
from propintel.kit.clock import now_new_york
from propintel.kit.errors import DomainError, Invalid
from propintel.kit.i18n import N_, _, ngettext
from propintel.outreach import crm
from propintel.outreach.crm_endpoints import clients_of, contacts_response, settings_of
from propintel.outreach.targets import Target
from propintel.outreach.workspace import Section
from propintel.web.redirects import safe_path
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
ACCOUNT = "/account/crm"
SIMULATOR = "/crm/simulator"
LEADS_TABLE = "/leads/table"
SIMULATOR_PAGE = 25


def _outreach(lead_id: uuid.UUID) -> str:
    return f"/leads/{lead_id}/outreach"


async def upgrade_message(db: AsyncSession, user: User) -> str | None:
    """The plan's refusal of CRM sync, in words (None when the plan includes it)."""
    try:
        await catalog.require_feature(db, user, crm.FEATURE)
    except FeatureNotInPlan as refusal:
        return refusal.message
    return None


# --- the section of the lead's outreach page -----------------------------------------------------
async def build_section(
    request: Request, db: AsyncSession, user: User, target: Target
) -> dict[str, Any]:
    assert target.lead_id is not None
    state = await crm.lead_sync(db, user, target.lead_id, settings=settings_of(request))
    return {
        "state": state,
        "connection": state.connection,
        "contact": state.contact,
        "upgrade": None if state.feature else await upgrade_message(db, user),
    }


SECTION = Section("crm", "outreach/_crm.html", build_section)


@router.post("/leads/{lead_id}/crm/push")
async def push_lead(
    request: Request, lead_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    try:
        await crm.push_leads(db, user, [lead_id], settings=settings_of(request))
    except DomainError as error:
        return redirect_with_flash(request, _outreach(lead_id), error.message, "error")
    return redirect_with_flash(
        request, _outreach(lead_id), _("Queued: the lead is on its way to your CRM."), "success"
    )


@router.post("/leads/{lead_id}/crm/retry")
async def retry_lead(
    request: Request, lead_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    try:
        await crm.retry_lead(db, user, lead_id, settings=settings_of(request), now=now_new_york())
    except DomainError as error:
        return redirect_with_flash(request, _outreach(lead_id), error.message, "error")
    return redirect_with_flash(
        request, _outreach(lead_id), _("Queued again: the sync will be retried now."), "success"
    )


# --- many leads: the leads table's selection -----------------------------------------------------
def _lead_ids(raw: list[str]) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(value) for value in raw if value]
    except ValueError:
        raise Invalid(_("Choose leads from your list."), field="lead_ids") from None


@router.get("/crm/push")
async def confirm_push(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    lead_ids: Annotated[list[str] | None, Query()] = None,
) -> Response:
    """The leads table's "Push to CRM" action: the chosen leads and where they go, before
    anything is queued."""
    context: dict[str, Any] = {"records": [], "error": None, "upgrade": None}
    try:
        chosen = _lead_ids(lead_ids or [])
        if len(chosen) > crm.MAX_PUSH:
            raise Invalid(_("Push at most {limit} leads at a time.").format(limit=crm.MAX_PUSH))
        context["records"] = await crm.leads_to_push(db, user, chosen)
    except Invalid as error:
        context["error"] = error.message
    context["upgrade"] = await upgrade_message(db, user)
    context["connection"] = await crm.connection_of(db, user, settings_of(request))
    return render(request, "outreach/crm_push_confirm.html", context)


@router.post("/crm/push")
async def push_selected(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    lead_ids: Annotated[list[str] | None, Form()] = None,
    return_to: Annotated[str, Form()] = LEADS_TABLE,
) -> Response:
    """Push the leads selected on the leads table; back there with what happened."""
    back = safe_path(return_to, LEADS_TABLE)
    try:
        chosen = _lead_ids(lead_ids or [])
        pushed = await crm.push_leads(db, user, chosen, settings=settings_of(request))
    except DomainError as error:
        return redirect_with_flash(request, back, error.message, "error")
    count = len(pushed.lead_ids)
    message = ngettext(
        "Queued {count} lead for your CRM.", "Queued {count} leads for your CRM.", count
    ).format(count=count)
    return redirect_with_flash(request, back, message, "success")


@router.get("/leads/export/contacts.csv")
async def contacts_export(
    user: SubscriberUser,
    stream_db: StreamingDbSession,
    lead_ids: Annotated[list[uuid.UUID] | None, Query()] = None,
) -> StreamingResponse:
    """The contacts CSV of the leads table (all leads, or the ones chosen)."""
    return contacts_response(stream_db, user, lead_ids)


# --- the connection -------------------------------------------------------------------------------
async def _account_context(
    request: Request,
    db: AsyncSession,
    user: User,
    *,
    errors: dict[str, str] | None = None,
    base_url: str = "",
) -> dict[str, Any]:
    settings = settings_of(request)
    connection = await crm.connection_of(db, user, settings)
    return {
        "connection": connection,
        "upgrade": await upgrade_message(db, user),
        "counts": await crm.sync_counts(db, user),
        "errors": errors or {},
        "base_url": base_url or (connection.base_url if connection else "") or "",
    }


@router.get(ACCOUNT)
async def account_page(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    return render(request, "outreach/crm_account.html", await _account_context(request, db, user))


@router.post(ACCOUNT)
async def connect(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    mode: Annotated[str, Form()] = "twenty",
    base_url: Annotated[str, Form(max_length=500)] = "",
    api_key: Annotated[str, Form(max_length=crm.MAX_KEY_LENGTH)] = "",
) -> Response:
    simulator = mode == "simulator"
    try:
        connection = await crm.connect(
            db,
            user,
            settings=settings_of(request),
            clients=clients_of(request),
            now=now_new_york(),
            simulator=simulator,
            base_url=base_url,
            api_key=api_key,
        )
    except DomainError as error:
        # The key is never sent back into the form.
        errors = {error.field or "form": error.message}
        context = await _account_context(request, db, user, errors=errors, base_url=base_url)
        return render(request, "outreach/crm_account.html", context, status_code=422)
    if connection.simulated:
        message = _("Connected to the offline CRM simulator: nothing leaves PropIntel.")
    else:
        message = _("Connected to your Twenty workspace.")
    return redirect_with_flash(request, ACCOUNT, message, "success")


@router.get(ACCOUNT + "/disconnect")
async def confirm_disconnect(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    connection = await crm.connection_of(db, user, settings_of(request))
    if connection is None:
        return redirect_with_flash(request, ACCOUNT, _("No CRM is connected."))
    context = {"connection": connection, "counts": await crm.sync_counts(db, user)}
    return render(request, "outreach/crm_disconnect.html", context)


@router.post(ACCOUNT + "/disconnect")
async def disconnect(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    if await crm.disconnect(db, user):
        return redirect_with_flash(
            request, ACCOUNT, _("Disconnected: the API key is deleted."), "success"
        )
    return redirect_with_flash(request, ACCOUNT, _("No CRM is connected."))


# --- the simulated workspace ----------------------------------------------------------------------
def stage_label(stage: str | None) -> str:
    return _(STAGE_LABELS[stage]) if stage in STAGE_LABELS else (stage or "—")


# Twenty's default stages, as its pages name them.
STAGE_LABELS = {
    "NEW": N_("New"),
    "SCREENING": N_("Screening"),
    "MEETING": N_("Meeting"),
    "PROPOSAL": N_("Proposal"),
    "CUSTOMER": N_("Customer"),
}


@router.get(SIMULATOR)
async def simulator_page(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    """What the user's simulated workspace holds, newest first (theirs only)."""
    records, next_cursor = await records_page(db, user.user_id, SIMULATOR_PAGE, cursor)
    connection = await crm.connection_of(db, user, settings_of(request))
    context = {
        "records": records,
        "counts": await record_counts(db, user.user_id),
        "connection": connection,
        "next_url": f"{SIMULATOR}?cursor={next_cursor}" if next_cursor else None,
        "first_url": SIMULATOR if cursor else None,
        "stage_label": stage_label,
    }
    return render(request, "outreach/crm_simulator.html", context)
