"""Shapes of the AI calls API."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from propintel.kit.clock import NewYorkDatetime
from propintel.voice.calls import CallRow


class CallIn(BaseModel):
    lead_id: uuid.UUID
    to: str | None = Field(
        default=None,
        max_length=30,
        description="One of the owner's unlocked numbers (default: the first).",
    )
    template_id: uuid.UUID | None = Field(
        default=None, description="One of your intro, follow-up or appointment call templates."
    )
    minutes: int = Field(default=6, ge=1, le=60, description="Longest call; its credits are held.")
    language: str = Field(default="en", pattern="^(en|es)$")


class TurnOut(BaseModel):
    role: str  # assistant | callee
    text: str
    at: str | None = None


class CallOut(BaseModel):
    call_id: uuid.UUID
    lead_id: uuid.UUID | None
    direction: str
    phone_number: str | None
    from_number: str | None
    status: str
    outcome: str | None
    language: str
    time_limit_seconds: int | None
    duration_seconds: int | None
    credits_charged: int | None
    provider_cost_usd: Decimal | None
    appointment_at: NewYorkDatetime | None
    message: str | None
    transcript: list[TurnOut]
    created_at: NewYorkDatetime
    ended_at: NewYorkDatetime | None

    @classmethod
    def of(cls, call: CallRow) -> CallOut:
        turns: list[dict[str, Any]] = call.turns
        return cls(
            call_id=call.call_id,
            lead_id=call.lead_id,
            direction=call.call_type,
            phone_number=call.phone_number,
            from_number=call.from_number,
            status=call.status,
            outcome=call.call_outcome,
            language=call.language,
            time_limit_seconds=call.time_limit_seconds,
            duration_seconds=call.duration_seconds,
            credits_charged=call.tokens_used,
            provider_cost_usd=call.cost,
            appointment_at=call.appointment_at,
            message=call.message,
            transcript=[
                TurnOut(role=str(t.get("role")), text=str(t.get("text") or ""), at=t.get("at"))
                for t in turns
            ],
            created_at=call.created_at,
            ended_at=call.ended_at,
        )


class CallsOut(BaseModel):
    calls: list[CallOut]
    next_cursor: str | None
