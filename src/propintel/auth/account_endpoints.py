"""Account API: prove an address, forgotten and reset passwords, password and e-mail changes,
sessions and API keys (the security page's actions, for programs)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from propintel.auth import account
from propintel.auth.account_pages import client_of, mailer_for
from propintel.auth.deps import AnyUser, current_session_id
from propintel.auth.models import SessionKind
from propintel.auth.schemas import (
    AcceptedOut,
    ChangeEmailIn,
    ChangePasswordIn,
    ForgotPasswordIn,
    NewApiKeyIn,
    NewApiKeyOut,
    ResetPasswordIn,
    SessionOut,
    SessionsOut,
    TokenBody,
    UserOut,
)
from propintel.db.session import DbSession
from propintel.kit.i18n import _
from propintel.web.client_ip import client_ip
from propintel.web.security import public

router = APIRouter(prefix="/api/v1", tags=["account"])


@router.post("/auth/verify-email", response_model=UserOut)
@public
async def verify_email(request: Request, body: TokenBody, db: DbSession) -> object:
    """Spend the token of a verification e-mail: its address is now the account's, verified."""
    return await account.verify_email(db, mailer_for(request, db), body.token)


@router.post("/auth/verification/resend", response_model=AcceptedOut)
async def resend_verification(request: Request, user: AnyUser, db: DbSession) -> AcceptedOut:
    """A new verification link to the account's address (rate-limited: 429)."""
    sent = await account.resend_verification(db, mailer_for(request, db), user)
    if not sent:
        return AcceptedOut(detail=_("The e-mail could not be sent right now; ask again later."))
    return AcceptedOut(detail=_("We sent a new link to {email}.").format(email=user.email))


@router.post(
    "/auth/password/forgot", response_model=AcceptedOut, status_code=status.HTTP_202_ACCEPTED
)
@public
async def forgot_password(request: Request, body: ForgotPasswordIn, db: DbSession) -> AcceptedOut:
    """A reset link to the address when it is an account's. The answer is the same either way;
    only too many requests from one network address are refused (429)."""
    await account.request_password_reset(
        db, mailer_for(request, db), body.email, client_ip(request)
    )
    return AcceptedOut(
        detail=_("If an account uses this address, we sent it a link to choose a new password.")
    )


@router.post("/auth/password/reset", status_code=status.HTTP_204_NO_CONTENT)
@public
async def reset_password(request: Request, body: ResetPasswordIn, db: DbSession) -> Response:
    """Spend a reset token: the new password applies and every session and key is revoked."""
    state = request.app.state
    await account.reset_password(
        db, state.settings, state.signing_key, body.token, body.new_password
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/account/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    request: Request, body: ChangePasswordIn, user: AnyUser, db: DbSession
) -> Response:
    """Change the password (the current one required); every other session and key is revoked,
    the one making this call stays."""
    await account.change_password(
        db,
        request.app.state.settings,
        user,
        body.current_password,
        body.new_password,
        ip=client_ip(request),
        keep=current_session_id(request),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/account/email", response_model=AcceptedOut, status_code=status.HTTP_202_ACCEPTED)
async def change_email(
    request: Request, body: ChangeEmailIn, user: AnyUser, db: DbSession
) -> AcceptedOut:
    """Send a link to the new address; the account's address changes when it is followed."""
    await account.request_email_change(
        db,
        request.app.state.settings,
        mailer_for(request, db),
        user,
        body.email,
        body.current_password,
        client_ip(request),
    )
    return AcceptedOut(detail=_("We sent a link to the new address."))


@router.get("/account/sessions", response_model=SessionsOut)
async def sessions(request: Request, user: AnyUser, db: DbSession) -> SessionsOut:
    """The account's live browser sessions and API keys (at most 20 keys; sessions expire)."""
    listed = await account.open_sessions(db, user, current_session_id(request))
    return SessionsOut(
        sessions=[SessionOut.model_validate(row) for row in listed.web],
        api_keys=[SessionOut.model_validate(row) for row in listed.api_keys],
    )


@router.delete("/account/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_session(session_id: uuid.UUID, user: AnyUser, db: DbSession) -> Response:
    await account.revoke(db, user, session_id, SessionKind.WEB)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/account/api-keys", response_model=NewApiKeyOut, status_code=201)
async def create_api_key(
    request: Request, body: NewApiKeyIn, user: AnyUser, db: DbSession
) -> NewApiKeyOut:
    """A named API key. Its secret is in this answer only: store it now."""
    created = await account.create_api_key(
        db, request.app.state.settings, user, body.name, client_of(request)
    )
    return NewApiKeyOut(
        session_id=created.session_id,
        name=created.name or "",
        api_key=created.secret,
        expires_at=created.expires_at,
    )


@router.delete("/account/api-keys/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_api_key(session_id: uuid.UUID, user: AnyUser, db: DbSession) -> Response:
    await account.revoke(db, user, session_id, SessionKind.API)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
