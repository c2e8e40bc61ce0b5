"""The local email outbox (/outbox): what the local adapter "sent", for its recipients (admins
see every message) and, for e-mails to owners, their senders. It exists only while the local
adapter is active: with SendGrid configured, mail really leaves and this page answers 404.

An e-mail to an owner has the offline simulator's buttons: the owner opens it, clicks in it, or
replies (``outreach.email_simulator``: signed events and an Inbound Parse post through the same
intake as SendGrid's)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from propintel.auth.deps import AnyUser
from propintel.db.session import DbSession
from propintel.integrations.email import uses_local_email
from propintel.integrations.local import outbox as local_outbox
from propintel.kit.clock import now_new_york
from propintel.kit.errors import DomainError, NotFound
from propintel.kit.i18n import _
from propintel.outreach import email_outreach, email_simulator
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 25


def _require_local(request: Request) -> None:
    if not uses_local_email(request.app.state.settings):
        raise NotFound(_("There is no outbox: email is sent through SendGrid."))


@router.get("/outbox")
async def outbox_page(
    request: Request, user: AnyUser, db: DbSession, cursor: str | None = None
) -> Response:
    _require_local(request)
    owner = None if user.is_admin else user.user_id
    emails, next_cursor = await local_outbox.outbox_page(db, owner, PER_PAGE, cursor)
    context = {
        "emails": emails,
        "total": await local_outbox.outbox_count(db, owner),
        "next_url": f"/outbox?{urlencode({'cursor': next_cursor})}" if next_cursor else None,
        "first_url": "/outbox" if cursor else None,
        "everyone": owner is None,
    }
    return render(request, "outbox/index.html", context)


@router.get("/outbox/{email_id}")
async def email_page(
    request: Request, email_id: uuid.UUID, user: AnyUser, db: DbSession
) -> Response:
    _require_local(request)
    owner = None if user.is_admin else user.user_id
    email = await local_outbox.outbox_email(db, email_id, owner)
    log = await email_outreach.log_of_outbox_email(db, str(email_id), owner)
    simulator = log is not None and email_simulator.available(request.app.state.settings)
    context = {"email": email, "owner_email": log, "simulator": simulator}
    return render(request, "outbox/email.html", context)


@router.post("/outbox/{email_id}/simulate")
async def simulate(
    request: Request,
    email_id: uuid.UUID,
    user: AnyUser,
    db: DbSession,
    action: Annotated[Literal["open", "click", "reply"], Form()],
    text: Annotated[str, Form(max_length=email_simulator.MAX_REPLY)] = "",
) -> Response:
    """The owner opens, clicks or replies to an e-mail to an owner (offline simulator)."""
    _require_local(request)
    owner = None if user.is_admin else user.user_id
    await local_outbox.outbox_email(db, email_id, owner)
    log = await email_outreach.log_of_outbox_email(db, str(email_id), owner)
    if log is None:
        raise NotFound(_("No such email in your outbox."))
    settings = request.app.state.settings
    page = f"/outbox/{email_id}"
    try:
        if action == "reply":
            await email_simulator.simulate_reply(db, settings, log, text, now=now_new_york())
        else:
            await email_simulator.simulate_event(db, settings, log, action)
    except DomainError as error:
        if error.status_code == 404:
            raise
        return redirect_with_flash(request, page, error.message, "error")
    done = {
        "open": _("Simulated: the owner opened the e-mail."),
        "click": _("Simulated: the owner clicked a link in the e-mail."),
        "reply": _("Simulated: the owner replied."),
    }[action]
    message = done + " " + _("The lead's page shows it once the worker has handled the event.")
    return redirect_with_flash(request, page, message, "success")
