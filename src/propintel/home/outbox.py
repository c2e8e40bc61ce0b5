"""The local email outbox (/outbox): what the local adapter "sent", for its recipients (admins
see every message). It exists only while the local adapter is active: with SendGrid configured,
mail really leaves and this page answers 404."""

from __future__ import annotations

import math
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from propintel.auth.deps import AnyUser
from propintel.db.session import DbSession
from propintel.integrations.email import uses_local_email
from propintel.integrations.local.email import Outbox
from propintel.kit.errors import NotFound
from propintel.web.templating import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 25


def _require_local(request: Request) -> None:
    if not uses_local_email(request.app.state.settings):
        raise NotFound("There is no outbox: email is sent through SendGrid.")


@router.get("/outbox")
async def outbox_page(request: Request, user: AnyUser, db: DbSession) -> Response:
    _require_local(request)
    raw_page = request.query_params.get("page", "1")
    page = max(int(raw_page), 1) if raw_page.isdigit() else 1
    owner = None if user.is_admin else user.user_id
    emails, total = await Outbox(db).page(owner, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    context = {
        "emails": emails,
        "total": total,
        "page": page,
        "pages": max(math.ceil(total / PER_PAGE), 1),
        "everyone": owner is None,
    }
    return render(request, "outbox/index.html", context)


@router.get("/outbox/{email_id}")
async def email_page(
    request: Request, email_id: uuid.UUID, user: AnyUser, db: DbSession
) -> Response:
    _require_local(request)
    email = await Outbox(db).get(email_id, None if user.is_admin else user.user_id)
    if email is None:
        raise NotFound("No such email in your outbox.")
    return render(request, "outbox/email.html", {"email": email})
