"""E-mail outreach's API shapes."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from propintel.kit.clock import NewYorkDatetime
from propintel.kit.i18n import _
from propintel.outreach.email_content import MAX_BODY, MAX_SUBJECT
from propintel.outreach.email_outreach import MAX_STEPS, pause_reason_text
from propintel.outreach.email_repository import EmailLog, EmailSequence

MAX_PAGE = 100


class EmailIn(BaseModel):
    """A one-off e-mail: a ``template`` (``builtin:intro_en``, ``builtin:intro_es`` or
    ``script:<id>``) and/or the ``subject`` and ``body`` typed (they win over the template)."""

    model_config = ConfigDict(extra="forbid")

    to: str = Field(max_length=254, description="One of the owner's addresses you unlocked.")
    subject: str | None = Field(default=None, max_length=MAX_SUBJECT * 2)
    body: str | None = Field(default=None, max_length=MAX_BODY)
    template: str | None = Field(default=None, max_length=80)


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: int = Field(ge=0, le=365, description="Days after the start (0: at once).")
    subject: str = Field(max_length=MAX_SUBJECT * 2)
    body: str = Field(max_length=MAX_BODY)


class SequenceIn(BaseModel):
    """A sequence from a ``template`` (its steps and name), or your own ``name`` and ``steps``.
    Variables: ``{owner_first_name}``, ``{address}``, ``{business_name}``."""

    model_config = ConfigDict(extra="forbid")

    to: str = Field(max_length=254)
    template: str | None = Field(default=None, max_length=80)
    name: str | None = Field(default=None, max_length=255)
    steps: list[StepIn] | None = Field(default=None, max_length=MAX_STEPS)
    locale: Literal["en", "es"] | None = Field(
        default=None, description="The footer's language for your own steps (default: yours)."
    )

    @model_validator(mode="after")
    def _template_or_steps(self) -> SequenceIn:
        if not self.template and not self.steps:
            raise ValueError(_("Choose a template or write the steps."))
        return self


class EmailOut(BaseModel):
    log_id: uuid.UUID
    email_type: str
    subject: str
    to: str
    status: str
    sent_at: NewYorkDatetime
    opened_at: NewYorkDatetime | None
    clicked_at: NewYorkDatetime | None
    replied_at: NewYorkDatetime | None
    bounced_at: NewYorkDatetime | None
    unsubscribed_at: NewYorkDatetime | None
    sequence_id: uuid.UUID | None
    step_number: int | None

    @classmethod
    def of(cls, log: EmailLog) -> EmailOut:
        return cls(
            log_id=log.log_id,
            email_type=log.email_type,
            subject=log.email_subject,
            to=log.to_email,
            status=log.status,
            sent_at=log.sent_at,
            opened_at=log.opened_at,
            clicked_at=log.clicked_at,
            replied_at=log.replied_at,
            bounced_at=log.bounced_at,
            unsubscribed_at=log.unsubscribed_at,
            sequence_id=log.sequence_id,
            step_number=log.step_number,
        )


class EmailPageOut(BaseModel):
    items: list[EmailOut]
    next_cursor: str | None = None


class SequenceOut(BaseModel):
    sequence_id: uuid.UUID
    lead_id: uuid.UUID
    name: str
    to: str
    status: Literal["active", "paused", "finished", "stopped"]
    pause_reason: str | None
    pause_reason_text: str | None
    steps: list[dict[str, Any]]
    next_step: int = Field(description="Index of the next step to send (= len(steps) when done).")
    next_send_at: NewYorkDatetime | None
    started_at: NewYorkDatetime

    @classmethod
    def of(cls, sequence: EmailSequence) -> SequenceOut:
        return cls(
            sequence_id=sequence.sequence_id,
            lead_id=sequence.lead_id,
            name=sequence.name,
            to=sequence.to_email,
            status=sequence.status,
            pause_reason=sequence.pause_reason,
            pause_reason_text=pause_reason_text(sequence.pause_reason) or None,
            steps=sequence.steps,
            next_step=sequence.next_step,
            next_send_at=sequence.next_send_at,
            started_at=sequence.started_at,
        )
