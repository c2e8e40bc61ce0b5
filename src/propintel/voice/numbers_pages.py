"""Pages of a subscriber's phone numbers: ``/voice/numbers`` (the numbers held, renaming, the
released ones), ``/voice/numbers/search`` (numbers for sale by area code, buying one) and the
confirmation before releasing a number. Without a plan with AI voice calls: the 403 page naming
the plans that include it."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from propintel.auth.deps import SubscriberUser
from propintel.auth.models import User
from propintel.db.session import DbSession
from propintel.integrations.voice import AvailableNumber
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict, Invalid, ServiceUnavailable
from propintel.kit.i18n import _
from propintel.kit.phones import display_phone
from propintel.voice import numbers
from propintel.voice.numbers_endpoints import network_of, settings_of
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/voice/numbers"
SEARCH = "/voice/numbers/search"
# What a form may show and fix: the rest (the plan's refusal, a 404) gets the error page.
FORM_ERRORS = (Invalid, Conflict, ServiceUnavailable)


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


async def _numbers_page(
    request: Request,
    db: DbSession,
    user: User,
    *,
    rename_errors: dict[uuid.UUID, str] | None = None,
    values: dict[uuid.UUID, str] | None = None,
    status_code: int = 200,
) -> Response:
    listing = await numbers.numbers(db, user, settings_of(request))
    context: dict[str, Any] = {
        "listing": listing,
        "rename_errors": rename_errors or {},
        "values": values or {},
    }
    return render(request, "voice/numbers.html", context, status_code=status_code)


@router.get(PAGE)
async def numbers_page(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    return await _numbers_page(request, db, user)


@router.post(PAGE + "/{phone_id}/name")
async def rename_number(
    request: Request,
    phone_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    friendly_name: str = Form(""),
) -> Response:
    try:
        renamed = await numbers.rename(db, user, network_of(request, db), phone_id, friendly_name)
    except FORM_ERRORS as error:
        return await _numbers_page(
            request,
            db,
            user,
            rename_errors={phone_id: error.message},
            values={phone_id: friendly_name},
            status_code=error.status_code,
        )
    message = _("Renamed {number} to “{name}”.").format(
        number=renamed.display, name=renamed.friendly_name
    )
    return redirect_with_flash(request, PAGE, message, "success")


async def _search_page(
    request: Request,
    db: DbSession,
    user: User,
    area_code: str | None,
    *,
    error: str | None = None,
    failed_number: str | None = None,
    name: str = "",
    status_code: int = 200,
) -> Response:
    found: list[AvailableNumber] = []
    area_error: str | None = None
    search_error: str | None = None
    try:
        found = await numbers.available(db, user, network_of(request, db), area_code)
    except Invalid as refusal:
        area_error = refusal.message
        status_code = 422 if status_code == 200 else status_code
    except ServiceUnavailable as refusal:
        search_error = refusal.message
        status_code = 503 if status_code == 200 else status_code
    listing = await numbers.numbers(db, user, settings_of(request))
    context: dict[str, Any] = {
        "area_code": (area_code or "").strip(),
        "area_error": area_error,
        "search_error": search_error,
        "found": [
            {
                "number": n.number,
                "display": display_phone(n.number),
                "digits": _digits(n.number),
                "where": ", ".join(part for part in (n.locality, n.region) if part),
            }
            for n in found
        ],
        "error": error,
        "failed_number": failed_number,
        "name": name,
        "listing": listing,
        "monthly_cost": settings_of(request).voice_number_monthly_cost_usd,
    }
    return render(request, "voice/numbers_search.html", context, status_code=status_code)


@router.get(SEARCH)
async def search_page(
    request: Request, user: SubscriberUser, db: DbSession, area_code: str | None = None
) -> Response:
    return await _search_page(request, db, user, area_code)


@router.post(PAGE)
async def buy_number(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    number: str = Form(""),
    friendly_name: str = Form(""),
    area_code: str = Form(""),
) -> Response:
    try:
        bought = await numbers.buy(
            db,
            user,
            network_of(request, db),
            settings_of(request),
            number=number,
            friendly_name=friendly_name,
            now=now_new_york(),
        )
    except FORM_ERRORS as refusal:
        return await _search_page(
            request,
            db,
            user,
            area_code or None,
            error=refusal.message,
            failed_number=number,
            name=friendly_name,
            status_code=refusal.status_code,
        )
    message = _("You now hold {number} (“{name}”).").format(
        number=bought.display, name=bought.friendly_name
    )
    return redirect_with_flash(request, PAGE, message, "success")


@router.get(PAGE + "/{phone_id}/release")
async def confirm_release(
    request: Request, phone_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    number = await numbers.number_of(db, user, phone_id)
    return render(request, "voice/numbers_release.html", {"number": number})


@router.post(PAGE + "/{phone_id}/release")
async def release_number(
    request: Request, phone_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    try:
        released = await numbers.release(
            db, user, network_of(request, db), phone_id, now_new_york()
        )
    except FORM_ERRORS as refusal:
        return redirect_with_flash(request, PAGE, refusal.message, "error")
    message = _("Released {number}: it no longer receives calls.").format(number=released.display)
    return redirect_with_flash(request, PAGE, message, "success")
