"""Typed domain errors. One exception handler maps them to HTTP; services never build responses."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the product refused the request. ``message`` is safe to show to the user."""

    status_code = 400
    # Some refusals must still leave a trace (a failed log-in counts towards throttling):
    # the unit of work commits what was flushed before such an error, then re-raises it.
    commit_changes = False

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """Missing, or belonging to someone else: the two look exactly alike from outside."""

    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Invalid(DomainError):
    status_code = 422


class NotAuthenticated(DomainError):
    status_code = 401


class LoginFailed(NotAuthenticated):
    commit_changes = True


class Forbidden(DomainError):
    status_code = 403


class RateLimited(DomainError):
    status_code = 429

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ServiceUnavailable(DomainError):
    """A service we depend on is down: the request may succeed later."""

    status_code = 503
