"""Signed session cookies and CSRF tokens (double-submit, compared in constant time).

CSRF is enforced app-wide (``enforce_csrf`` is a dependency of the app itself), so a new router is
protected without anyone remembering to ask; a route that must accept cross-site posts (a webhook,
authenticated by its signature) opts out with ``@csrf_exempt``."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer

from propintel.kit.errors import Forbidden
from propintel.kit.i18n import N_, gettext

SESSION_COOKIE = "propintel_session"
CSRF_COOKIE = "propintel_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CSRF_REFUSAL = N_("The form has expired or was not sent by this site. Reload and try again.")


def _serializer(signing_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(signing_key, salt="propintel.session")


def sign_session(signing_key: str, secret: str) -> str:
    return _serializer(signing_key).dumps(secret)


def unsign_session(signing_key: str, cookie: str) -> str | None:
    try:
        value = _serializer(signing_key).loads(cookie)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def sends_form(request: Request) -> bool:
    """Is the request's body a form (URL-encoded or multipart)?"""
    return request.headers.get("content-type", "").startswith(FORM_CONTENT_TYPES)


def csrf_token_of(request: Request) -> str:
    """The CSRF token of this browser (set by the middleware on the first response)."""
    return str(getattr(request.state, "csrf_token", "") or request.cookies.get(CSRF_COOKIE, ""))


async def verify_csrf(request: Request) -> None:
    """Refuse an unsafe request whose form field or header does not carry the cookie's token."""
    if request.method in SAFE_METHODS:
        return
    expected = request.cookies.get(CSRF_COOKIE, "")
    supplied = request.headers.get(CSRF_HEADER, "")
    if not supplied and sends_form(request):
        supplied = str((await request.form()).get(CSRF_FIELD, ""))
    if not expected or not hmac.compare_digest(expected.encode(), supplied.encode()):
        raise Forbidden(gettext(CSRF_REFUSAL))


Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def csrf_exempt(endpoint: Endpoint) -> Endpoint:
    """Mark a route that authenticates its callers otherwise (a signed webhook): no CSRF check."""
    endpoint.csrf_exempt = True  # type: ignore[attr-defined]
    return endpoint


def public(endpoint: Endpoint) -> Endpoint:
    """Mark a route anyone may call, logged in or not (health, landing, log-in pages, webhooks).

    Every other route must depend on ``optional_user`` or ``require_user(...)``; a test walks the
    app's routes and fails on a route that does neither and is not marked."""
    endpoint.access = "public"  # type: ignore[attr-defined]
    return endpoint


def _is_exempt(request: Request) -> bool:
    endpoint = getattr(request.scope.get("route"), "endpoint", None)
    return bool(getattr(endpoint, "csrf_exempt", False))


def _forgeable(request: Request) -> bool:
    """Could another site make a browser send this with the user's ambient credentials? Not with
    a Bearer token (a script on another site cannot set it), nor an API call without our session
    cookie; pages' forms always could (log-in and sign-up included)."""
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return False
    return not request.url.path.startswith("/api/") or SESSION_COOKIE in request.cookies


async def enforce_csrf(request: Request) -> None:
    """The app-wide guard: every unsafe, forgeable request carries the CSRF token."""
    if request.method in SAFE_METHODS or _is_exempt(request) or not _forgeable(request):
        return
    await verify_csrf(request)
