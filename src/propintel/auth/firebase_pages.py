"""Firebase sign-in on the web: the page's Firebase ID token exchanged for our web session.

``static/js/firebase-signin.js`` signs in with the Firebase JS SDK (served from static/vendor),
then posts the ID token here with the page's CSRF header. The token is verified with the app's
``FirebaseVerifier``; ``firebase_signin`` decides which account it stands for. The answer is JSON:
``{"redirect": url}`` with the session cookie set, or ``{"detail": message}`` with an error status.
Enabled only when the project id and the web API key are both set (404 otherwise).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from propintel.auth.account import send_verification
from propintel.auth.account_pages import mailer_for
from propintel.auth.firebase_signin import sign_in_with_firebase
from propintel.auth.models import UserType
from propintel.auth.pages import _logged_in, _safe_next
from propintel.db.session import DbSession
from propintel.integrations.firebase import (
    MAX_TOKEN_LENGTH,
    CertificateFetchError,
    FirebaseVerifier,
    InvalidIdToken,
)
from propintel.kit.errors import NotAuthenticated, NotFound, ServiceUnavailable
from propintel.kit.i18n import _
from propintel.web.security import public

router = APIRouter(include_in_schema=False)


class FirebaseSessionRequest(BaseModel):
    id_token: str = Field(min_length=1, max_length=MAX_TOKEN_LENGTH)
    next: str | None = Field(default=None, max_length=2000)
    # Only used when the sign-in creates the account (the sign-up page's choice).
    user_type: Literal["subscriber", "homeowner"] = "subscriber"


def _verifier(request: Request) -> FirebaseVerifier:
    verifier: FirebaseVerifier | None = request.app.state.firebase_verifier
    if verifier is None or not request.app.state.settings.firebase_web_enabled:
        raise NotFound(_("Firebase sign-in is not enabled on this site."))
    return verifier


@router.post("/auth/firebase/session")
@public
async def firebase_session(
    request: Request, db: DbSession, body: FirebaseSessionRequest
) -> Response:
    verifier = _verifier(request)
    try:
        identity = await verifier.verify(body.id_token)
    except InvalidIdToken as error:
        raise NotAuthenticated(
            _("Your sign-in could not be verified ({reason}). Please sign in again.").format(
                reason=error.reason
            )
        ) from error
    except CertificateFetchError as error:
        raise ServiceUnavailable(
            _("Sign-in is unavailable right now. Please try again in a few minutes.")
        ) from error
    result = await sign_in_with_firebase(db, identity, UserType(body.user_type))
    if result.created:
        url, greeting, level = "/dashboard", _("Welcome to PropIntel"), "welcome"
        if not result.user.email_verified:  # Firebase has not proven it: our own link will
            await send_verification(db, mailer_for(request, db), result.user)
    else:
        url, greeting, level = _safe_next(body.next), _("Welcome back."), "success"
    # The same session and greeting as a password log-in; a script follows the redirect itself.
    redirect = await _logged_in(request, db, result.user, url, greeting, level)
    response = JSONResponse({"redirect": url})
    for cookie in redirect.headers.getlist("set-cookie"):
        response.headers.append("set-cookie", cookie)
    return response
