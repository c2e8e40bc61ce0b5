"""Pages of AI calls: a lead's Calls tab (``/leads/{id}/calls``: place a call, its calls and
appointments), every call (``/voice/calls``) and one call (``/voice/calls/{id}``: transcript,
outcome, charge, the appointment booked). Without a plan with AI voice calls: the 403 page naming
the plans that include it."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from propintel.auth.deps import SubscriberUser
from propintel.auth.models import User
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict, Forbidden, Invalid, ServiceUnavailable
from propintel.kit.i18n import _
from propintel.kit.phones import display_phone
from propintel.tokens.errors import TokenRefusal
from propintel.voice import calendar, calls
from propintel.voice.conversation import outcome_label
from propintel.voice.numbers_endpoints import network_of, settings_of
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
# What the call form may show and fix: the rest (plan, 404) gets the error page.
FORM_ERRORS = (Invalid, Conflict, Forbidden, ServiceUnavailable, TokenRefusal)


def _common(request: Request) -> dict[str, Any]:
    return {
        "simulated": network_of_provider(request) == "local",
        "outcome_label": outcome_label,
        "display_phone": display_phone,
    }


def network_of_provider(request: Request) -> str:
    settings = settings_of(request)
    return "twilio" if settings.uses_twilio else "local"


async def _lead_page(
    request: Request,
    db: DbSession,
    user: User,
    lead_id: uuid.UUID,
    *,
    error: str | None = None,
    field: str | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    now = now_new_york()
    form = await calls.call_form(db, user, lead_id, settings=settings_of(request), now=now)
    rows, _next = await calls.calls_page(db, user, lead_id=lead_id, limit=PAGE_SIZE)
    context = {
        **_common(request),
        "lead_id": lead_id,
        "lead_tab": "calls",
        "form": form,
        "calls": rows,
        "appointments": await calendar.events_for_lead(db, user.user_id, lead_id),
        "calendar_problem": await calendar.calendar_problem(db, user.user_id),
        "error": error,
        "field": field,
        "values": values or {},
        "languages": calls.LANGUAGES,
    }
    return render(request, "voice/lead_calls.html", context, status_code=status_code)


@router.get("/leads/{lead_id}/calls")
async def lead_calls(
    request: Request, lead_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    return await _lead_page(request, db, user, lead_id)


@router.post("/leads/{lead_id}/calls")
async def place_call(
    request: Request,
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    to: Annotated[str, Form(max_length=30)] = "",
    template_id: Annotated[str, Form(max_length=40)] = "",
    minutes: Annotated[str, Form(max_length=4)] = "",
    language: Annotated[str, Form(max_length=5)] = "en",
) -> Response:
    values = {"to": to, "template_id": template_id, "minutes": minutes, "language": language}
    try:
        chosen = uuid.UUID(template_id) if template_id else None
    except ValueError:
        chosen = None
    try:
        length = int(minutes)
    except ValueError:
        length = 0
    try:
        call = await calls.start_call(
            db,
            user,
            lead_id,
            to=to or None,
            template_id=chosen,
            minutes=length,
            language=language,
            network=network_of(request, db),
            settings=settings_of(request),
            now=now_new_york(),
        )
    except FORM_ERRORS as error:
        return await _lead_page(
            request,
            db,
            user,
            lead_id,
            error=error.message,
            field=getattr(error, "field", None),
            values=values,
            status_code=error.status_code,
        )
    if network_of_provider(request) == "local":
        message = _(
            "Calling {number}. Offline, nobody picks up by themselves: answer it in the call "
            "simulator."
        ).format(number=display_phone(call.phone_number or ""))
    else:
        message = _("Calling {number}…").format(number=display_phone(call.phone_number or ""))
    return redirect_with_flash(request, f"/voice/calls/{call.call_id}", message, "success")


@router.get("/voice/calls")
async def all_calls(
    request: Request, user: SubscriberUser, db: DbSession, cursor: str | None = None
) -> Response:
    rows, next_cursor = await calls.calls_page(db, user, limit=PAGE_SIZE, cursor=cursor)
    context = {
        **_common(request),
        "calls": rows,
        "next_cursor": next_cursor,
        "calendar_problem": await calendar.calendar_problem(db, user.user_id),
    }
    return render(request, "voice/calls.html", context)


@router.get("/voice/calls/{call_id}")
async def one_call(
    request: Request, call_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    call = await calls.call(db, user, call_id)
    context = {
        **_common(request),
        "call": call,
        "appointment": await calendar.event_for_call(db, user.user_id, call_id),
        "calendar_problem": await calendar.calendar_problem(db, user.user_id),
        "in_progress": call.ended_at is None and call.status not in ("failed",),
    }
    return render(request, "voice/call.html", context)
