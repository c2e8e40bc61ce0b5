"""The CRM sync API's bodies and answers (``/api/v1/crm/…``, ``/api/v1/leads/{id}/crm``)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from propintel.kit.clock import NewYorkDatetime
from propintel.outreach import crm


class ConnectionIn(BaseModel):
    """Your Twenty workspace (``base_url`` and ``api_key``), or ``simulator: true`` for the
    offline CRM simulator (nothing leaves PropIntel)."""

    simulator: bool = False
    base_url: str | None = Field(
        default=None,
        max_length=500,
        description="The workspace's address, e.g. https://api.twenty.com or your own server "
        "(https; http only for localhost).",
    )
    api_key: str | None = Field(
        default=None,
        max_length=crm.MAX_KEY_LENGTH,
        description="An API key made in Twenty's Settings → APIs. Stored encrypted; never shown "
        "again except its last 4 characters.",
    )


class ConnectionOut(BaseModel):
    connected: bool
    provider: Literal["twenty", "local"] | None = None
    simulated: bool = False
    base_url: str | None = None
    key_last4: str | None = Field(default=None, description="The key's last 4 characters.")
    connected_at: NewYorkDatetime | None = None

    @classmethod
    def of(cls, connection: crm.Connection | None) -> ConnectionOut:
        if connection is None:
            return cls(connected=False)
        return cls(
            connected=True,
            provider="local" if connection.simulated else "twenty",
            simulated=connection.simulated,
            base_url=connection.base_url,
            key_last4=connection.key_hint.lstrip("…") if connection.key_hint else None,
            connected_at=connection.connected_at,
        )


class PushIn(BaseModel):
    lead_ids: list[uuid.UUID] = Field(min_length=1, max_length=crm.MAX_PUSH)


class PushOut(BaseModel):
    queued: int = Field(description="Leads whose sync was queued.")
    created: int = Field(description="Of them, leads pushed for the first time.")
    lead_ids: list[uuid.UUID]


class LeadCrmOut(BaseModel):
    """A lead's CRM sync: ``status`` None until it is pushed; ``pending`` (a job will sync it;
    after a retryable failure, not before ``next_sync_at``), ``synced`` or ``failed`` (with
    ``error``: press retry once it is fixed)."""

    lead_id: uuid.UUID
    connected: bool
    simulated: bool
    plan_includes_crm_sync: bool
    status: Literal["pending", "synced", "failed"] | None
    synced_at: NewYorkDatetime | None = None
    error: str | None = None
    attempts: int = 0
    next_sync_at: NewYorkDatetime | None = None
    person_id: str | None = Field(default=None, description="The Person's id in the CRM.")
    opportunity_id: str | None = Field(default=None, description="The Opportunity's id.")

    @classmethod
    def of(cls, lead_id: uuid.UUID, state: crm.LeadSync) -> LeadCrmOut:
        contact = state.contact
        out = cls(
            lead_id=lead_id,
            connected=state.connection is not None,
            simulated=bool(state.connection and state.connection.simulated),
            plan_includes_crm_sync=state.feature,
            status=None,
        )
        if contact is None:
            return out
        return out.model_copy(
            update={
                "status": contact.sync_status,
                "synced_at": contact.synced_at,
                "error": contact.sync_error,
                "attempts": contact.sync_attempts,
                "next_sync_at": contact.next_sync_at,
                "person_id": contact.twenty_contact_id,
                "opportunity_id": contact.twenty_opportunity_id,
            }
        )
