"""A size cap on upload routes, applied before the body is read.

Starlette parses a multipart body (spooling files to disk) before any route code runs, so a
route's own size check comes after the whole upload has been received. This middleware refuses a
request to the given paths whose ``Content-Length`` is over the cap with 413, and stops reading a
body without one (chunked) as soon as it passes the cap."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from propintel.kit.i18n import _
from propintel.web.errors import error_response


class UploadLimitMiddleware:
    def __init__(self, app: ASGIApp, paths: Iterable[str], max_bytes: int) -> None:
        self.app = app
        self.paths = frozenset(paths)
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        too_large = False

        async def counting_receive() -> Message:
            """Past the cap, the body ends here: the app fails to parse it, and its answer is
            replaced by ours."""
            nonlocal received, too_large
            if too_large:
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        started = False

        async def replacing_send(message: Message) -> None:
            nonlocal started
            if not too_large or started:  # an answer already begun is left alone
                started = started or message["type"] == "http.response.start"
                await send(message)
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                await self._refuse(scope, receive, send)

        await self.app(scope, counting_receive, replacing_send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = _("The upload is too large: at most {size} KB.").format(
            size=self.max_bytes // 1024
        )
        response = error_response(Request(scope, receive), 413, message)
        response.headers["Connection"] = "close"  # the rest of the body is not read
        await response(scope, receive, send)
