"""Tracers and properties for the contact-unlock tests."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.local.skiptrace import LocalSkipTracer
from propintel.integrations.skiptrace import (
    SkipTraceError,
    SkipTraceRequest,
    SkipTraceResult,
    TracedPhone,
)
from tests.factories import scored_property

NOW = datetime(2026, 3, 10, 12, 0)  # New York time
_streets = itertools.count(1)

MOBILE = TracedPhone("(305) 555-0142", "mobile", "T-Mobile", dnc=False, litigator=False, score=90)
DNC_MOBILE = TracedPhone("+17865550150", "mobile", "Verizon", dnc=True, litigator=False, score=99)
LANDLINE = TracedPhone("+19545550160", "landline", "AT&T", dnc=False, litigator=False, score=70)
LITIGATOR = TracedPhone("+13055550170", "mobile", None, dnc=False, litigator=True, score=95)


def match(request_id: str = "", cost: Decimal | None = None) -> SkipTraceResult:
    return SkipTraceResult(
        request_id,
        matched=True,
        phones=[DNC_MOBILE, LITIGATOR, MOBILE, LANDLINE],
        emails=["Jane.Doe@Example.com", "jd@example.net"],
        cost_usd=cost,
    )


def no_match(request_id: str = "") -> SkipTraceResult:
    return SkipTraceResult(request_id, matched=False)


@dataclass
class ScriptedTracer:
    """Answers by request id from ``script`` (a result, or an exception to raise for the whole
    call); anything not scripted matches. Records every call."""

    script: dict[str, SkipTraceResult | Exception] = field(default_factory=dict)
    provider: str = "batchdata"
    calls: list[list[SkipTraceRequest]] = field(default_factory=list)

    async def trace(self, requests: list[SkipTraceRequest]) -> list[SkipTraceResult]:
        self.calls.append(list(requests))
        results = []
        for request in requests:
            scripted = self.script.get(request.request_id)
            if isinstance(scripted, Exception):
                raise scripted
            result = scripted or match()
            results.append(
                SkipTraceResult(
                    request.request_id,
                    result.matched,
                    result.phones,
                    result.emails,
                    result.cost_usd,
                    result.unverified_fields,
                )
            )
        return results

    @property
    def traced(self) -> int:
        return sum(len(call) for call in self.calls)


@dataclass
class CountingTracer:
    """The offline simulator, counting its calls and lookups."""

    inner: LocalSkipTracer = field(default_factory=LocalSkipTracer)
    provider: str = "local"
    calls: int = 0
    traced: int = 0

    async def trace(self, requests: list[SkipTraceRequest]) -> list[SkipTraceResult]:
        self.calls += 1
        self.traced += len(requests)
        return await self.inner.trace(requests)


def failing() -> ScriptedTracer:
    class Always(dict[str, Any]):
        def get(self, key: str, default: Any = None) -> Any:
            return SkipTraceError("down")

    return ScriptedTracer(script=Always())


async def owner_property(db: AsyncSession, **columns: Any) -> uuid.UUID:
    """A distressed property (any plan with distressed leads covers it) owned by a person."""
    n = next(_streets)
    values: dict[str, Any] = {
        "street_address": f"{n} NW {n % 50 + 1} ST",
        "full_address": f"{n} NW {n % 50 + 1} ST, MIAMI, FL 33127",
        "city": "MIAMI",
        "zip_code": "33127",
        "owner_name": "DOE JANE",
        **columns,
    }
    return await scored_property(db, distressed=30, **values)


async def usage_rows(db: AsyncSession, user_id: uuid.UUID) -> list[Any]:
    rows = await db.execute(
        text(
            "SELECT log_id, action_type, tokens_used, actual_cost, reference "
            "FROM token_usage_logs WHERE user_id = :u ORDER BY timestamp, reference"
        ),
        {"u": user_id},
    )
    return list(rows)
