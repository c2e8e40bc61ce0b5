"""SendGrid's HTTP layer answered in process: the real SendGrid library builds and "sends" each
request, and the tests read what would have gone on the wire."""

from __future__ import annotations

import urllib.request
from email.message import Message
from typing import Any

import pytest
from python_http_client.client import Client


class WireResponse:
    """What urllib's opener returns, as python_http_client reads it."""

    def __init__(self, status: int, headers: dict[str, str]) -> None:
        self.status = status
        self._headers = Message()
        for name, value in headers.items():
            self._headers[name] = value

    def getcode(self) -> int:
        return self.status

    def read(self) -> bytes:
        return b""

    def info(self) -> Message:
        return self._headers


def answer_sendgrid(
    monkeypatch: pytest.MonkeyPatch,
    message_id: str,
    requests: list[urllib.request.Request] | None = None,
) -> list[urllib.request.Request]:
    """Answer every SendGrid request 202 with ``message_id``; the requests made, in order
    (appended to ``requests`` when given)."""
    made = requests if requests is not None else []

    def make_request(
        self: Client, opener: Any, request: urllib.request.Request, timeout: Any = None
    ) -> WireResponse:
        made.append(request)
        return WireResponse(202, {"X-Message-Id": message_id})

    monkeypatch.setattr(Client, "_make_request", make_request)
    return made
