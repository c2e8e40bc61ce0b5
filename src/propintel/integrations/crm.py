"""CRM sync: one interface, the Twenty adapter (``integrations/twenty/crm.py``) and the offline
CRM simulator (``integrations/local/crm.py``), chosen per subscriber by the connection they made
(``providers.crm_client``), not by settings: each subscriber brings their own workspace.

A client pushes People, Opportunities and Notes. Errors are ``CrmError``: ``retryable`` when
trying again later may succeed (HTTP 429 and 5xx, timeouts, a network failure), not when the
workspace refused the request itself (any other 4xx: a wrong key, a deleted record, a field it
rejects). Messages carry the provider's explanation but never the API key.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

# Twenty's default opportunity stages, in pipeline order.
STAGES = ("NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER")

TWENTY = "twenty"
LOCAL = "local"  # the offline CRM simulator


@dataclass(frozen=True)
class CrmAccount:
    """A subscriber's connection as a client needs it (the API key decrypted, in memory only)."""

    user_id: uuid.UUID
    provider: str  # TWENTY | LOCAL
    base_url: str
    api_key: str = ""

    def __repr__(self) -> str:  # never the key, even in a traceback
        return f"CrmAccount(user_id={self.user_id}, provider={self.provider!r}, ...)"


@dataclass(frozen=True)
class PersonIn:
    """A person as pushed: ``phone`` in E.164 (``+13055551234``) or None."""

    first_name: str
    last_name: str
    email: str | None = None
    phone: str | None = None
    city: str | None = None


@dataclass(frozen=True)
class OpportunityIn:
    """An opportunity; ``stage`` None leaves the stage as the workspace has it (on creation: the
    workspace's default); ``amount_micros`` None: no amount."""

    name: str
    stage: str | None
    point_of_contact_id: str | None = None
    amount_micros: int | None = None
    currency_code: str = "USD"


@dataclass(frozen=True)
class NoteIn:
    """A note attached to a person (Markdown body)."""

    title: str
    body: str


class CrmError(Exception):
    """The CRM did not do what was asked; ``retryable``: a later attempt may succeed;
    ``status``: the HTTP status of the refusal, when there was one."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.status = status


class CrmClient(Protocol):
    provider: str  # "twenty" | "local"

    async def check(self) -> None:
        """A cheap call proving the workspace answers and accepts the key (``CrmError``)."""
        ...

    async def create_person(self, person: PersonIn) -> str: ...

    async def update_person(self, person_id: str, person: PersonIn) -> None: ...

    async def create_opportunity(self, opportunity: OpportunityIn) -> str: ...

    async def update_opportunity(self, opportunity_id: str, opportunity: OpportunityIn) -> None: ...

    async def add_note(self, person_id: str, note: NoteIn) -> str: ...

    async def aclose(self) -> None:
        """Release the client's connections (a no-op for the simulator)."""
        ...


# A client for one connection, in one unit of work (the simulator writes through the session).
CrmClients = Callable[[AsyncSession, CrmAccount], CrmClient]
