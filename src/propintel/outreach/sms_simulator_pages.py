"""The offline phone simulator (``/simulator/phone``): available whenever Twilio is not
configured (404 otherwise), to subscribers, and labelled "Offline phone simulator: nothing is
sent".

For one owner number the subscriber texted, it shows the texts as the simulated network carried
them (only the subscriber's own: the ids come from their threads) with their delivery status, and a
reply box whose reply is stored on the network and posted, signed as Twilio signs, through the
same verification and inbox as a real reply."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.integrations.sms import MAX_BODY_CHARS, uses_local_sms
from propintel.kit.errors import Conflict, Invalid, NotFound
from propintel.kit.i18n import _
from propintel.kit.phones import display_phone, normalize_phone
from propintel.outreach import sms_simulator
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/simulator/phone"


def _require_simulator(request: Request) -> None:
    if not uses_local_sms(request.app.state.settings):
        raise NotFound(_("There is no phone simulator: texts are sent through Twilio."))


@router.get(PAGE)
async def phone_page(
    request: Request, user: SubscriberUser, db: DbSession, number: str | None = None
) -> Response:
    _require_simulator(request)
    phone = normalize_phone(number) if number else None
    context = {
        "number": phone,
        "number_display": display_phone(phone) if phone else None,
        "texts": await sms_simulator.texts_on(db, user, phone) if phone else [],
        "can_reply": bool(phone and await sms_simulator.our_number_for(db, user, phone)),
        "phones": [
            {"number": n, "display": display_phone(n), "latest": latest}
            for n, latest in await sms_simulator.phones_texted(db, user)
        ],
        "max_chars": MAX_BODY_CHARS,
    }
    status = 404 if number and phone is None else 200
    return render(request, "outreach/sms_simulator.html", context, status_code=status)


@router.post(f"{PAGE}/reply")
async def reply(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    number: Annotated[str, Form(max_length=30)],
    body: Annotated[str, Form(max_length=MAX_BODY_CHARS)] = "",
) -> Response:
    _require_simulator(request)
    phone = normalize_phone(number)
    if phone is None:
        raise NotFound(_("No such phone in the simulator."))
    back = f"{PAGE}?number={phone}"
    try:
        await sms_simulator.reply(db, user, request.app.state.settings, phone, body)
    except (Invalid, Conflict) as error:
        return redirect_with_flash(request, back, error.message, "error")
    return redirect_with_flash(
        request,
        back,
        _(
            "Reply sent from the simulated phone. It appears in the lead's conversation in a "
            "moment."
        ),
        "success",
    )
