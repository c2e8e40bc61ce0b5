"""Auth API: sign up, exchange a password for a Bearer token, revoke it, who am I."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from propintel.auth.account import sign_up, signup_sent_message
from propintel.auth.account_pages import client_of, mailer_for
from propintel.auth.deps import AnyUser
from propintel.auth.models import SessionKind, UserType
from propintel.auth.schemas import (
    PasswordGrantIn,
    SignUpIn,
    SignUpOut,
    TokenIn,
    TokenOut,
    UserOut,
)
from propintel.auth.service import NewAccount, authenticate, close_session, open_session
from propintel.db.session import DbSession
from propintel.kit.clock import seconds_until
from propintel.web.client_ip import client_ip
from propintel.web.security import public, sends_form

router = APIRouter(prefix="/api/v1", tags=["auth"])
Body = TypeVar("Body", bound=BaseModel)

# The token endpoint reads its body itself (FastAPI takes one encoding per endpoint), so its two
# encodings are documented here.
TOKEN_REQUEST: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": TokenIn.model_json_schema()},
            "application/x-www-form-urlencoded": {"schema": PasswordGrantIn.model_json_schema()},
        },
    }
}


@router.post("/auth/signup", status_code=status.HTTP_202_ACCEPTED, response_model=SignUpOut)
@public
async def sign_up_api(request: Request, body: SignUpIn, db: DbSession) -> SignUpOut:
    """Ask for an account. The answer is the same whether the address is new (the account is made
    and a verification link e-mailed) or already has an account (nothing is made; its owner is
    e-mailed a notice instead): it never tells who has an account. Then log in
    (``POST /auth/token``) with the password chosen."""
    account = NewAccount(
        body.email, body.password, UserType(body.user_type), display_name=body.name
    )
    await sign_up(db, request.app.state.settings, mailer_for(request, db), account)
    return SignUpOut(email=account.email.strip().lower(), message=signup_sent_message(body.email))


@router.post("/auth/token", response_model=TokenOut, openapi_extra=TOKEN_REQUEST)
@public
async def issue_token(request: Request, db: DbSession) -> TokenOut:
    """A Bearer token for an email and password, sent as JSON ``{"email", "password"}`` or as an
    OAuth2 password grant form (``grant_type=password&username=…&password=…``).

    No cookie authenticates this call, so it needs no CSRF token, whatever the encoding.
    """
    body = await _token_request(request)
    settings = request.app.state.settings
    user = await authenticate(db, settings, body.email, body.password, client_ip(request))
    opened = await open_session(db, settings, user, SessionKind.API, client=client_of(request))
    return TokenOut(
        access_token=opened.secret,
        expires_at=opened.expires_at,
        expires_in=seconds_until(opened.expires_at),
    )


async def _token_request(request: Request) -> TokenIn:
    if sends_form(request):
        return _validated(PasswordGrantIn, dict(await request.form())).credentials()
    try:
        data = await request.json()
    except ValueError as error:
        invalid = {"type": "json_invalid", "loc": ("body",), "msg": "The body is not valid JSON."}
        raise RequestValidationError([invalid]) from error
    return _validated(TokenIn, data)


def _validated(model: type[Body], data: object) -> Body:
    """``data`` as ``model``; errors are answered as for any request body (422, by field)."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise RequestValidationError(
            [{**item, "loc": ("body", *item["loc"])} for item in error.errors()]
        ) from error


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_token(request: Request, user: AnyUser, db: DbSession) -> Response:
    """Revoke the Bearer token used for this call."""
    _, _, token = request.headers.get("Authorization", "").partition(" ")
    if token.startswith("pit_"):
        await close_session(db, token.strip())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserOut)
async def me(user: AnyUser) -> object:
    return user
