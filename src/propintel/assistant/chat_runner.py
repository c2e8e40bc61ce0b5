"""Step 2 of a question (``chat.py``): the model writes the answer, then the hold is settled or
released in a transaction of its own.

The page streams the answer as it is written (``stream_events``: newline-delimited JSON), but
the answer does not depend on the browser: it runs as its own task, so a reader who closes the
tab mid-answer is still billed only what the model used, and the answer is in the conversation
when they come back. A hold whose task dies with the process stays held until an operator
releases it (docs/assistant.md).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog

from propintel.assistant import chat
from propintel.assistant.chat import Answered, Pending
from propintel.assistant.offline import OfflineAssistant
from propintel.db.session import UnitsOfWork
from propintel.integrations.chat import ChatError, ChatModel, TextDelta, Usage
from propintel.kit.i18n import _

log = structlog.get_logger(__name__)
STREAM_TYPE = "application/x-ndjson"
OnDelta = Callable[[str], Awaitable[None]]
_RUNNING: set[asyncio.Task[Any]] = set()  # answers being written (kept from the collector)


@dataclass(frozen=True)
class Failed:
    message: str
    balance: int


def model_for(configured: ChatModel | None, pending: Pending) -> ChatModel:
    """The configured chat model, or the offline assistant working from this question's context."""
    return configured if configured is not None else OfflineAssistant(pending.context)


async def _nothing(_text: str) -> None:
    return None


async def run(
    units: UnitsOfWork, pending: Pending, model: ChatModel, on_delta: OnDelta = _nothing
) -> Answered | Failed:
    """Let ``model`` answer, passing each piece of text to ``on_delta``; settle or release."""
    started = time.monotonic()
    written: list[str] = []
    usage: Usage | None = None
    try:
        async for event in model.stream(pending.request, pending.max_tokens):
            if isinstance(event, TextDelta):
                written.append(event.text)
                await on_delta(event.text)
            else:
                usage = event
        if usage is None:
            raise ChatError("the model reported no usage")
    except ChatError as error:
        return await _failed(units, pending, model, str(error), started)
    except Exception:  # a defect of ours: logged with its traceback, and still never charged
        log.exception("assistant.chat.crashed", user_id=str(pending.user_id))
        return await _failed(units, pending, model, "internal error", started)
    latency = int((time.monotonic() - started) * 1000)
    async with units() as session:
        return await chat.finish(
            session, pending, "".join(written), usage, model=model.model, latency_ms=latency
        )


async def _failed(
    units: UnitsOfWork, pending: Pending, model: ChatModel, reason: str, started: float
) -> Failed:
    """Release the hold of an answer that failed."""
    latency = int((time.monotonic() - started) * 1000)
    async with units() as session:
        balance = await chat.fail(session, pending, reason, model=model.model, latency_ms=latency)
    return Failed(_("The assistant could not answer; nothing was charged."), balance)


def _line(event: dict[str, Any]) -> bytes:
    return (json.dumps(event, ensure_ascii=False) + "\n").encode()


def answered_event(outcome: Answered | Failed) -> dict[str, Any]:
    if isinstance(outcome, Failed):
        return {"type": "error", "message": outcome.message, "balance": outcome.balance}
    return {
        "type": "done",
        "message_id": str(outcome.message_id),
        "conversation_id": str(outcome.thread_id),
        "credits_charged": outcome.credits_charged,
        "llm_tokens": outcome.usage.total,
        "balance": outcome.balance,
        "model": outcome.model,
        "draft_type": outcome.draft_type,
    }


async def stream_events(
    units: UnitsOfWork, pending: Pending, model: ChatModel
) -> AsyncIterator[bytes]:
    """The answer as newline-delimited JSON: ``start``, ``delta``s, then ``done`` or ``error``."""
    queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

    async def delta(text: str) -> None:
        await queue.put({"type": "delta", "text": text})

    async def answer() -> None:
        try:
            await queue.put(answered_event(await run(units, pending, model, delta)))
        finally:
            await queue.put(None)

    task = asyncio.create_task(answer())
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)
    yield _line(
        {
            "type": "start",
            "conversation_id": str(pending.thread_id),
            "credits_held": pending.credits_held,
            "model": model.model,
        }
    )
    while (event := await queue.get()) is not None:
        yield _line(event)
