"""Pages of the contact unlock: the "Owner contact" section of the lead's outreach page and its
button (``POST /leads/{id}/unlock``), a property's contact page (``/properties/{id}/contact``,
linked from the property page), and the batch unlock of leads selected on the leads table
(``/leads/unlock``: the cost first, then the results per lead)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import SubscriberUser
from propintel.auth.models import User
from propintel.catalog.service import FeatureNotInPlan
from propintel.db.session import DbSession
from propintel.integrations.providers import skip_tracers
from propintel.integrations.skiptrace import SkipTracer
from propintel.kit.clock import now_new_york
from propintel.kit.errors import DomainError, Invalid
from propintel.kit.i18n import _
from propintel.outreach import unlock
from propintel.outreach.targets import Target, lead_target
from propintel.outreach.unlock_models import PHONE_TYPE_LABELS, UnlockOutcome, UnlockStatus
from propintel.outreach.workspace import Section
from propintel.search import service as search
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
LEADS_TABLE = "/leads/table"

LeadIds = Annotated[list[str], Query(alias="lead_ids")]


def skip_tracer(request: Request) -> SkipTracer:
    """The adapter chosen by settings (``app.state.skip_tracer`` when the app set one)."""
    chosen: SkipTracer | None = getattr(request.app.state, "skip_tracer", None)
    return chosen or skip_tracers(request.app.state.settings)


def _simulator(request: Request) -> bool:
    return skip_tracer(request).provider == "local"


def phone_type_name(kind: str) -> str:
    return _(PHONE_TYPE_LABELS.get(kind, PHONE_TYPE_LABELS["unknown"]))


HELPERS = {"phone_type_name": phone_type_name, "status_label": unlock.status_label}


async def _block(
    request: Request, db: AsyncSession, user: User, property_id: uuid.UUID, unlock_url: str
) -> dict[str, Any]:
    """The context of the contact block (``outreach/_contact_block.html``)."""
    settings = request.app.state.settings
    view = await unlock.contact_view(db, user, property_id, now=now_new_york(), settings=settings)
    return {
        "view": view,
        "unlock_url": unlock_url,
        "simulator": _simulator(request),
        **HELPERS,
    }


async def contact_section(
    request: Request, db: AsyncSession, user: User, target: Target
) -> dict[str, Any]:
    """The "Owner contact" section of the lead's outreach page."""
    return await _block(request, db, user, target.property_id, f"/leads/{target.lead_id}/unlock")


def _flash(outcome: UnlockOutcome) -> tuple[str, str]:
    if outcome.status == UnlockStatus.UNLOCKED:
        message = _("Owner contact unlocked: {tokens} credits charged.").format(
            tokens=outcome.tokens
        )
        return message, "success"
    if outcome.status == UnlockStatus.ALREADY_UNLOCKED:
        return _("You already unlocked this owner's contact; nothing was charged."), "info"
    return outcome.message or unlock.status_label(outcome.status), "warning"


async def _unlock_one(
    request: Request, db: AsyncSession, user: User, property_id: uuid.UUID, back: str
) -> Response:
    try:
        outcome = await unlock.unlock_property(
            db,
            user,
            property_id,
            tracer=skip_tracer(request),
            now=now_new_york(),
            settings=request.app.state.settings,
        )
    except DomainError as error:  # plan, credits, provider: nothing was charged
        return redirect_with_flash(request, back, error.message, "error")
    message, level = _flash(outcome)
    return redirect_with_flash(request, back, message, level)


@router.post("/leads/{lead_id}/unlock")
async def unlock_lead(
    request: Request, lead_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    """The section's "Get owner contact" (or "Refresh") button."""
    target = await lead_target(db, user, lead_id)
    back = f"/leads/{lead_id}/outreach#contact"
    return await _unlock_one(request, db, user, target.property_id, back)


@router.get("/properties/{property_id}/contact")
async def property_contact(
    request: Request, property_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    """A property's owner contact, or what unlocking it costs (the property page links here)."""
    scope = await search.scope_for(db, user)
    record = await search.property_in_scope(db, user, scope, property_id)
    block = await _block(request, db, user, property_id, f"/properties/{property_id}/unlock")
    return render(request, "outreach/property_contact.html", {"record": record, **block})


@router.post("/properties/{property_id}/unlock")
async def unlock_property(
    request: Request, property_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    return await _unlock_one(request, db, user, property_id, f"/properties/{property_id}/contact")


def _lead_ids(raw: list[str]) -> list[uuid.UUID]:
    ids = []
    for value in raw:
        try:
            ids.append(uuid.UUID(value.strip()))
        except ValueError as error:
            raise Invalid(_("That is not a lead of yours."), field="lead_ids") from error
    return ids


@router.get("/leads/unlock")
async def confirm_batch(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    lead_ids: LeadIds = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    """The leads table's "Get owner contact" action: what it would cost, before anything."""
    context: dict[str, Any] = {"lead_ids": [], "quote": None, "upgrade": None, "error": None}
    try:
        ids = _lead_ids(lead_ids)
        if ids:
            context["quote"] = await unlock.quote_leads(
                db, user, ids, now=now_new_york(), settings=request.app.state.settings
            )
            context["lead_ids"] = ids
    except FeatureNotInPlan as refusal:
        context["upgrade"] = refusal.message
    except Invalid as error:
        context["error"] = error.message
    context["simulator"] = _simulator(request)
    return render(request, "outreach/unlock_confirm.html", context)


@router.post("/leads/unlock")
async def run_batch(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    lead_ids: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    """Unlock the selected leads' owners: each match charged, the results per lead."""
    try:
        report, items = await unlock.unlock_leads(
            db,
            user,
            _lead_ids(lead_ids),
            tracer=skip_tracer(request),
            now=now_new_york(),
            settings=request.app.state.settings,
        )
    except DomainError as error:  # nothing was charged
        return redirect_with_flash(request, LEADS_TABLE, error.message, "error")
    context = {
        "report": report,
        "items": items,
        "statuses": list(UnlockStatus),
        "simulator": _simulator(request),
        **HELPERS,
    }
    return render(request, "outreach/unlock_results.html", context)


SECTION = Section("contact", "outreach/_contact.html", contact_section)
