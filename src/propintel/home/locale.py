"""The footer's language switcher: POST /locale remembers the choice in a cookie (and on the
account of a logged-in user), then goes back to the page it was sent from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from propintel.auth import service as auth_service
from propintel.auth.deps import OptionalUser
from propintel.db.session import DbSession
from propintel.kit.errors import Invalid
from propintel.kit.i18n import SUPPORTED_LOCALES, _, set_locale
from propintel.web.locale import remember_locale
from propintel.web.redirects import safe_path
from propintel.web.security import public

router = APIRouter(include_in_schema=False)


@router.post("/locale")
@public
async def switch_locale(
    request: Request,
    user: OptionalUser,
    db: DbSession,
    locale: Annotated[str, Form(max_length=16)],
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    if locale not in SUPPORTED_LOCALES:
        raise Invalid(_("Choose English or Spanish."), field="locale")
    if user is not None:
        await auth_service.set_preferred_locale(db, user, locale)
    set_locale(locale)
    response = RedirectResponse(safe_path(next), status_code=303)
    remember_locale(response, locale, secure=request.app.state.settings.cookie_secure)
    return response
