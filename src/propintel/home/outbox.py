"""The local email outbox (/outbox): what the local adapter "sent", for its recipients (admins
see every message). It exists only while the local adapter is active: with SendGrid configured,
mail really leaves and this page answers 404."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from propintel.auth.deps import AnyUser
from propintel.db.session import DbSession
from propintel.integrations.email import uses_local_email
from propintel.integrations.local import outbox as local_outbox
from propintel.kit.errors import NotFound
from propintel.kit.i18n import _
from propintel.web.templating import render

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
    email = await local_outbox.outbox_email(db, email_id, None if user.is_admin else user.user_id)
    return render(request, "outbox/email.html", {"email": email})
