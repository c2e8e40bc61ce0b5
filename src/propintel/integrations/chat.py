"""The assistant's chat model: one interface, the Together AI adapter (production) and, when no key
is set, the assistant's own offline composer (``assistant/offline.py``, which answers from the
structured context, so it lives with the assistant). ``providers.chat_model`` makes the choice:
Together when ``PROPINTEL_TOGETHER_API_KEY`` is set.

A model streams the answer as ``TextDelta``s and ends with one ``Usage``: the LLM tokens the
provider reports for the prompt and the completion, which the assistant bills.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int
    reported: bool = True  # False: the provider reported none, counted from the text instead

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens


ChatEvent = TextDelta | Usage


class ChatError(Exception):
    """The provider refused the request or could not be reached: no answer (nothing billed)."""


class ChatModel(Protocol):
    provider: str  # "together" | "offline"
    model: str

    def stream(self, messages: Sequence[ChatMessage], max_tokens: int) -> AsyncIterator[ChatEvent]:
        """The answer as it is written, then exactly one ``Usage``; ``ChatError`` on failure."""
        ...


def estimated_tokens(text: str) -> int:
    """LLM tokens of ``text`` when nobody counted them: about four characters a token."""
    return (len(text) + 3) // 4
