"""Which language a request is answered in: the account's choice (applied once the user is known,
``auth.deps``), else the switcher's cookie, else the browser's ``Accept-Language``."""

from __future__ import annotations

from fastapi import Request

from propintel.kit.i18n import negotiate, supported

LOCALE_COOKIE = "propintel_locale"
LOCALE_COOKIE_MAX_AGE_S = 365 * 24 * 3600  # a year: a language is chosen once


def request_locale(request: Request) -> str:
    return supported(request.cookies.get(LOCALE_COOKIE)) or negotiate(
        request.headers.get("accept-language")
    )
