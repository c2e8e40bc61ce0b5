"""The Together adapter through the official SDK on a mocked transport: the request it sends, the
streamed answer and usage it reads back, no retry, and failures as ChatError."""

from __future__ import annotations

import json

import httpx
import pytest

from propintel.config import Settings
from propintel.integrations.chat import ChatError, ChatMessage, TextDelta, Usage
from propintel.integrations.providers import chat_model
from propintel.integrations.together.chat import TogetherChat
from tests.assistant.chat_helpers import API_KEY, MODEL, answering, failing, together_on

MESSAGES = [
    ChatMessage("system", "You are the assistant of Blue Pools."),
    ChatMessage("user", "Hola"),
    ChatMessage("assistant", "¿En qué le ayudo?"),
    ChatMessage("user", "Escriba un mensaje de texto."),
]


async def _events(model: TogetherChat) -> list[object]:
    return [event async for event in model.stream(MESSAGES, 300)]


async def test_the_request_shape_and_the_streamed_answer() -> None:
    seen: list[httpx.Request] = []
    model = answering(["Hola ", "{owner_first_name}"], (42, 7), seen)

    events = await _events(model)

    [request] = seen
    assert request.method == "POST"
    # The SDK's own endpoint (3.x: api-inference.together.ai), OpenAI's path.
    assert request.url.scheme == "https" and request.url.host.endswith("together.ai")
    assert request.url.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    body = json.loads(request.content)
    assert body == {
        "model": MODEL,
        "messages": [{"role": m.role, "content": m.content} for m in MESSAGES],
        "max_tokens": 300,
        "stream": True,
    }
    assert events == [TextDelta("Hola "), TextDelta("{owner_first_name}"), Usage(42, 7)]


async def test_an_error_is_a_chat_error_and_is_never_retried() -> None:
    seen: list[httpx.Request] = []
    with pytest.raises(ChatError, match="Together"):
        await _events(failing(503, seen))
    assert len(seen) == 1


async def test_a_connection_failure_is_a_chat_error() -> None:
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=request)

    with pytest.raises(ChatError):
        await _events(together_on(unreachable))


async def test_a_stream_without_usage_is_counted_from_the_text() -> None:
    events = await _events(answering(["Twelve chars"], None))
    usage = events[-1]
    assert isinstance(usage, Usage) and not usage.reported
    assert usage.completion_tokens == 3  # 12 characters, about four a token
    assert usage.prompt_tokens > 0


def test_the_adapter_is_chosen_by_the_api_key() -> None:
    assert chat_model(Settings(together_api_key=None)) is None  # the offline assistant answers
    chosen = chat_model(Settings(together_api_key="key", together_model="some/model"))
    assert isinstance(chosen, TogetherChat) and chosen.model == "some/model"
