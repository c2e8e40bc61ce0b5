"""Which language a request is answered in: the account's choice (applied once the user is known,
``auth.deps``), else the switcher's cookie, else the browser's ``Accept-Language``."""

from __future__ import annotations

from fastapi import Request, Response

from propintel.kit.i18n import negotiate, supported

LOCALE_COOKIE = "propintel_locale"
LOCALE_COOKIE_MAX_AGE_S = 365 * 24 * 3600  # a year: a language is chosen once


def request_locale(request: Request) -> str:
    return supported(request.cookies.get(LOCALE_COOKIE)) or negotiate(
        request.headers.get("accept-language")
    )


def remember_locale(response: Response, locale: str | None, *, secure: bool) -> None:
    """Set the switcher's cookie to ``locale`` for a year; None removes it (follow the browser)."""
    if locale is None:
        response.delete_cookie(LOCALE_COOKIE)
        return
    response.set_cookie(
        LOCALE_COOKIE,
        locale,
        max_age=LOCALE_COOKIE_MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=secure,
    )
