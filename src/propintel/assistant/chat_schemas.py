"""The JSON shapes of the chat (``/api/v1/assistant/chat``, ``/api/v1/assistant/conversations``)."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field

from propintel.assistant.chat import QUESTION_MAX, Answered
from propintel.assistant.chat_repository import MessageRow, ThreadRow
from propintel.kit.clock import NewYorkDatetime


class ChatIn(BaseModel):
    question: str = Field(max_length=QUESTION_MAX * 2, description="At most 4,000 characters.")
    conversation_id: uuid.UUID | None = Field(
        default=None, description="Continue this conversation (its lead is the context's)."
    )
    lead_id: uuid.UUID | None = Field(
        default=None, description="Start a conversation about this saved lead."
    )
    stream: bool = Field(
        default=False,
        description="Answer as newline-delimited JSON (application/x-ndjson) while it is "
        "written: a `start` event, `delta` events with text, then `done` or `error`.",
    )


class ChatAnswerOut(BaseModel):
    message_id: uuid.UUID
    conversation_id: uuid.UUID
    content: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    credits_charged: int = Field(description="Per started 1,000 LLM tokens × the action's price.")
    balance: int
    draft_type: str | None = Field(description="The script type the answer drafts, if any.")
    latency_ms: int

    @classmethod
    def of(cls, answered: Answered) -> ChatAnswerOut:
        return cls(
            message_id=answered.message_id,
            conversation_id=answered.thread_id,
            content=answered.content,
            model=answered.model,
            prompt_tokens=answered.usage.prompt_tokens,
            completion_tokens=answered.usage.completion_tokens,
            credits_charged=answered.credits_charged,
            balance=answered.balance,
            draft_type=answered.draft_type,
            latency_ms=answered.latency_ms,
        )


class ConversationOut(BaseModel):
    conversation_id: uuid.UUID
    lead_id: uuid.UUID | None
    title: str
    answers: int
    credits_charged: int
    created_at: NewYorkDatetime
    updated_at: NewYorkDatetime

    @classmethod
    def of(cls, row: ThreadRow) -> ConversationOut:
        return cls(
            conversation_id=row.thread_id,
            lead_id=row.lead_id,
            title=row.title,
            answers=row.answers,
            credits_charged=row.credits,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


class MessageOut(BaseModel):
    message_id: uuid.UUID
    role: str = Field(description="user or assistant.")
    content: str
    created_at: NewYorkDatetime
    model: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    credits_charged: int | None
    draft_type: str | None
    context_used: dict[str, Any] | None = Field(
        description="What the assistant was given: passages, scripts, the lead's data."
    )

    @classmethod
    def of(cls, row: MessageRow) -> MessageOut:
        return cls(
            message_id=row.message_id,
            role=row.role,
            content=row.content,
            created_at=row.created_at,
            model=row.model,
            prompt_tokens=row.prompt_tokens,
            completion_tokens=row.completion_tokens,
            credits_charged=row.credits_charged,
            draft_type=row.draft_type,
            context_used=row.context_used,
        )


class ConversationDetailOut(ConversationOut):
    messages: list[MessageOut]


class SaveScriptIn(BaseModel):
    script_type: str = Field(
        default="", description="cold_call, email, sms, voicemail or chat; default: the draft's."
    )
    name: str = Field(default="", max_length=510, description="Default: the conversation's title.")
