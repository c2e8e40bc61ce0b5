"""One place maps errors to responses: JSON for the API, friendly pages for the browser.

Error pages leak nothing: no stack traces, no exception text for unexpected errors.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import exc as sqlalchemy_errors
from starlette.exceptions import HTTPException as StarletteHTTPException

from propintel.db.availability import database_unreachable
from propintel.kit.errors import DomainError, NotAuthenticated, RateLimited
from propintel.kit.i18n import N_, gettext
from propintel.web.allow import allowed_methods
from propintel.web.templating import render

logger = logging.getLogger("propintel.errors")


class LoginRequired(NotAuthenticated):
    """A page needs a logged-in user: answered with a redirect to the log-in page."""


# English message ids (N_): shown translated into the request's language.
TITLES = {
    400: N_("Bad request"),
    401: N_("Please log in"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    422: N_("Please check your input"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("Service unavailable"),
}
NOT_FOUND = N_("There is nothing at this address.")
METHOD_NOT_ALLOWED = N_("This address does not accept that.")
REFUSED = N_("Request refused.")
UNEXPECTED = N_("An unexpected error occurred. It has been logged.")
INVALID_REQUEST = N_("Invalid request: {summary}")
DATABASE_UNAVAILABLE = N_(
    "The service is briefly unavailable: its database does not answer. Please try again in a few "
    "seconds."
)
DATABASE_RETRY_AFTER_S = 5


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/webhooks/")) or (
        "application/json" in (request.headers.get("accept", ""))
        and "text/html" not in request.headers.get("accept", "")
    )


def error_response(request: Request, status: int, message: str, **extra: Any) -> Response:
    """The error as JSON or as a page, in the request's language: ``message`` is translated here
    too when it is a message id that was raised untranslated (a translated one stays as it is)."""
    headers = {"Retry-After": str(extra.pop("retry_after_s"))} if "retry_after_s" in extra else None
    message = gettext(message) if message else message  # gettext('') is the catalog header
    if _wants_json(request):
        return JSONResponse({"detail": message, **extra}, status_code=status, headers=headers)
    title = gettext(TITLES[status]) if status in TITLES else gettext("Error")
    context = {"status": status, "title": title, "message": message}
    response = render(request, "error.html", context, status_code=status)
    if headers:
        response.headers.update(headers)
    return response


async def _domain_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, DomainError)
    if isinstance(error, LoginRequired) and not _wants_json(request):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    extra: dict[str, Any] = {"field": error.field} if error.field else {}
    if isinstance(error, RateLimited):
        extra["retry_after_s"] = error.retry_after_s
    return error_response(request, error.status_code, error.message, **extra)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    default = {404: NOT_FOUND, 405: METHOD_NOT_ALLOWED}
    message = error.detail if isinstance(error.detail, str) and error.status_code != 404 else None
    response = error_response(
        request, error.status_code, message or default.get(error.status_code, REFUSED)
    )
    if error.headers:  # a 401's WWW-Authenticate, say
        response.headers.update(error.headers)
    if error.status_code == 405:  # every method of the path, not only its first route's
        response.headers["Allow"] = ", ".join(allowed_methods(request.app, request.scope["path"]))
    return response


def validation_message(item: Mapping[str, Any]) -> str:
    """The message of one pydantic error. What our validators raise is prefixed by pydantic with
    "Value error, "; the rest is our own wording, so the prefix goes."""
    return str(item["msg"]).removeprefix("Value error, ")


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    errors = [
        {
            "field": ".".join(str(part) for part in item["loc"][1:]) or str(item["loc"][0]),
            "message": validation_message(item),
        }
        for item in error.errors()
    ]
    summary = "; ".join(f"{item['field']}: {item['message']}" for item in errors)
    message = gettext(INVALID_REQUEST).format(summary=summary)
    return error_response(request, 422, message, errors=errors)


async def _unexpected_error(request: Request, error: Exception) -> Response:
    if database_unreachable(error):
        return _database_unavailable(request, error)
    # Starlette calls this from its outermost middleware, after the request's log context has
    # ended: the request id comes from the request's state instead.
    fields = {"path": request.url.path, "request_id": getattr(request.state, "request_id", None)}
    logger.exception("unhandled error", extra={"fields": fields})
    return error_response(request, 500, UNEXPECTED)


class OutageLog:
    """One log line per outage, not a traceback per request: the first refused request logs a
    warning, later ones only count, and a line a minute says the outage goes on."""

    REPEAT_AFTER_S = 60.0

    def __init__(self) -> None:
        self.logged_at: float | None = None
        self.refused = 0

    def refused_request(self, error: BaseException, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self.refused += 1
        if self.logged_at is not None and now - self.logged_at < self.REPEAT_AFTER_S:
            return
        first = self.logged_at is None
        self.logged_at = now
        logger.warning(
            "database unavailable: answering 503 (%s)",
            "outage begins" if first else f"{self.refused} requests refused so far",
            extra={"fields": {"error": type(error).__name__, "refused": self.refused}},
        )


_outage_log = OutageLog()


def _database_unavailable(request: Request, error: BaseException) -> Response:
    _outage_log.refused_request(error)
    return error_response(request, 503, DATABASE_UNAVAILABLE, retry_after_s=DATABASE_RETRY_AFTER_S)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    # Database errors by name too: handlers for named classes answer inside the app, while the
    # handler for Exception answers from Starlette's outermost middleware, which then re-raises
    # (a server traceback per request during an outage).
    for database_error in (
        sqlalchemy_errors.DBAPIError,
        sqlalchemy_errors.TimeoutError,
        psycopg.Error,
    ):
        app.add_exception_handler(database_error, _unexpected_error)
    app.add_exception_handler(Exception, _unexpected_error)
