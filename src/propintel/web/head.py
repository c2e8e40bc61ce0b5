"""HEAD answers exactly as GET would, without the body (RFC 9110, section 9.3.2).

FastAPI's ``@router.get`` routes answer HEAD with 405 (Starlette adds HEAD only to its own
``Route``). Rather than declare HEAD on every route, this middleware runs a HEAD request as a GET
and sends only the response's status and headers: the same redirect, cookies and
``Content-Length``."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGetMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        # A copy: the server keeps its own scope, so it still knows the request was HEAD.
        await self.app({**scope, "method": "GET"}, receive, send_without_body)
