"""The chat: a subscriber asks, the assistant answers from their own records, the ledger is paid
from what the model really used (docs/assistant.md).

One question is three steps, each its own transaction, so a hold is never lost in a failed call:

1. ``ask``: plan feature ``ai_chat``, the question checked, the context gathered (``context.py``)
   and the request built (``prompt.py``); then the hold of ``ai_chat_1k_tokens`` for the largest
   possible use (the prompt's upper bound plus the longest answer), refused with the ledger's
   rule (balance, daily limit, suspension) BEFORE anything is sent; the question is stored.
2. the model streams its answer (``chat_runner.py``);
3. ``finish``: the hold settled at the started 1,000s of LLM tokens the provider reported
   (prompt + completion) at the action's price, with our actual cost from ``ai_cost_config``'s
   input and output prices, and the answer stored with its context, model, tokens, latency, cost
   and credits; or ``fail``: the whole hold released, nothing charged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import context as chat_context
from propintel.assistant import prompt
from propintel.assistant.chat_repository import ChatRepository, MessageRow, ThreadRow
from propintel.assistant.context import ChatContext
from propintel.assistant.scripts import ScriptRow, ScriptType, create_script, unknown_variables
from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.integrations.chat import ChatMessage, Usage
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Invalid, NotFound
from propintel.kit.i18n import _
from propintel.kit.pagination import KeyPart, Listing
from propintel.leads import service as leads
from propintel.tokens import service as tokens

log = structlog.get_logger(__name__)

ACTION = "ai_chat_1k_tokens"
FEATURE = "ai_chat"
LLM_TOKENS_PER_UNIT = 1_000
QUESTION_MAX = 4_000
TITLE_MAX = 80
INPUT_SERVICE, OUTPUT_SERVICE, FLAT_SERVICE = (
    "together_chat_input_1k",
    "together_chat_output_1k",
    "together_chat_1k",
)
COST_PLACES = Decimal("0.000001")  # conversation_history.cost is DECIMAL(10,6)
CONVERSATIONS = Listing("assistant_conversations", (KeyPart.DATETIME, KeyPart.UUID))


class ConversationNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such conversation."))


class MessageNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such message."))


def billed_units(llm_tokens: int) -> int:
    """Started 1,000s of LLM tokens: 0 → 0, 1 to 1,000 → 1, 1,001 → 2."""
    return -(-max(llm_tokens, 0) // LLM_TOKENS_PER_UNIT)


@dataclass(frozen=True)
class Pending:
    """A question asked and held for, not yet answered."""

    user_id: uuid.UUID
    thread_id: uuid.UUID
    question_id: uuid.UUID
    reservation_id: uuid.UUID
    units_held: int
    credits_held: int
    max_tokens: int
    request: list[ChatMessage]
    context: ChatContext


@dataclass(frozen=True)
class Answered:
    message_id: uuid.UUID
    thread_id: uuid.UUID
    content: str
    usage: Usage
    credits_charged: int
    cost: Decimal
    balance: int
    model: str
    latency_ms: int
    draft_type: str | None


def _question(value: str) -> str:
    text = value.replace("\x00", "").replace("\r\n", "\n").strip()
    if not text:
        raise Invalid(_("Write a question."), field="question")
    if len(text) > QUESTION_MAX:
        raise Invalid(
            _("The question is too long ({max} characters at most).").format(max=QUESTION_MAX),
            field="question",
        )
    return text


def _title(question: str) -> str:
    line = " ".join(question.split())
    return line if len(line) <= TITLE_MAX else line[: TITLE_MAX - 1].rstrip() + "…"


async def conversation(
    session: AsyncSession, user_id: uuid.UUID, thread_id: uuid.UUID
) -> ThreadRow:
    found = await ChatRepository.from_session(session).thread(user_id, thread_id)
    if found is None:
        raise ConversationNotFound()
    return found


async def conversations_page(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None = None,
    lead_id: uuid.UUID | None = None,
) -> tuple[list[ThreadRow], str | None]:
    """The subscriber's conversations, the latest active first (one lead's, when given)."""
    bound = str(lead_id or "")
    after = CONVERSATIONS.decode_optional(cursor, bound_to=bound)
    rows = await ChatRepository.from_session(session).threads_page(
        user_id, after, limit + 1, lead_id
    )
    return CONVERSATIONS.page(rows, limit, lambda r: (r.updated_at, r.thread_id), bound_to=bound)


async def messages(
    session: AsyncSession, user_id: uuid.UUID, thread_id: uuid.UUID
) -> list[MessageRow]:
    await conversation(session, user_id, thread_id)
    return await ChatRepository.from_session(session).messages(user_id, thread_id)


async def message(session: AsyncSession, user_id: uuid.UUID, message_id: uuid.UUID) -> MessageRow:
    found = await ChatRepository.from_session(session).message(user_id, message_id)
    if found is None:
        raise MessageNotFound()
    return found


async def delete_conversation(
    session: AsyncSession, user_id: uuid.UUID, thread_id: uuid.UUID
) -> None:
    """Delete a conversation and its messages (their charges stay in the ledger)."""
    if not await ChatRepository.from_session(session).delete_thread(user_id, thread_id):
        raise ConversationNotFound()


async def ask(
    session: AsyncSession,
    user: User,
    question: str,
    *,
    thread_id: uuid.UUID | None = None,
    lead_id: uuid.UUID | None = None,
    new_homeowner_days: int,
    max_tokens: int,
    now: datetime | None = None,
) -> Pending:
    """Step 1: check, gather, hold, store the question. ``thread_id`` continues a conversation
    (its lead is the context's); ``lead_id`` starts one about a saved lead."""
    await catalog.require_feature(session, user, FEATURE)
    text = _question(question)
    now = now or now_new_york()
    repo = ChatRepository.from_session(session)
    history: list[ChatMessage] = []
    if thread_id is not None:
        thread = await conversation(session, user.user_id, thread_id)
        lead_id = thread.lead_id
        earlier = await repo.messages(user.user_id, thread_id, last=prompt.HISTORY_MESSAGES)
        history = [
            ChatMessage("assistant" if m.role == "assistant" else "user", m.content)
            for m in earlier
            if m.content
        ]
    elif lead_id is not None:
        await leads.lead_detail(session, user.user_id, lead_id)  # the caller's, or LeadNotFound
    gathered = await chat_context.gather(
        session, user, text, lead_id=lead_id, new_homeowner_days=new_homeowner_days
    )
    request = prompt.messages(gathered, history)
    units = billed_units(prompt.upper_bound_tokens(request) + max_tokens)
    question_id = uuid.uuid4()
    # The hold first: a refusal (which may keep its own changes, an auto-recharge) writes nothing.
    held = await tokens.reserve(
        session, user.user_id, ACTION, units, reference=f"assistant chat {question_id}", now=now
    )
    lead = gathered.lead.lead_id if gathered.lead else None
    if thread_id is None:
        thread_id = await repo.add_thread(user.user_id, lead, _title(text), now)
    await repo.add_message(
        user.user_id, thread_id, lead, "user", text, now, conversation_id=question_id
    )
    await repo.touch_thread(thread_id, now)
    return Pending(
        user_id=user.user_id,
        thread_id=thread_id,
        question_id=question_id,
        reservation_id=held.reservation_id,
        units_held=units,
        credits_held=held.tokens_held,
        max_tokens=max_tokens,
        request=request,
        context=gathered,
    )


async def chat_cost(session: AsyncSession, usage: Usage) -> Decimal:
    """What the provider charges us for ``usage``: prompt and completion tokens at
    ``ai_cost_config``'s input and output prices per 1K (each falling back to the flat
    ``together_chat_1k`` price when its row is missing)."""
    flat = await catalog.service_cost(session, FLAT_SERVICE) or Decimal(0)
    per_input = await catalog.service_cost(session, INPUT_SERVICE) or flat
    per_output = await catalog.service_cost(session, OUTPUT_SERVICE) or flat
    thousand = Decimal(LLM_TOKENS_PER_UNIT)
    cost = (
        usage.prompt_tokens * per_input / thousand + usage.completion_tokens * per_output / thousand
    )
    return cost.quantize(COST_PLACES, rounding=ROUND_HALF_UP)


async def finish(
    session: AsyncSession,
    pending: Pending,
    content: str,
    usage: Usage,
    *,
    model: str,
    latency_ms: int,
    now: datetime | None = None,
) -> Answered:
    """Step 3: settle the hold from ``usage`` and store the answer."""
    now = now or now_new_york()
    units = billed_units(usage.total)
    if units > pending.units_held:  # cannot happen with the byte bound; never charge past the hold
        log.warning("assistant.chat.usage_over_hold", used=units, held=pending.units_held)
        units = pending.units_held
    cost = await chat_cost(session, usage)
    settled = await tokens.settle(
        session, pending.user_id, pending.reservation_id, units, now=now, actual_cost=cost
    )
    recorded = pending.context.recorded() | {"usage_reported": usage.reported}
    repo = ChatRepository.from_session(session)
    lead = pending.context.lead
    message_id = await repo.add_message(
        pending.user_id,
        pending.thread_id,
        lead.lead_id if lead else None,
        "assistant",
        content,
        now,
        context_used=recorded,
        tokens_used=usage.total,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cost=cost,
        credits_charged=settled.tokens_charged,
        usage_log_id=settled.usage_log_id,
        model=model,
        latency_ms=latency_ms,
        draft_type=pending.context.draft_type,
    )
    await repo.touch_thread(pending.thread_id, now)
    log.info(
        "assistant.chat.answered",
        user_id=str(pending.user_id),
        model=model,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        usage_reported=usage.reported,
        latency_ms=latency_ms,
        cost_usd=str(cost),
        credits=settled.tokens_charged,
    )
    return Answered(
        message_id=message_id,
        thread_id=pending.thread_id,
        content=content,
        usage=usage,
        credits_charged=settled.tokens_charged,
        cost=cost,
        balance=settled.balance,
        model=model,
        latency_ms=latency_ms,
        draft_type=pending.context.draft_type,
    )


async def fail(
    session: AsyncSession, pending: Pending, reason: str, *, model: str, latency_ms: int
) -> int:
    """Step 3 when the model failed: release the whole hold (nothing charged); the balance."""
    released = await tokens.release(session, pending.user_id, pending.reservation_id)
    log.warning(
        "assistant.chat.failed",
        user_id=str(pending.user_id),
        model=model,
        latency_ms=latency_ms,
        reason=reason,
        credits_released=released.tokens_released,
    )
    return released.balance


async def save_as_script(
    session: AsyncSession,
    user_id: uuid.UUID,
    message_id: uuid.UUID,
    *,
    script_type: str = "",
    name: str = "",
) -> ScriptRow:
    """One answer saved as an active script: of the type it drafts (else ``chat``), named after
    the question it answers. Braces the scripts do not know ({first_name}) lose their braces, so
    the one click never fails on a model's wording."""
    found = await message(session, user_id, message_id)
    if found.role != "assistant" or not found.content.strip():
        raise Invalid(_("Only an answer of the assistant can be saved as a script."))
    thread = await ChatRepository.from_session(session).messages(user_id, found.thread_id)
    position = [m.message_id for m in thread].index(found.message_id)
    asked = [m.content for m in thread[:position] if m.role == "user"]
    content = found.content
    for braced in unknown_variables(content):
        content = content.replace(braced, braced[1:-1])
    return await create_script(
        session,
        user_id,
        script_type=script_type or found.draft_type or ScriptType.CHAT.value,
        name=name or _title(asked[-1] if asked else _("Assistant answer")),
        content=content,
    )
