"""The chat's pages: ``/assistant/chat`` (the conversations, a new question, optionally about a
lead: ``?lead=``), ``/assistant/chat/{id}`` (one conversation), asking (streamed to the page's
script, or answered whole and redirected without JavaScript), saving an answer as a script, and
deleting a conversation after a confirmation page."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from propintel.assistant import chat, chat_runner
from propintel.assistant.scripts import ScriptType, type_label
from propintel.auth.deps import SubscriberUser
from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.db.session import DbSession, UnitsOfWorkDep
from propintel.kit.errors import DomainError
from propintel.kit.i18n import _
from propintel.leads import service as leads
from propintel.tokens import service as tokens
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/assistant/chat"
PER_PAGE = 20


def conversation_url(thread_id: uuid.UUID) -> str:
    return f"{PAGE}/{thread_id}"


async def _about(db: DbSession, user: User, lead_id: uuid.UUID | None) -> dict[str, Any] | None:
    """The lead a conversation is about, for the page's heading (None: no lead, or deleted)."""
    if lead_id is None:
        return None
    try:
        detail = await leads.lead_detail(db, user.user_id, lead_id)
    except DomainError:
        return None
    address = detail.property.get("full_address") or detail.property.get("street_address")
    return {"lead_id": lead_id, "address": address, "status": detail.lead.status}


async def _common(request: Request, db: DbSession, user: User) -> dict[str, Any]:
    await catalog.require_feature(db, user, chat.FEATURE)
    price = await catalog.action_price(db, chat.ACTION)
    return {
        "offline": request.app.state.chat_model is None,
        "balance": await tokens.balance_summary(db, user.user_id),
        "price": price.tokens_required if price else None,
        "question_max": chat.QUESTION_MAX,
        "type_label": type_label,
        "script_types": [(kind.value, kind.label) for kind in ScriptType],
    }


@router.get(PAGE)
async def chat_index(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    lead: uuid.UUID | None = None,
    cursor: str | None = None,
) -> Response:
    context = await _common(request, db, user)
    about = await _about(db, user, lead)
    if lead is not None and about is None:
        raise leads.LeadNotFound()
    rows, next_cursor = await chat.conversations_page(
        db, user.user_id, limit=PER_PAGE, cursor=cursor, lead_id=lead
    )
    filters = {"lead": str(lead)} if lead else {}
    context |= {
        "about": about,
        "conversations": rows,
        "next_url": f"{PAGE}?{urlencode({**filters, 'cursor': next_cursor})}"
        if next_cursor
        else None,
        "first_url": f"{PAGE}?{urlencode(filters)}" if cursor else None,
    }
    return render(request, "assistant/chat_index.html", context)


@router.get(PAGE + "/{thread_id}")
async def chat_conversation(
    request: Request, thread_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    context = await _common(request, db, user)
    thread = await chat.conversation(db, user.user_id, thread_id)
    context |= {
        "thread": thread,
        "about": await _about(db, user, thread.lead_id),
        "messages": await chat.messages(db, user.user_id, thread_id),
    }
    return render(request, "assistant/chat_conversation.html", context)


@router.post(PAGE + "/ask")
async def ask(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    units: UnitsOfWorkDep,
    question: str = Form(""),
    conversation_id: str = Form(""),
    lead_id: str = Form(""),
) -> Response:
    """Ask: a page script asking for ``application/x-ndjson`` gets the answer streamed; a plain
    form post waits for the whole answer and goes to the conversation."""
    streamed = chat_runner.STREAM_TYPE in request.headers.get("accept", "")
    thread_id = _uuid(conversation_id)
    back = conversation_url(thread_id) if thread_id else PAGE
    settings = request.app.state.settings
    try:
        pending = await chat.ask(
            db,
            user,
            question,
            thread_id=thread_id,
            lead_id=_uuid(lead_id),
            new_homeowner_days=settings.new_homeowner_days,
            max_tokens=settings.chat_max_answer_tokens,
        )
    except DomainError as error:
        if streamed:
            return JSONResponse({"detail": error.message}, status_code=error.status_code)
        if lead_id and thread_id is None:
            back = f"{PAGE}?{urlencode({'lead': lead_id})}"
        return redirect_with_flash(request, back, error.message, "error")
    await db.commit()  # the hold and the question are kept whatever the model does
    model = chat_runner.model_for(request.app.state.chat_model, pending)
    if streamed:
        return StreamingResponse(
            chat_runner.stream_events(units, pending, model), media_type=chat_runner.STREAM_TYPE
        )
    outcome = await chat_runner.run(units, pending, model)
    url = conversation_url(pending.thread_id)
    if isinstance(outcome, chat_runner.Failed):
        return redirect_with_flash(request, url, outcome.message, "error")
    return redirect_with_flash(
        request,
        f"{url}#message-{outcome.message_id}",
        _("Answered for {credits} credits.").format(credits=outcome.credits_charged),
        "success",
    )


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@router.post(PAGE + "/messages/{message_id}/script")
async def save_as_script(
    request: Request,
    message_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    script_type: str = Form(""),
) -> Response:
    found = await chat.message(db, user.user_id, message_id)
    back = f"{conversation_url(found.thread_id)}#message-{message_id}"
    try:
        saved = await chat.save_as_script(db, user.user_id, message_id, script_type=script_type)
    except DomainError as error:
        return redirect_with_flash(request, back, error.message, "error")
    message = _("Saved as the script “{name}”: edit it on the Scripts page.").format(
        name=saved.script_name
    )
    return redirect_with_flash(request, back, message, "success")


@router.get(PAGE + "/{thread_id}/delete")
async def confirm_delete(
    request: Request, thread_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    thread = await chat.conversation(db, user.user_id, thread_id)
    return render(request, "assistant/chat_delete.html", {"thread": thread})


@router.post(PAGE + "/{thread_id}/delete")
async def delete(
    request: Request, thread_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    await chat.delete_conversation(db, user.user_id, thread_id)
    return redirect_with_flash(request, PAGE, _("Conversation deleted."), "success")
