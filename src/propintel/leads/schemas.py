"""API shapes of saved leads."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from propintel.kit.clock import NewYorkDatetime
from propintel.kit.pagination import Page
from propintel.leads.models import ContactChannel, LeadRow, LeadStatus, SavedLead
from propintel.leads.service import MAX_BULK, BulkSaved, LeadDetail
from propintel.search.criteria import Intent

MAX_NOTE = 5_000
MAX_PAGE = 200


class LeadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    property_id: uuid.UUID
    lead_source: Intent


class BulkCreate(BaseModel):
    """Many leads at once; ``tags`` go on every one of them, new or already saved."""

    model_config = ConfigDict(extra="forbid")

    items: list[LeadCreate] = Field(max_length=MAX_BULK)
    tags: list[str] = Field(
        default_factory=list, description="Tags (lists) to add to each lead, e.g. 'May mailer'."
    )


class BulkSavedOut(BaseModel):
    created: int
    already_saved: int
    lead_ids: list[uuid.UUID] = Field(description="One per property, in the order given.")
    tags: list[str] = Field(description="The tags added, as they are spelled on the leads.")

    @classmethod
    def of(cls, saved: BulkSaved) -> BulkSavedOut:
        return cls(
            created=saved.created,
            already_saved=saved.already_saved,
            lead_ids=saved.lead_ids,
            tags=saved.tags,
        )


class TagsPut(BaseModel):
    """The lead's tags, all of them: what is not listed is removed."""

    model_config = ConfigDict(extra="forbid")

    tags: list[str]


class LeadPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: LeadStatus


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NOTE)
    ]


class ContactCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: ContactChannel
    body: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE)] = (
        Field(default=None, description="What came of it, if anything.")
    )


class LeadOut(BaseModel):
    lead_id: uuid.UUID
    property_id: uuid.UUID
    lead_source: str | None
    lead_score: int | None
    status: str
    notes: str | None
    contact_attempts: int
    last_contact_date: NewYorkDatetime | None
    created_at: NewYorkDatetime
    updated_at: NewYorkDatetime
    allowed_moves: list[str]
    tags: list[str]
    full_address: str | None = None

    @classmethod
    def of(cls, lead: SavedLead, full_address: str | None = None) -> LeadOut:
        return cls(
            lead_id=lead.lead_id,
            property_id=lead.property_id,
            lead_source=lead.lead_source,
            lead_score=lead.lead_score,
            status=lead.status,
            notes=lead.notes,
            contact_attempts=lead.contact_attempts or 0,
            last_contact_date=lead.last_contact_date,
            created_at=lead.created_at,
            updated_at=lead.updated_at,
            allowed_moves=[move.value for move in LeadStatus(lead.status).allowed_moves()],
            tags=list(lead.tags),
            full_address=full_address,
        )

    @classmethod
    def of_row(cls, row: LeadRow) -> LeadOut:
        return cls.of(row.lead, row.full_address)


class LeadPageOut(Page[LeadOut]):
    total: int = Field(description="How many leads match the filters.")


class LeadEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    event_id: uuid.UUID
    kind: str
    body: str | None
    channel: str | None
    from_status: str | None
    to_status: str | None
    created_at: NewYorkDatetime


class PropertyFactsOut(BaseModel):
    """What a lead shows of its property (values as stored; estimates are labelled in the UI)."""

    model_config = ConfigDict(extra="allow")

    property_id: uuid.UUID
    full_address: str
    folio_number: str | None = None
    zip_code: str | None = None
    property_type: str | None = None
    bedrooms: int | None = None
    bathrooms: Decimal | None = None
    square_feet: int | None = None
    year_built: int | None = None
    owner_name: str | None = None
    market_value: int | None = None
    estimated_equity: int | None = None
    last_sale_date: date | None = None
    distressed_score: int | None = None
    new_homeowner_score: int | None = None
    intent_breakdown: dict[str, Any] | None = None


class LeadDetailOut(BaseModel):
    lead: LeadOut
    property: PropertyFactsOut
    events: list[LeadEventOut]
    next_actions: list[str]

    @classmethod
    def of(cls, detail: LeadDetail) -> LeadDetailOut:
        return cls(
            lead=LeadOut.of(detail.lead, detail.property.get("full_address")),
            property=PropertyFactsOut.model_validate(detail.property),
            events=[LeadEventOut.model_validate(event) for event in detail.events],
            next_actions=list(detail.next_actions),
        )
