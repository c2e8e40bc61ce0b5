"""Account pages: confirm an e-mail address, forgotten and reset passwords, and the security page
(sessions, API keys, password and e-mail changes).

Links from e-mails open a page whose button spends them (a POST): mail scanners that fetch every
link must not use up a single-use link.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from propintel.auth import account
from propintel.auth.deps import AnyUser, OptionalUser, current_session_id
from propintel.auth.models import SessionKind, User
from propintel.auth.service import Client, set_preferred_locale
from propintel.db.session import DbSession
from propintel.kit.errors import DomainError
from propintel.kit.i18n import _, set_locale
from propintel.web.client_ip import client_ip
from propintel.web.locale import remember_locale, request_locale
from propintel.web.redirects import safe_path
from propintel.web.security import SESSION_COOKIE, public
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
SECURITY_PAGE = "/account/security"


def mailer_for(request: Request, db: DbSession) -> account.Mailer:
    state = request.app.state
    return account.Mailer(
        state.email_senders(db), state.settings.public_base_url, state.signing_key
    )


def client_of(request: Request) -> Client:
    return Client(client_ip(request), request.headers.get("user-agent"))


def _not_sent_warning(sent: bool) -> str:
    return "" if sent else " " + _("The e-mail could not be sent right now; ask again later.")


@router.get("/verify-email", response_class=HTMLResponse)
@public
async def verify_email_page(request: Request, user: OptionalUser, token: str = "") -> Response:
    return render(request, "auth/verify_email.html", {"token": token})


@router.post("/verify-email")
@public
async def verify_email_submit(
    request: Request, db: DbSession, user: OptionalUser, token: str = Form("")
) -> Response:
    try:
        await account.verify_email(db, mailer_for(request, db), token)
    except DomainError as error:
        context = {"token": token, "error": error.message}
        return render(request, "auth/verify_email.html", context, status_code=error.status_code)
    target = "/dashboard" if user else "/login"
    return redirect_with_flash(request, target, _("Your e-mail address is confirmed."), "success")


@router.post("/account/verification/resend")
async def resend_verification(
    request: Request, db: DbSession, user: AnyUser, next: str = Form(SECURITY_PAGE)
) -> Response:
    back = safe_path(next, SECURITY_PAGE)
    try:
        sent = await account.resend_verification(db, mailer_for(request, db), user)
    except DomainError as error:
        return redirect_with_flash(request, back, error.message, "error")
    message = _("We sent a new link to {email}.").format(email=user.email)
    return redirect_with_flash(request, back, message + _not_sent_warning(sent))


@router.get("/forgot-password", response_class=HTMLResponse)
@public
async def forgot_password_page(request: Request, user: OptionalUser) -> Response:
    return render(request, "auth/forgot_password.html", {"email": user.email if user else ""})


@router.post("/forgot-password")
@public
async def forgot_password_submit(
    request: Request, db: DbSession, email: str = Form("")
) -> Response:
    try:
        await account.request_password_reset(db, mailer_for(request, db), email, client_ip(request))
    except DomainError as error:
        context = {"email": email, "error": error.message}
        return render(request, "auth/forgot_password.html", context, status_code=error.status_code)
    return render(request, "auth/forgot_password.html", {"email": email, "sent": True})


@router.get("/reset-password", response_class=HTMLResponse)
@public
async def reset_password_page(request: Request, user: OptionalUser, token: str = "") -> Response:
    return render(request, "auth/reset_password.html", {"token": token})


@router.post("/reset-password")
@public
async def reset_password_submit(
    request: Request, db: DbSession, token: str = Form(""), password: str = Form("")
) -> Response:
    state = request.app.state
    try:
        await account.reset_password(db, state.settings, state.signing_key, token, password)
    except DomainError as error:
        context = {"token": token, "error": error.message, "error_field": error.field}
        return render(request, "auth/reset_password.html", context, status_code=error.status_code)
    message = _("Your password is changed and every session was logged out. Log in again.")
    response = redirect_with_flash(request, "/login", message, "success")
    response.delete_cookie(SESSION_COOKIE)
    return response


async def _security_page(
    request: Request,
    db: DbSession,
    user: User,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    listed = await account.open_sessions(db, user, current_session_id(request))
    page = {"account": user, "open": listed, **context}
    return render(request, "auth/security.html", page, status_code=status_code)


@router.get(SECURITY_PAGE, response_class=HTMLResponse)
async def security_page(request: Request, db: DbSession, user: AnyUser) -> Response:
    return await _security_page(request, db, user)


@router.post(f"{SECURITY_PAGE}/password")
async def change_password(
    request: Request,
    db: DbSession,
    user: AnyUser,
    current_password: str = Form(""),
    new_password: str = Form(""),
) -> Response:
    try:
        revoked = await account.change_password(
            db,
            request.app.state.settings,
            user,
            current_password,
            new_password,
            ip=client_ip(request),
            keep=current_session_id(request),
        )
    except DomainError as error:
        return await _security_page(
            request,
            db,
            user,
            status_code=error.status_code,
            password_error=error.message,
            password_field=error.field,
        )
    message = _("Your password is changed. {count} other session(s) and API key(s) were revoked.")
    return redirect_with_flash(request, SECURITY_PAGE, message.format(count=revoked), "success")


@router.post(f"{SECURITY_PAGE}/email")
async def change_email(
    request: Request,
    db: DbSession,
    user: AnyUser,
    email: str = Form(""),
    current_password: str = Form(""),
) -> Response:
    try:
        sent = await account.request_email_change(
            db,
            request.app.state.settings,
            mailer_for(request, db),
            user,
            email,
            current_password,
            client_ip(request),
        )
    except DomainError as error:
        return await _security_page(
            request,
            db,
            user,
            status_code=error.status_code,
            email_error=error.message,
            email_field=error.field,
            new_email=email,
        )
    message = _("We sent a link to {email}. Your address changes when you follow it.")
    text = message.format(email=email.strip().lower()) + _not_sent_warning(sent)
    return redirect_with_flash(request, SECURITY_PAGE, text)


@router.post(f"{SECURITY_PAGE}/language")
async def choose_language(
    request: Request, db: DbSession, user: AnyUser, locale: str = Form("")
) -> Response:
    """The account's language for pages and e-mails; empty: follow the browser."""
    try:
        await set_preferred_locale(db, user, locale or None)
    except DomainError as error:
        return redirect_with_flash(request, SECURITY_PAGE, error.message, "error")
    set_locale(locale or request_locale(request))
    response = redirect_with_flash(request, SECURITY_PAGE, _("Your language is saved."), "success")
    remember_locale(response, locale or None, secure=request.app.state.settings.cookie_secure)
    return response


