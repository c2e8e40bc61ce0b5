"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from propintel.db import migrate
from propintel.db.urls import database_url
from propintel.web.security import public

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
@public
async def healthz() -> dict[str, str]:
    """The process is up (no dependencies checked)."""
    return {"status": "ok"}


@router.get("/readyz")
@public
async def readyz(request: Request) -> JSONResponse:
    """Ready when the database answers and its migrations are at the newest revision."""
    engine = request.app.state.engine
    try:
        async with engine.connect() as connection:
            current = await migrate.applied_revision(connection)
    except Exception:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    head = await asyncio.to_thread(migrate.head_revision, database_url(request.app.state.settings))
    if current != head:
        body = {
            "status": "unavailable",
            "database": "ok",
            "migrations": f"at {current}, head {head}",
        }
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "migrations": "current"})
