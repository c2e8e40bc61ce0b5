"""The knowledge base's and retrieval's JSON shapes (``/api/v1/assistant/…``)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from propintel.assistant.knowledge import MAX_CONTENT, MAX_TITLE, EntryRow
from propintel.assistant.retrieval import Passage
from propintel.kit.clock import NewYorkDatetime


class EntryIn(BaseModel):
    title: str = Field(max_length=MAX_TITLE * 2, description="At most 255 characters once trimmed.")
    content: str = Field(max_length=MAX_CONTENT * 2, description="At most 20,000 characters.")
    content_type: str = Field(
        description="faq, service, pricing, policy, objection, about or other."
    )
    tags: list[str] = Field(default_factory=list, max_length=100)


class EntryPatch(BaseModel):
    title: str | None = Field(default=None, max_length=MAX_TITLE * 2)
    content: str | None = Field(default=None, max_length=MAX_CONTENT * 2)
    content_type: str | None = None
    tags: list[str] | None = Field(default=None, max_length=100)


class EntryOut(BaseModel):
    kb_id: uuid.UUID
    content_type: str | None
    title: str
    content: str
    tags: list[str]
    created_at: NewYorkDatetime
    updated_at: NewYorkDatetime

    @classmethod
    def of(cls, row: EntryRow) -> EntryOut:
        return cls(
            kb_id=row.kb_id,
            content_type=row.content_type,
            title=row.title,
            content=row.content,
            tags=row.tags,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


class PassageOut(BaseModel):
    kind: str = Field(description='"knowledge" (an entry) or "script" (an active script).')
    id: uuid.UUID
    title: str
    snippet: str = Field(description="Plain text around the matched words.")
    rank: float

    @classmethod
    def of(cls, passage: Passage) -> PassageOut:
        return cls(
            kind=passage.kind,
            id=passage.id,
            title=passage.title,
            snippet=passage.snippet,
            rank=passage.rank,
        )


class SearchOut(BaseModel):
    items: list[PassageOut]
