"""The chat's test helpers: Together's real client on a mocked HTTP transport (answers as
server-sent chunks with the usage we choose, or an error), units of work on the test's
transaction, and asking with the settings' defaults."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import chat
from propintel.assistant.chat import Pending
from propintel.auth.models import User
from propintel.db.session import UnitsOfWork
from propintel.integrations.together.chat import TogetherChat, together_client

MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
API_KEY = "test-together-key"
MAX_TOKENS = 512
NOW = datetime(2026, 12, 6, 10, 0)  # New York time, for rows written outside a question


def sse_body(pieces: list[str], usage: tuple[int, int] | None) -> bytes:
    """A streamed chat completion as Together sends it: one chunk per piece, the usage on the
    last chunk, then ``[DONE]``."""
    chunks: list[dict[str, Any]] = [
        {
            "id": "chat-1",
            "object": "chat.completion.chunk",
            "created": 1_780_000_000,
            "model": MODEL,
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": piece}}],
        }
        for piece in pieces
    ]
    last: dict[str, Any] = {
        "id": "chat-1",
        "object": "chat.completion.chunk",
        "created": 1_780_000_000,
        "model": MODEL,
        "choices": [
            {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": "stop"}
        ],
    }
    if usage is not None:
        prompt, completion = usage
        last["usage"] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
    events = [f"data: {json.dumps(chunk)}\n\n" for chunk in [*chunks, last]]
    return ("".join(events) + "data: [DONE]\n\n").encode()


Handler = Callable[[httpx.Request], httpx.Response]


def together_on(handler: Handler, seen: list[httpx.Request] | None = None) -> TogetherChat:
    """The real adapter and SDK; every request goes to ``handler`` (and into ``seen``)."""

    def record(request: httpx.Request) -> httpx.Response:
        request.read()
        if seen is not None:
            seen.append(request)
        return handler(request)

    http = httpx.AsyncClient(transport=httpx.MockTransport(record))
    return TogetherChat(together_client(API_KEY, http_client=http), MODEL)


def answering(
    pieces: list[str], usage: tuple[int, int] | None, seen: list[httpx.Request] | None = None
) -> TogetherChat:
    body = sse_body(pieces, usage)
    headers = {"content-type": "text/event-stream"}
    return together_on(lambda _request: httpx.Response(200, content=body, headers=headers), seen)


def failing(status: int = 500, seen: list[httpx.Request] | None = None) -> TogetherChat:
    error = {"error": {"message": "upstream overloaded", "type": "server_error"}}
    return together_on(lambda _request: httpx.Response(status, json=error), seen)


def units_on(db: AsyncSession) -> UnitsOfWork:
    """Units of work on the test's transaction (each commit releases a savepoint)."""

    @asynccontextmanager
    async def unit() -> AsyncIterator[AsyncSession]:
        try:
            yield db
        except BaseException:
            await db.rollback()
            raise
        await db.commit()

    return unit


async def ask(db: AsyncSession, user: User, question: str, **options: Any) -> Pending:
    """Ask now (an answer is stored at the time it is written, so a conversation stays in
    order)."""
    options.setdefault("max_tokens", MAX_TOKENS)
    return await chat.ask(db, user, question, new_homeowner_days=365, **options)


def sent_body(request: httpx.Request) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(request.content)
    return body


def prompt_text(request: httpx.Request) -> str:
    """Every message's content of a chat request, joined."""
    return "\n".join(message["content"] for message in sent_body(request)["messages"])


async def set_chat_prices(db: AsyncSession, per_input: str, per_output: str) -> None:
    """The input and output prices an admin adds on the AI costs page."""
    for service, price in (
        ("together_chat_input_1k", per_input),
        ("together_chat_output_1k", per_output),
    ):
        await db.execute(
            text(
                "INSERT INTO ai_cost_config (service_name, cost_per_unit) "
                "VALUES (:service, :price) ON CONFLICT (service_name) "
                "DO UPDATE SET cost_per_unit = EXCLUDED.cost_per_unit"
            ),
            {"price": price, "service": service},
        )


async def usage_rows(db: AsyncSession, user_id: uuid.UUID) -> list[tuple[int, Any]]:
    """(tokens_used, actual_cost) of the user's ai_chat charges."""
    rows = await db.execute(
        text(
            "SELECT tokens_used, actual_cost FROM token_usage_logs "
            "WHERE user_id = :user AND action_type = 'ai_chat_1k_tokens' ORDER BY timestamp"
        ),
        {"user": user_id},
    )
    return [(row[0], row[1]) for row in rows]
