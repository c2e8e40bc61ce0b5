"""Auth API: sign up, exchange a password for a Bearer token, revoke it, who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from propintel.auth.deps import AnyUser
from propintel.auth.models import SessionKind, UserType
from propintel.auth.repository import AuthRepository
from propintel.auth.schemas import SignUpIn, TokenIn, TokenOut, UserOut
from propintel.auth.service import NewAccount, authenticate, close_session, open_session, register
from propintel.db.session import DbSession
from propintel.web.client_ip import client_ip

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/signup", status_code=status.HTTP_201_CREATED, response_model=UserOut)
async def sign_up(body: SignUpIn, db: DbSession) -> object:
    account = NewAccount(
        body.email, body.password, UserType(body.user_type), display_name=body.name
    )
    return await register(AuthRepository(db), account)


@router.post("/auth/token", response_model=TokenOut)
async def issue_token(body: TokenIn, request: Request, db: DbSession) -> TokenOut:
    repo = AuthRepository(db)
    settings = request.app.state.settings
    user = await authenticate(repo, settings, body.email, body.password, client_ip(request))
    token, expires_at = await open_session(repo, settings, user, SessionKind.API)
    return TokenOut(access_token=token, expires_at=expires_at)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_token(request: Request, user: AnyUser, db: DbSession) -> Response:
    """Revoke the Bearer token used for this call."""
    _, _, token = request.headers.get("Authorization", "").partition(" ")
    if token.startswith("pit_"):
        await close_session(AuthRepository(db), token.strip())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserOut)
async def me(user: AnyUser) -> object:
    return user
