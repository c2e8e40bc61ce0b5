"""The caller's address, for throttling. Behind a proxy, uvicorn's --proxy-headers sets it."""

from __future__ import annotations

from fastapi import Request


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
