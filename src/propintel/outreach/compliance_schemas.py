"""API shapes of the compliance guard's records: consents, opt-outs, a dry-run check."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from propintel.kit.clock import NEW_YORK, NewYorkDatetime
from propintel.outreach.compliance import MAX_EVIDENCE, Channel, ConsentSource, Rule
from propintel.outreach.compliance_repository import ConsentRow, OptOutRow

Contact = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contact: Contact = Field(description="The owner's number (any US form) or e-mail address.")
    channel: Channel = Field(description="The consent's scope: sms, call or email.")
    source: ConsentSource
    evidence: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_EVIDENCE)]
    consented_at: datetime | None = Field(
        default=None, description="When the owner consented (default: now). Naive: New York time."
    )

    @field_validator("consented_at")
    @classmethod
    def _new_york(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            return value.astimezone(NEW_YORK).replace(tzinfo=None)
        return value


class ConsentOut(BaseModel):
    consent_id: uuid.UUID
    contact: str
    channel: str
    source: str
    evidence: str
    consented_at: NewYorkDatetime
    recorded_at: NewYorkDatetime
    revoked_at: NewYorkDatetime | None
    active: bool

    @classmethod
    def of(cls, row: ConsentRow) -> ConsentOut:
        return cls(
            consent_id=row.consent_id,
            contact=row.contact,
            channel=row.channel,
            source=row.source,
            evidence=row.evidence,
            consented_at=row.consented_at,
            recorded_at=row.recorded_at,
            revoked_at=row.revoked_at,
            active=row.revoked_at is None,
        )


class OptOutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contact: Contact
    channel: Literal["sms", "call", "email", "all"] = "all"


class OptOutOut(BaseModel):
    opt_out_id: uuid.UUID
    contact: str
    channel: str
    reason: str
    created_at: NewYorkDatetime

    @classmethod
    def of(cls, row: OptOutRow) -> OptOutOut:
        return cls(
            opt_out_id=row.opt_out_id,
            contact=row.contact,
            channel=row.channel,
            reason=row.reason,
            created_at=row.created_at,
        )


class OptOutCreated(BaseModel):
    created: bool = Field(description="False when the same opt-out was already recorded.")


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel
    contact: Contact
    lead_id: uuid.UUID | None = Field(
        default=None, description="One of your leads: its owner's fatigue count is checked too."
    )


class CheckOut(BaseModel):
    allowed: bool
    rule: Rule | None = None
    rule_label: str | None = None
    message: str | None = None
