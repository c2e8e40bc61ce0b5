"""Shared pieces of the calendar tests: settings with Google and Microsoft configured, a mock
provider (httpx.MockTransport) that records requests, a call row to book for."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qs

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.voice import calendar

SETTINGS = get_settings().model_copy(
    update={
        "google_oauth_client_id": "google-client",
        "google_oauth_client_secret": SecretStr("google-secret"),
        "microsoft_oauth_client_id": "ms-app",
        "microsoft_oauth_client_secret": SecretStr("ms-secret"),
    }
)
NOW = datetime(2026, 12, 6, 9, 0)
STARTS = datetime(2026, 12, 8, 10, 0)
ENDS = datetime(2026, 12, 8, 11, 0)
REFRESH = "1//google-refresh-token-abc"


def fake_id_token(email: str) -> str:

    payload = base64.urlsafe_b64encode(json.dumps({"email": email}).encode()).decode()
    return "eyJhbGciOiJSUzI1NiJ9." + payload.rstrip("=") + ".c2ln"


class FakeProvider:
    """Google's (or Graph's) token and events endpoints; ``events`` answers event creates."""

    def __init__(
        self,
        events: Callable[[httpx.Request], httpx.Response] | None = None,
        token: Callable[[httpx.Request], httpx.Response] | None = None,
    ) -> None:
        self.requests: list[httpx.Request] = []
        self.events = events or (lambda _r: httpx.Response(200, json={"id": "evt-1"}))
        self.token = token or (
            lambda _r: httpx.Response(
                200,
                json={
                    "access_token": "ya29.fresh",
                    "refresh_token": REFRESH,
                    "id_token": fake_id_token("owner.of.calendar@example.com"),
                },
            )
        )

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path.endswith("/token"):
            return self.token(request)
        return self.events(request)

    def event_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if "/events" in r.url.path]

    def token_forms(self) -> list[dict[str, str]]:
        return [
            {k: v[0] for k, v in parse_qs(r.content.decode()).items()}
            for r in self.requests
            if r.url.path.endswith("/token")
        ]

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(
            calendar,
            "new_http_client",
            lambda: httpx.AsyncClient(transport=httpx.MockTransport(self)),
        )

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))


async def make_call(db: AsyncSession, user_id: uuid.UUID) -> uuid.UUID:
    call_id: uuid.UUID = (
        await db.execute(
            text(
                "INSERT INTO ai_voice_call_logs (user_id, call_type, phone_number) "
                "VALUES (:u, 'outbound', '+13055550100') RETURNING call_id"
            ),
            {"u": user_id},
        )
    ).scalar_one()
    return call_id


async def book_for(db: AsyncSession, user_id: uuid.UUID, call_id: uuid.UUID) -> uuid.UUID:
    return await calendar.book(
        db,
        user_id=user_id,
        lead_id=None,
        call_id=call_id,
        starts_at=STARTS,
        ends_at=ENDS,
        summary="Roof estimate: 100 NW 1 AVE",
        description="Booked by an AI call.",
        location="100 NW 1 AVE, MIAMI FL 33128",
        attendee_email="owner@example.com",
        now=NOW,
    )


async def queued_bookings(db: AsyncSession, event_id: uuid.UUID) -> int:
    count: int = (
        await db.execute(
            text(
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = :t "
                "AND args->>'event_id' = :e"
            ),
            {"t": calendar.BOOK_JOB, "e": str(event_id)},
        )
    ).scalar_one()
    return count
