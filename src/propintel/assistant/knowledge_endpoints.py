"""The knowledge base's and retrieval's API (``/api/v1/assistant/…``). Scoped by the caller:
another subscriber's entry is a 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from propintel.assistant import knowledge, retrieval
from propintel.assistant.knowledge_schemas import (
    EntryIn,
    EntryOut,
    EntryPatch,
    PassageOut,
    SearchOut,
)
from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.kit.pagination import Page

router = APIRouter(prefix="/api/v1/assistant", tags=["assistant knowledge"])
MAX_PAGE = 100


@router.get("/knowledge", response_model=Page[EntryOut])
async def list_entries(
    user: SubscriberUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: str | None = None,
    content_type: Annotated[str | None, Query(max_length=50)] = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[EntryOut]:
    """Your knowledge-base entries, the latest updated first (optionally of one type or tag)."""
    rows, next_cursor = await knowledge.entries_page(
        db, user.user_id, limit=limit, cursor=cursor, content_type=content_type, tag=tag
    )
    return Page(items=[EntryOut.of(row) for row in rows], next_cursor=next_cursor)


@router.post("/knowledge", response_model=EntryOut, status_code=201)
async def add_entry(body: EntryIn, user: SubscriberUser, db: DbSession) -> EntryOut:
    """Add an entry to your knowledge base."""
    row = await knowledge.create_entry(
        db,
        user.user_id,
        title=body.title,
        content=body.content,
        content_type=body.content_type,
        tags=body.tags,
        now=now_new_york(),
    )
    return EntryOut.of(row)


@router.get("/knowledge/{kb_id}", response_model=EntryOut)
async def get_entry(kb_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> EntryOut:
    return EntryOut.of(await knowledge.entry(db, user.user_id, kb_id))


@router.patch("/knowledge/{kb_id}", response_model=EntryOut)
async def change_entry(
    kb_id: uuid.UUID, body: EntryPatch, user: SubscriberUser, db: DbSession
) -> EntryOut:
    """Change the given fields of one of your entries."""
    row = await knowledge.update_entry(
        db,
        user.user_id,
        kb_id,
        title=body.title,
        content=body.content,
        content_type=body.content_type,
        tags=body.tags,
        now=now_new_york(),
    )
    return EntryOut.of(row)


@router.delete("/knowledge/{kb_id}", status_code=204)
async def delete_entry(kb_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> Response:
    await knowledge.delete_entry(db, user.user_id, kb_id)
    return Response(status_code=204)


@router.get("/search", response_model=SearchOut)
async def search(
    user: SubscriberUser,
    db: DbSession,
    q: Annotated[str, Query(max_length=1000)] = "",
    limit: Annotated[int, Query(ge=1, le=retrieval.MAX_LIMIT)] = 5,
) -> SearchOut:
    """The best-matching passages of your own knowledge base and active scripts (English and
    Spanish word forms), best first; the same retrieval the assistant's chat uses."""
    passages = await retrieval.search(db, user.user_id, q, limit=limit)
    return SearchOut(items=[PassageOut.of(p) for p in passages])
