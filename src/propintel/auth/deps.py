"""Who is asking: a Bearer token (ours or a Firebase ID token) or a signed session cookie.

Roles guard every route through ``require_user(...)``. Cookie-authenticated unsafe API calls must
carry the CSRF header; Bearer calls cannot be forged by another site, so they need not.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer

from propintel.auth.models import SessionKind, User, UserType, is_placeholder_uid
from propintel.auth.service import user_by_firebase_uid, user_for_secret
from propintel.db.session import DbSession
from propintel.integrations.firebase import CertificateFetchError, InvalidIdToken
from propintel.kit.errors import Forbidden, NotAuthenticated, ServiceUnavailable
from propintel.kit.i18n import N_, gettext, set_locale
from propintel.web.errors import LoginRequired
from propintel.web.security import SESSION_COOKIE, unsign_session


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a page, as the layout needs it (navigation per role)."""

    user_id: uuid.UUID
    email: str
    user_type: str
    email_verified: bool = True

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(user.user_id, user.email, user.user_type, user.email_verified)


async def _user_from_bearer(request: Request, db: DbSession, token: str) -> User:
    if token.startswith("pit_"):
        found = await user_for_secret(db, token, SessionKind.API)
        if found is None:
            raise NotAuthenticated(gettext("The API token is invalid, expired or revoked."))
        request.state.session_id = found.session_id
        return found.user
    verifier = request.app.state.firebase_verifier
    if verifier is None:
        raise NotAuthenticated(gettext("Unknown token type (Firebase sign-in is not configured)."))
    try:
        identity = await verifier.verify(token)
    except InvalidIdToken as error:
        rejected = gettext("Firebase ID token rejected: {reason}").format(reason=error)
        raise NotAuthenticated(rejected) from error
    except CertificateFetchError as error:
        raise ServiceUnavailable(
            gettext("Firebase sign-in is unavailable right now; retry shortly.")
        ) from error
    placeholder = is_placeholder_uid(identity.uid)
    user = None if placeholder else await user_by_firebase_uid(db, identity.uid)
    if user is None:
        raise NotAuthenticated(gettext("No PropIntel account is linked to this Firebase user."))
    return user


# The OpenAPI document's security schemes (Swagger's "Authorize"): a token from the token endpoint
# through OAuth2's password flow, or a Bearer token pasted as it is (ours or a Firebase ID token).
# Every route that depends on ``optional_user`` is documented with them. They only describe the
# Authorization header: ``_identify`` reads it, and session cookies work as before.
PASSWORD_FLOW = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    scheme_name="password",
    description="Log in with your email (as username) and password for a token.",
    auto_error=False,
)
BEARER_TOKEN = HTTPBearer(
    scheme_name="bearer",
    description="A token from POST /api/v1/auth/token, or a Firebase ID token when enabled.",
    auto_error=False,
)


async def optional_user(
    request: Request,
    db: DbSession,
    _password_flow: Annotated[str | None, Security(PASSWORD_FLOW)],
    _bearer_token: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER_TOKEN)],
) -> User | None:
    user = await _identify(request, db)
    if user is not None and user.preferred_locale:
        set_locale(user.preferred_locale)  # the account's choice beats cookie and browser
    # A plain snapshot for the layout and the request log: they run after the transaction ended,
    # when a rolled-back session has expired the ORM object.
    request.state.viewer = Viewer.of(user) if user else None
    return user


async def _identify(request: Request, db: DbSession) -> User | None:
    authorization = request.headers.get("Authorization", "")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise NotAuthenticated(gettext("Authorization header must be 'Bearer <token>'."))
        return await _user_from_bearer(request, db, token.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    secret = unsign_session(request.app.state.signing_key, cookie) if cookie else None
    if secret is None:
        return None
    found = await user_for_secret(db, secret, SessionKind.WEB)
    if found is None:
        return None
    request.state.session_id = found.session_id
    return found.user


OptionalUser = Annotated[User | None, Depends(optional_user)]


def current_session_id(request: Request) -> uuid.UUID | None:
    """The session or API key this request came with (None: a Firebase ID token, or none)."""
    session_id: uuid.UUID | None = getattr(request.state, "session_id", None)
    return session_id


ROLE_REFUSAL = N_("Your account type cannot use this page.")  # translated where raised


def require_user(*roles: UserType) -> Callable[..., Awaitable[User]]:
    """A dependency: the caller must be logged in and (when roles are given) have one of them."""

    async def dependency(request: Request, user: OptionalUser) -> User:
        if user is None:
            if request.url.path.startswith("/api/"):
                raise NotAuthenticated(
                    gettext("Log in first: send 'Authorization: Bearer <token>'.")
                )
            raise LoginRequired(gettext("Please log in to continue."))
        if roles and user.user_type not in roles:
            raise Forbidden(gettext(ROLE_REFUSAL))
        return user

    dependency.roles = roles  # type: ignore[attr-defined]  # marks an access guard (route tests)
    return dependency


AnyUser = Annotated[User, Depends(require_user())]
SubscriberUser = Annotated[User, Depends(require_user(UserType.SUBSCRIBER))]
HomeownerUser = Annotated[User, Depends(require_user(UserType.HOMEOWNER))]
AdminUser = Annotated[User, Depends(require_user(UserType.ADMIN))]
