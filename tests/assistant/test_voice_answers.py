"""What the AI caller says to a question: whole sentences within the limit (a snippet's leading
fragment dropped), the model's answer with its token counts, the offline answer in the call's
language, and the offline answer when the model fails (a call cannot wait)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant.voice_answers import spoken, spoken_answer
from propintel.integrations.chat import ChatError, ChatEvent, ChatMessage, TextDelta, Usage
from tests.factories import make_subscriber


def test_spoken_keeps_whole_sentences_and_ends_as_a_sentence() -> None:
    snippet = "over 15 years, curling shingles or stains. A free inspection tells you for sure"
    assert spoken(snippet) == "A free inspection tells you for sure."
    assert spoken("One. Two. Three.", limit=9) == "One. Two."
    assert spoken("Fine as it is!") == "Fine as it is!"
    long = spoken("word " * 200, limit=40)
    assert len(long) <= 41 and long.endswith(".")


class Model:
    provider, model = "together", "test-model"

    def __init__(self, fail: bool) -> None:
        self.fail = fail
        self.requests: list[Sequence[ChatMessage]] = []

    async def stream(
        self, messages: Sequence[ChatMessage], max_tokens: int
    ) -> AsyncIterator[ChatEvent]:
        self.requests.append(messages)
        if self.fail:
            raise ChatError("HTTP 503")
        yield TextDelta("We charge by the job. ")
        yield TextDelta("Estimates are free.")
        yield Usage(120, 9)


async def test_the_model_answers_in_two_sentences_and_counts_its_tokens(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    model = Model(fail=False)
    answer = await spoken_answer(
        db, user.user_id, "What do you charge?", language="en", business="Acme", model=model
    )
    assert answer.text == "We charge by the job. Estimates are free."
    assert (answer.model, answer.prompt_tokens, answer.completion_tokens) == ("test-model", 120, 9)
    system = model.requests[0][0].content
    assert "Acme" in system and "never pretend to be a person" in system


async def test_offline_or_when_the_model_fails_the_answer_is_said_in_the_call_language(
    db: AsyncSession,
) -> None:
    user = await make_subscriber(db)
    for model in (None, Model(fail=True)):
        answer = await spoken_answer(
            db, user.user_id, "¿Cuánto cobran?", language="es", business="Acme", model=model
        )
        assert answer.model == "offline"
        assert answer.text.startswith("No tengo esa respuesta") and "Acme" in answer.text
