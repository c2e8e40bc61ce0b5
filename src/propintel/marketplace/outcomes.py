"""How the marketplace's form posts answer: do the action, then back to a page with what
happened — the success message, or the refusal's own (a missing row stays a 404)."""

from __future__ import annotations

from collections.abc import Awaitable

from fastapi import Request
from fastapi.responses import Response

from propintel.kit.errors import DomainError
from propintel.web.templating import redirect_with_flash


async def act(request: Request, url: str, action: Awaitable[object], done: str) -> Response:
    """Await ``action``, then go to ``url`` saying ``done`` or why it was refused."""
    try:
        await action
    except DomainError as error:
        if error.status_code == 404:
            raise
        return redirect_with_flash(request, url, error.message, "error")
    return redirect_with_flash(request, url, done, "success")
