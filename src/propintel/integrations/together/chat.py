"""The Together AI adapter: chat completions through the official ``together`` library, streamed.

Together's API is OpenAI-compatible: ``POST /v1/chat/completions`` with ``model``, ``messages``,
``max_tokens`` and ``stream``; a streamed answer arrives as server-sent chunks whose
``choices[0].delta.content`` carry the text, and the last one carries ``usage`` (prompt and
completion tokens), which is what we bill. The library retries twice by default with no idempotency,
so a retry could be billed twice: this client never retries (``max_retries=0``); a failure ends the
answer and the caller releases the hold.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import httpx
from together import APIError, AsyncTogether
from together.types.chat import ChatCompletionMessageParam

from propintel.integrations.chat import (
    ChatError,
    ChatEvent,
    ChatMessage,
    TextDelta,
    Usage,
    estimated_tokens,
)

TIMEOUT_SECONDS = 60.0


def together_client(api_key: str, http_client: httpx.AsyncClient | None = None) -> AsyncTogether:
    """One client for the process; tests pass an ``httpx.AsyncClient`` on a mock transport."""
    return AsyncTogether(
        api_key=api_key, max_retries=0, timeout=TIMEOUT_SECONDS, http_client=http_client
    )


class TogetherChat:
    provider = "together"

    def __init__(self, client: AsyncTogether, model: str) -> None:
        self.client = client
        self.model = model

    async def stream(
        self, messages: Sequence[ChatMessage], max_tokens: int
    ) -> AsyncIterator[ChatEvent]:
        written: list[str] = []
        usage: Usage | None = None
        try:
            chunks = await self.client.chat.completions.create(
                model=self.model,
                messages=[_message(m) for m in messages],
                max_tokens=max_tokens,
                stream=True,
            )
            async for chunk in chunks:
                if chunk.usage is not None:
                    usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                for choice in chunk.choices:
                    if choice.delta.content:
                        written.append(choice.delta.content)
                        yield TextDelta(choice.delta.content)
        except (APIError, httpx.HTTPError) as error:
            raise ChatError(f"Together: {type(error).__name__}: {error}") from error
        yield usage or _counted(messages, "".join(written))


def _message(message: ChatMessage) -> ChatCompletionMessageParam:
    if message.role == "system":
        return {"role": "system", "content": message.content}
    if message.role == "assistant":
        return {"role": "assistant", "content": message.content}
    return {"role": "user", "content": message.content}


def _counted(messages: Sequence[ChatMessage], answer: str) -> Usage:
    """What to bill when the stream ended without ``usage`` (it should not): counted from text."""
    prompt = sum(estimated_tokens(message.content) for message in messages)
    return Usage(prompt, estimated_tokens(answer), reported=False)
