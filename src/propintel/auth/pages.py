"""Sign-up, log-in and log-out pages (HTML forms; CSRF-checked like every form post)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from propintel.auth.account import sign_up, signup_sent_message
from propintel.auth.account_pages import client_of, mailer_for
from propintel.auth.demo_accounts import demo_logins
from propintel.auth.deps import OptionalUser
from propintel.auth.models import SessionKind, User, UserType
from propintel.auth.service import (
    NewAccount,
    authenticate,
    close_session,
    open_session,
    user_by_email,
)
from propintel.db.session import DbSession
from propintel.kit.errors import DomainError
from propintel.kit.i18n import _, set_locale
from propintel.kit.text import refuse_nul
from propintel.web.client_ip import client_ip
from propintel.web.redirects import safe_path
from propintel.web.security import SESSION_COOKIE, public, sign_session, unsign_session
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only same-site paths (web.redirects): an open redirect would let a phishing link bounce
    through us."""
    return safe_path(target, "/dashboard")


@router.get("/login", response_class=HTMLResponse)
@public
async def login_page(
    request: Request, user: OptionalUser, db: DbSession, next: str | None = None
) -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    context = {
        "next": _safe_next(next),
        "email": "",
        "demo_logins": await _demo_logins(db, request),
    }
    return render(request, "auth/login.html", context)


async def _demo_logins(db: DbSession, request: Request) -> list[dict[str, str]]:
    """Shown on development installs whose demo accounts exist, so a newcomer can look around."""
    if request.app.state.settings.environment != "development":
        return []
    logins = demo_logins()
    exists = await user_by_email(db, logins[0]["email"])
    return logins if exists else []


@router.post("/login")
@public
async def login_submit(
    request: Request,
    db: DbSession,
    email: str = Form(""),
    password: str = Form(""),
    next: str = Form("/dashboard"),
) -> Response:
    settings = request.app.state.settings
    try:
        known = await user_by_email(db, refuse_nul(email, "email").strip().lower())
        first_time = known is not None and known.last_login is None  # before the log-in sets it
        user = await authenticate(db, settings, email, password, client_ip(request))
    except DomainError as error:
        context = {"next": _safe_next(next), "email": email, "error": error.message}
        return render(request, "auth/login.html", context, status_code=error.status_code)
    if user.preferred_locale:  # greet in the account's language, as every page after this
        set_locale(user.preferred_locale)
    if first_time:  # a new account (sign-up does not log in): the dashboard's next step
        greeting, level = _("Welcome to PropIntel"), "welcome"
    else:
        greeting, level = _("Welcome back."), "success"
    return await _logged_in(request, db, user, _safe_next(next), greeting, level)


async def _logged_in(
    request: Request, db: DbSession, user: User, url: str, greeting: str, level: str
) -> Response:
    """Opens a web session for ``user``: a redirect to ``url`` with its cookie and a greeting."""
    settings = request.app.state.settings
    opened = await open_session(db, settings, user, SessionKind.WEB, client=client_of(request))
    response = redirect_with_flash(request, url, greeting, level)
    response.set_cookie(
        SESSION_COOKIE,
        sign_session(request.app.state.signing_key, opened.secret),
        max_age=settings.session_max_age_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    return response


@router.get("/signup", response_class=HTMLResponse)
@public
async def signup_page(request: Request, user: OptionalUser) -> Response:
    if user is not None:
        return RedirectResponse("/dashboard", status_code=303)
    return render(request, "auth/signup.html", {"form": {"user_type": "subscriber"}})


@router.post("/signup")
@public
async def signup_submit(
    request: Request,
    db: DbSession,
    email: str = Form(""),
    password: str = Form(""),
    user_type: str = Form("subscriber"),
    name: str = Form(""),
) -> Response:
    form = {"email": email, "user_type": user_type, "name": name}
    if user_type not in (UserType.SUBSCRIBER, UserType.HOMEOWNER):
        return render(
            request,
            "auth/signup.html",
            {
                "form": form,
                "error": _("Choose subscriber or homeowner."),
                "error_field": "user_type",
            },
            status_code=422,
        )
    account = NewAccount(email, password, UserType(user_type), display_name=name.strip() or None)
    try:
        await sign_up(db, request.app.state.settings, mailer_for(request, db), account)
    except DomainError as error:
        context = {"form": form, "error": error.message, "error_field": error.field}
        return render(request, "auth/signup.html", context, status_code=error.status_code)
    # The same answer whether the address was new (a verification link went to it) or already had
    # an account (its owner was told instead): nothing here says which. No session is opened: an
    # existing account's owner must not be logged in by whoever typed the address. The first
    # log-in greets a new account with its next step (_welcome.html).
    return redirect_with_flash(request, "/login", signup_sent_message(account.email), "success")


@router.post("/logout")
@public
async def logout(request: Request, db: DbSession) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    secret = unsign_session(request.app.state.signing_key, cookie) if cookie else None
    if secret:
        await close_session(db, secret)
    response = redirect_with_flash(request, "/login", _("You are logged out."))
    response.delete_cookie(SESSION_COOKIE)
    return response
