"""Skip trace (owner contact enrichment): one interface, the BatchData adapter (production) and
the offline simulator (development and tests), chosen once by settings
(``providers.skip_tracers``): BatchData when ``PROPINTEL_BATCHDATA_API_KEY`` is set.

A skip trace is billable at the provider and has no idempotency key, so adapters never retry: a
failed or timed-out call raises ``SkipTraceError`` and the caller charges nothing. Adapters know
nothing of users, tokens or tenancy (``outreach.unlock`` does): they turn addresses and names into
phones and e-mails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Protocol

MAX_PER_CALL = 100  # BatchData's limit per request (docs/outreach/unlock.md)

PhoneType = Literal["mobile", "landline", "voip", "unknown"]
PHONE_TYPES: tuple[PhoneType, ...] = ("mobile", "landline", "voip", "unknown")


@dataclass(frozen=True)
class SkipTraceRequest:
    """One property's owner to look up: the property's address, and the owner's name when the
    owner is a person (companies and trusts are traced by address alone)."""

    request_id: str
    street: str
    city: str
    state: str
    zip: str
    first_name: str | None = None
    last_name: str | None = None


@dataclass(frozen=True)
class TracedPhone:
    number: str  # E.164 where the adapter could tell (the caller normalises again)
    type: PhoneType
    carrier: str | None
    dnc: bool  # on a Do-Not-Call list, per the provider
    litigator: bool  # a known TCPA litigator, per the provider
    score: int | None  # the provider's confidence, 0-100


@dataclass(frozen=True)
class SkipTraceResult:
    """What the provider found for one request. ``unverified_fields``: fields of this result whose
    meaning or presence in the provider's answer is not confirmed (e.g. ``litigator`` when the
    provider sent no such flag: ``False`` then means "not reported", not "checked and clean")."""

    request_id: str
    matched: bool
    phones: list[TracedPhone] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    cost_usd: Decimal | None = None  # what this result cost us, when the provider says
    unverified_fields: tuple[str, ...] = ()


class SkipTraceError(Exception):
    """The provider failed or did not answer in time: nothing matched, nothing is charged."""


class SkipTracer(Protocol):
    provider: str  # stored with each result: "batchdata" | "local"

    async def trace(self, requests: list[SkipTraceRequest]) -> list[SkipTraceResult]:
        """One result per request (any order; matched by ``request_id``), at most
        ``MAX_PER_CALL`` requests per call. Raises ``SkipTraceError``."""
        ...
