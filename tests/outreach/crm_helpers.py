"""A mock Twenty workspace behind httpx.MockTransport, for the CRM sync tests: it records every
request, makes up ids for created records, and answers with scripted failures when told to."""

from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.crm import CrmAccount, CrmClient, CrmClients
from propintel.integrations.providers import crm_client
from propintel.integrations.twenty.crm import TwentyCrm

NOW = datetime(2026, 3, 10, 12, 0)  # New York time
BASE = "https://crm.example.com"
KEY = "twenty-api-key-9f3c"

_ids = itertools.count(1)


@dataclass
class FakeTwenty:
    """Answers like Twenty; ``fail`` holds (method, path prefix, status) to refuse once each."""

    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    fail: list[tuple[str, str, int]] = field(default_factory=list)
    auth: list[str] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        path = request.url.path
        self.requests.append((request.method, path, body))
        self.auth.append(request.headers.get("Authorization", ""))
        for index, (method, prefix, status) in enumerate(self.fail):
            if request.method == method and path.startswith(prefix):
                del self.fail[index]
                message = {"statusCode": status, "messages": [f"scripted {status}"]}
                return httpx.Response(status, json=message)
        if request.method == "GET":
            return httpx.Response(200, json={"data": {"people": []}})
        if request.method == "PATCH":
            return httpx.Response(200, json={"data": {}})
        kind = {
            "/rest/people": "Person",
            "/rest/opportunities": "Opportunity",
            "/rest/notes": "Note",
            "/rest/noteTargets": "NoteTarget",
        }[path]
        record_id = f"{kind.lower()}-{next(_ids)}"
        return httpx.Response(201, json={"data": {f"create{kind}": {"id": record_id}}})

    def calls(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path, _body in self.requests]

    def bodies(self, method: str, path: str) -> list[Any]:
        return [body for m, p, body in self.requests if (m, p) == (method, path)]

    def clients(self) -> CrmClients:
        """Twenty for Twenty connections (through this mock), the real simulator otherwise."""

        def make(session: AsyncSession, account: CrmAccount) -> CrmClient:
            if account.provider == "local":
                return crm_client(session, account)
            return TwentyCrm(account.base_url, account.api_key, transport=httpx.MockTransport(self))

        return make


async def queued_syncs(db: AsyncSession) -> list[str]:
    """The contact ids of the CRM sync jobs deferred in this test's transaction, in order."""
    rows = await db.execute(
        text(
            "SELECT args->>'contact_id' FROM procrastinate_jobs "
            "WHERE task_name = 'outreach.crm_sync' ORDER BY id"
        )
    )
    return [row[0] for row in rows]


async def contact_row(db: AsyncSession, lead_id: uuid.UUID) -> dict[str, Any]:
    row = (
        (await db.execute(text("SELECT * FROM crm_contacts WHERE lead_id = :l"), {"l": lead_id}))
        .mappings()
        .one()
    )
    return dict(row)