@router.post(f"{SECURITY_PAGE}/sessions/{{session_id}}/revoke")
async def revoke_session(
    request: Request, db: DbSession, user: AnyUser, session_id: uuid.UUID
) -> Response:
    try:
        await account.revoke(db, user, session_id, SessionKind.WEB)
    except DomainError as error:
        return redirect_with_flash(request, SECURITY_PAGE, error.message, "error")
    if session_id == current_session_id(request):
        response = redirect_with_flash(request, "/login", _("You are logged out."))
        response.delete_cookie(SESSION_COOKIE)
        return response
    return redirect_with_flash(request, SECURITY_PAGE, _("That session is logged out."), "success")


@router.post(f"{SECURITY_PAGE}/sessions/revoke-others")
async def revoke_other_sessions(request: Request, db: DbSession, user: AnyUser) -> Response:
    count = await account.revoke_other_sessions(db, user, current_session_id(request))
    message = _("{count} other session(s) logged out.").format(count=count)
    return redirect_with_flash(request, SECURITY_PAGE, message, "success")


@router.post(f"{SECURITY_PAGE}/api-keys")
async def create_api_key(
    request: Request, db: DbSession, user: AnyUser, name: str = Form("")
) -> Response:
    try:
        created = await account.create_api_key(
            db, request.app.state.settings, user, name, client_of(request)
        )
    except DomainError as error:
        return await _security_page(
            request,
            db,
            user,
            status_code=error.status_code,
            key_error=error.message,
            key_name=name,
        )
    # Shown on this response only: it is never stored, so it cannot be shown again.
    return await _security_page(request, db, user, status_code=201, new_key=created)


@router.post(f"{SECURITY_PAGE}/api-keys/{{session_id}}/revoke")
async def revoke_api_key(
    request: Request, db: DbSession, user: AnyUser, session_id: uuid.UUID
) -> Response:
    try:
        await account.revoke(db, user, session_id, SessionKind.API)
    except DomainError as error:
        return redirect_with_flash(request, SECURITY_PAGE, error.message, "error")
    return redirect_with_flash(request, SECURITY_PAGE, _("The API key is revoked."), "success")
