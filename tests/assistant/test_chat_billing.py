"""The chat's billing: a hold before the call, settled per started 1,000 LLM tokens of the
provider's reported usage, our cost from ai_cost_config's input and output prices, refusals
before any call, the hold released when the provider fails; and Economics' chat figures."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.admin import economics
from propintel.assistant import chat, chat_runner
from propintel.integrations.chat import ChatEvent, ChatMessage, TextDelta
from propintel.kit.clock import today_new_york
from propintel.tokens.errors import DailyLimitReached, InsufficientTokens
from tests.assistant.chat_helpers import (
    answering,
    ask,
    failing,
    set_chat_prices,
    units_on,
    usage_rows,
)
from tests.factories import funded_subscriber, token_balance
from tests.tokens.helpers import set_daily_limit

PRICE = 5  # the spec's ai_chat_1k_tokens tokens_required


@pytest.mark.parametrize(
    ("prompt", "completion", "credits"),
    [(0, 0, 0), (900, 99, PRICE), (900, 100, PRICE), (900, 101, 2 * PRICE), (1500, 501, 3 * PRICE)],
    ids=["0", "999", "1000", "1001", "2001"],
)
async def test_charged_per_started_thousand_llm_tokens(
    db: AsyncSession, prompt: int, completion: int, credits: int
) -> None:
    user = await funded_subscriber(db, tokens=1_000)
    await set_chat_prices(db, "0.000900", "0.001200")
    question = "What do we charge for a weekly pool cleaning?"
    pending = await ask(db, user, question, max_tokens=4_096)
    assert pending.credits_held >= 5 * PRICE  # the largest possible use was held first

    outcome = await chat_runner.run(
        units_on(db), pending, answering(["Weekly cleaning ", "is $120."], (prompt, completion))
    )

    assert isinstance(outcome, chat.Answered)
    assert outcome.credits_charged == credits
    assert await token_balance(db, user.user_id) == 1_000 - credits
    expected_cost = (
        Decimal(prompt) * Decimal("0.0009") + Decimal(completion) * Decimal("0.0012")
    ) / 1000
    assert outcome.cost == expected_cost.quantize(Decimal("0.000001"))
    rows = await usage_rows(db, user.user_id)
    assert rows == ([(credits, outcome.cost)] if credits else [])
    stored = await db.execute(
        text(
            "SELECT message_content, tokens_used, prompt_tokens, completion_tokens, cost, "
            "credits_charged, model, latency_ms FROM conversation_history "
            "WHERE conversation_id = :id"
        ),
        {"id": outcome.message_id},
    )
    content, total, stored_prompt, stored_completion, cost, charged, model, latency = stored.one()
    assert (content, total) == ("Weekly cleaning is $120.", prompt + completion)
    assert (stored_prompt, stored_completion, cost, charged) == (
        prompt,
        completion,
        outcome.cost,
        credits,
    )
    assert model == "meta-llama/Llama-3.3-70B-Instruct-Turbo" and latency >= 0
    held = await db.scalar(
        text("SELECT count(*) FROM token_reservations WHERE user_id = :u AND status = 'held'"),
        {"u": user.user_id},
    )
    assert held == 0


async def test_refused_on_a_low_balance_before_anything_is_sent(db: AsyncSession) -> None:
    user = await funded_subscriber(db, tokens=PRICE)  # less than context + longest answer
    with pytest.raises(InsufficientTokens) as refused:
        await ask(db, user, "Write a first text to a new homeowner about pool service")
    assert "tokens" in refused.value.message
    assert await token_balance(db, user.user_id) == PRICE
    count = await db.scalar(
        text("SELECT count(*) FROM conversation_history WHERE user_id = :u"), {"u": user.user_id}
    )
    assert count == 0


async def test_refused_by_the_daily_limit(db: AsyncSession) -> None:
    user = await funded_subscriber(db, tokens=1_000)
    await set_daily_limit(db, user.user_id, PRICE)
    with pytest.raises(DailyLimitReached):
        await ask(db, user, "What do we charge for a weekly pool cleaning?")
    assert await token_balance(db, user.user_id) == 1_000


async def test_a_provider_failure_releases_the_hold_and_charges_nothing(
    db: AsyncSession,
) -> None:
    user = await funded_subscriber(db, tokens=1_000)
    seen: list[httpx.Request] = []
    pending = await ask(db, user, "What do we charge for a weekly pool cleaning?")
    assert await token_balance(db, user.user_id) == 1_000 - pending.credits_held

    outcome = await chat_runner.run(units_on(db), pending, failing(500, seen))

    assert isinstance(outcome, chat_runner.Failed)
    assert "nothing was charged" in outcome.message
    assert len(seen) == 1  # never retried: a retry could be billed twice
    assert await token_balance(db, user.user_id) == 1_000 == outcome.balance
    assert await usage_rows(db, user.user_id) == []
    status = await db.scalar(
        text("SELECT status FROM token_reservations WHERE reservation_id = :id"),
        {"id": pending.reservation_id},
    )
    assert status == "released"
    roles = await db.scalars(
        text("SELECT message_role FROM conversation_history WHERE thread_id = :t"),
        {"t": pending.thread_id},
    )
    assert list(roles) == ["user"]  # the question is kept, no answer


async def test_usage_never_charges_past_the_hold(db: AsyncSession) -> None:
    """The hold is an upper bound; were a provider to report more, the hold is the charge."""
    user = await funded_subscriber(db, tokens=1_000)
    pending = await ask(db, user, "Hello")
    reported = (pending.units_held * 1_000 + 5_000, 0)
    outcome = await chat_runner.run(units_on(db), pending, answering(["Hi"], reported))
    assert isinstance(outcome, chat.Answered)
    assert outcome.credits_charged == pending.credits_held


async def test_economics_shows_the_chats_cost_and_revenue(db: AsyncSession) -> None:
    user = await funded_subscriber(db, tokens=1_000)  # 1,000 tokens bought for $9.99
    await set_chat_prices(db, "0.001000", "0.002000")
    costs = []
    for usage in ((1200, 300), (400, 100)):
        pending = await ask(db, user, "What do we charge for a weekly pool cleaning?")
        outcome = await chat_runner.run(units_on(db), pending, answering(["$120."], usage))
        assert isinstance(outcome, chat.Answered)
        costs.append(outcome.cost)
    assert costs == [Decimal("0.001800"), Decimal("0.000600")]

    today = today_new_york()
    report = await economics.economics(db, "day", today - timedelta(days=5), today)

    [figures] = [a for a in report.actions if a.action_type == "ai_chat_1k_tokens"]
    assert (figures.charges, figures.tokens_used) == (2, 3 * PRICE)
    assert figures.provider_cost == sum(costs)
    assert figures.revenue is not None and figures.revenue > figures.provider_cost
    assert figures.service == "together_chat_1k"


class _Defective:
    """A model whose stream breaks with an error of ours (not the provider's) mid-answer."""

    provider = "test"
    model = "defective"

    async def stream(
        self, messages: Sequence[ChatMessage], max_tokens: int
    ) -> AsyncIterator[ChatEvent]:
        yield TextDelta("Half an ans")
        raise RuntimeError("a defect")


async def test_a_defect_mid_answer_releases_the_hold_too(db: AsyncSession) -> None:
    user = await funded_subscriber(db, tokens=1_000)
    pending = await ask(db, user, "What do we charge for a weekly pool cleaning?")
    outcome = await chat_runner.run(units_on(db), pending, _Defective())
    assert isinstance(outcome, chat_runner.Failed)
    assert await token_balance(db, user.user_id) == 1_000
    assert await usage_rows(db, user.user_id) == []
