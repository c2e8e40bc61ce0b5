"""The offline skip-trace simulator: plausible, deterministic results made up from the request,
used when no BatchData key is configured. Nothing leaves the machine and nothing is real; the UI
labels its results "Offline simulator: results are generated, not real".

The same address and name always give the same answer (a hash of them seeds the choices):
about one request in five finds no match; a match has one to three Miami-area numbers (305, 786,
954) of mixed types, some on the Do-Not-Call list, some of known litigators, and zero to two
e-mail addresses. Every number is in the 555-0100…555-0199 range that North American numbering
keeps for fiction, and every address is on an example domain, so a simulated contact can never
reach a real person even if SMS or e-mail were configured for real.
"""

from __future__ import annotations

import hashlib
import random
import re

from propintel.integrations.skiptrace import (
    MAX_PER_CALL,
    PhoneType,
    SkipTraceRequest,
    SkipTraceResult,
    TracedPhone,
)

PROVIDER = "local"
NO_MATCH_RATE = 0.2
AREA_CODES = ("305", "786", "954")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
CARRIERS: dict[PhoneType, tuple[str, ...]] = {
    "mobile": ("T-Mobile", "Verizon Wireless", "AT&T Mobility"),
    "landline": ("AT&T", "Comcast", "Frontier"),
    "voip": ("Bandwidth", "Google Voice"),
    "unknown": ("",),
}
_NOT_LETTERS = re.compile(r"[^a-z]")


class LocalSkipTracer:
    provider = PROVIDER

    async def trace(self, requests: list[SkipTraceRequest]) -> list[SkipTraceResult]:
        if len(requests) > MAX_PER_CALL:
            raise ValueError(f"at most {MAX_PER_CALL} requests per call, got {len(requests)}")
        return [simulate(request) for request in requests]


def _seed(request: SkipTraceRequest) -> int:
    parts = (
        request.street,
        request.city,
        request.state,
        request.zip,
        request.first_name or "",
        request.last_name or "",
    )
    key = "|".join(" ".join(part.upper().split()) for part in parts)
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def simulate(request: SkipTraceRequest) -> SkipTraceResult:
    """The simulator's answer for one request (the same every time)."""
    rng = random.Random(_seed(request))
    if rng.random() < NO_MATCH_RATE:
        return SkipTraceResult(request.request_id, matched=False)
    phones: dict[str, TracedPhone] = {}
    for _ in range(rng.choice((1, 2, 2, 3))):
        number = f"+1{rng.choice(AREA_CODES)}5550{rng.randint(100, 199)}"
        kind: PhoneType = rng.choices(("mobile", "landline", "voip"), weights=(55, 35, 10))[0]
        phones.setdefault(
            number,
            TracedPhone(
                number=number,
                type=kind,
                carrier=rng.choice(CARRIERS[kind]),
                dnc=rng.random() < 0.25,
                litigator=rng.random() < 0.08,
                score=rng.randint(35, 99),
            ),
        )
    ordered = sorted(phones.values(), key=lambda phone: -(phone.score or 0))
    return SkipTraceResult(
        request.request_id, matched=True, phones=ordered, emails=_emails(rng, request)
    )


def _emails(rng: random.Random, request: SkipTraceRequest) -> list[str]:
    first = _NOT_LETTERS.sub("", (request.first_name or "").lower())
    last = _NOT_LETTERS.sub("", (request.last_name or "").lower())
    names = [f"{first}.{last}", f"{first[:1]}{last}{rng.randint(1, 99)}"] if first and last else []
    names = names or [f"owner{rng.randint(100, 999)}", f"info{rng.randint(100, 999)}"]
    count = rng.choice((0, 1, 1, 2))
    return [f"{names[i]}@{rng.choice(EMAIL_DOMAINS)}" for i in range(count)]
