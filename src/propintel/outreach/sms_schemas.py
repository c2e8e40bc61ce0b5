"""The SMS API's bodies and answers."""

from __future__ import annotations

import uuid
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from propintel.integrations.sms import MAX_BODY_CHARS
from propintel.kit.clock import NewYorkDatetime
from propintel.kit.pagination import Page
from propintel.outreach.sms import Preview, SentText, SmsMessage

MAX_PAGE = 200


class SmsIn(BaseModel):
    """A text: ``body`` (variables allowed), or a ``template`` (``starter:intro_en``,
    ``script:<uuid>``) used when ``body`` is empty."""

    model_config = ConfigDict(extra="forbid")

    to: str = Field(max_length=30, description="One of the owner's unlocked numbers.")
    body: str | None = Field(default=None, max_length=MAX_BODY_CHARS * 2)
    template: str | None = Field(default=None, max_length=80)


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: str | None = Field(default=None, max_length=30)
    body: str | None = Field(default=None, max_length=MAX_BODY_CHARS * 2)
    template: str | None = Field(default=None, max_length=80)


class PreviewOut(BaseModel):
    body: str
    characters: int
    segments: int
    encoding: str
    tokens: int
    token_price: int
    balance: int
    affordable: bool
    to: str | None
    blocked: str | None = Field(description="What the compliance guard would answer now, if no.")

    @classmethod
    def of(cls, preview: Preview) -> PreviewOut:
        return cls(
            body=preview.body,
            characters=preview.characters,
            segments=preview.segments,
            encoding=preview.encoding,
            tokens=preview.tokens,
            token_price=preview.token_price,
            balance=preview.balance,
            affordable=preview.affordable,
            to=preview.to,
            blocked=preview.blocked,
        )


class SentOut(BaseModel):
    message_id: uuid.UUID
    provider_message_id: str
    status: str
    to: str
    sender: str
    body: str
    segments: int
    tokens: int
    balance: int

    @classmethod
    def of(cls, sent: SentText) -> SentOut:
        return cls(
            message_id=sent.conversation_id,
            provider_message_id=sent.sid,
            status=sent.status,
            to=sent.to,
            sender=sent.sender,
            body=sent.body,
            segments=sent.segments,
            tokens=sent.tokens,
            balance=sent.balance,
        )


class SmsMessageOut(BaseModel):
    message_id: uuid.UUID
    direction: str = Field(description="outbound (to the owner) or inbound (the owner's reply)")
    body: str
    contact: str | None
    sender: str | None
    delivery_status: str | None
    tokens: int | None
    cost: Decimal | None
    at: NewYorkDatetime
    read_at: NewYorkDatetime | None

    @classmethod
    def of(cls, message: SmsMessage) -> SmsMessageOut:
        return cls(
            message_id=message.conversation_id,
            direction=message.message_role,
            body=message.message_content,
            contact=message.contact,
            sender=message.sender,
            delivery_status=message.delivery_status,
            tokens=message.tokens_used,
            cost=message.cost,
            at=message.timestamp,
            read_at=message.read_at,
        )


class SmsPageOut(Page[SmsMessageOut]):
    """The lead's texts, newest first."""
