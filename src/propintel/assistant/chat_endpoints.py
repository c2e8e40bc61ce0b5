"""The chat's API: ask (``POST /api/v1/assistant/chat``, answered whole or streamed), the
conversations (keyset pages), one conversation with its messages, delete, and an answer saved as
a script. Scoped by the caller: another subscriber's conversation or message is a 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from propintel.assistant import chat, chat_runner
from propintel.assistant.chat_schemas import (
    ChatAnswerOut,
    ChatIn,
    ConversationDetailOut,
    ConversationOut,
    MessageOut,
    SaveScriptIn,
)
from propintel.assistant.scripts_schemas import ScriptOut
from propintel.auth.deps import SubscriberUser
from propintel.catalog import service as catalog
from propintel.db.session import DbSession, UnitsOfWorkDep
from propintel.kit.errors import ServiceUnavailable
from propintel.kit.pagination import Page

router = APIRouter(prefix="/api/v1/assistant", tags=["assistant chat"])
MAX_PAGE = 100


@router.post(
    "/chat",
    response_model=ChatAnswerOut,
    responses={200: {"content": {chat_runner.STREAM_TYPE: {}}}},
)
async def ask(
    body: ChatIn, request: Request, user: SubscriberUser, db: DbSession, units: UnitsOfWorkDep
) -> Response:
    """Ask the assistant. The credits for the largest possible use are held first (402 / 409
    when the balance or the daily limit cannot cover them: nothing is sent), then settled at
    what the model used; a failed answer releases them (503)."""
    settings = request.app.state.settings
    pending = await chat.ask(
        db,
        user,
        body.question,
        thread_id=body.conversation_id,
        lead_id=body.lead_id,
        new_homeowner_days=settings.new_homeowner_days,
        max_tokens=settings.chat_max_answer_tokens,
    )
    await db.commit()  # the hold and the question are kept whatever the model does
    model = chat_runner.model_for(request.app.state.chat_model, pending)
    if body.stream:
        events = chat_runner.stream_events(units, pending, model)
        return StreamingResponse(events, media_type=chat_runner.STREAM_TYPE)
    outcome = await chat_runner.run(units, pending, model)
    if isinstance(outcome, chat_runner.Failed):
        raise ServiceUnavailable(outcome.message)
    return Response(ChatAnswerOut.of(outcome).model_dump_json(), media_type="application/json")


@router.get("/conversations", response_model=Page[ConversationOut])
async def list_conversations(
    user: SubscriberUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    cursor: str | None = None,
    lead_id: uuid.UUID | None = None,
) -> Page[ConversationOut]:
    """Your conversations, the latest active first (one lead's, when given)."""
    await catalog.require_feature(db, user, chat.FEATURE)
    rows, next_cursor = await chat.conversations_page(
        db, user.user_id, limit=limit, cursor=cursor, lead_id=lead_id
    )
    return Page(items=[ConversationOut.of(row) for row in rows], next_cursor=next_cursor)


@router.get("/conversations/{conversation_id}", response_model=ConversationDetailOut)
async def get_conversation(
    conversation_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> ConversationDetailOut:
    await catalog.require_feature(db, user, chat.FEATURE)
    thread = await chat.conversation(db, user.user_id, conversation_id)
    rows = await chat.messages(db, user.user_id, conversation_id)
    summary = ConversationOut.of(thread)
    return ConversationDetailOut(
        **summary.model_dump(), messages=[MessageOut.of(row) for row in rows]
    )


@router.delete("/conversations/{conversation_id}", status_code=204)
async def delete_conversation(
    conversation_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    """Delete a conversation and its messages (what they cost stays in the ledger)."""
    await chat.delete_conversation(db, user.user_id, conversation_id)
    return Response(status_code=204)


@router.post("/messages/{message_id}/script", response_model=ScriptOut, status_code=201)
async def save_as_script(
    message_id: uuid.UUID, body: SaveScriptIn, user: SubscriberUser, db: DbSession
) -> ScriptOut:
    """Save one answer as an active script (of the type it drafts unless given)."""
    row = await chat.save_as_script(
        db, user.user_id, message_id, script_type=body.script_type, name=body.name
    )
    return ScriptOut.of(row)
