"""Auto-recharge: a spend that leaves the balance under the threshold opens one recharge for that
dip; the job charges the saved card once; a decline turns auto-recharge off and says why."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.billing.local import LocalPayments
from propintel.billing.service import run_recharge
from propintel.catalog.service import Bundle
from propintel.integrations.payments import PaymentUnavailable
from propintel.kit.errors import Invalid
from propintel.tokens import preferences, service
from propintel.tokens.recharge import recharge_price
from propintel.tokens.schemas import TokenPreferences
from tests.billing.helpers import run_deferred
from tests.factories import funded_subscriber, log_in_browser, token_balance

RECHARGES = (
    "SELECT status, tokens, amount, failure_message FROM billing_recharges WHERE user_id = :u"
)


async def _subscriber_with_card(db: AsyncSession, *, declines: bool = False) -> User:
    """Balance 100, auto-recharge 1,000 tokens below 50, a saved (simulated) card."""
    user = await funded_subscriber(db, 100)
    await preferences.update_preferences(
        db,
        user.user_id,
        TokenPreferences(auto_recharge=True, recharge_threshold=50, recharge_amount=1000),
    )
    customer = f"cus_local_{uuid.uuid4().hex[:12]}"
    await db.execute(
        text("UPDATE users SET stripe_customer_id = :c WHERE user_id = :u"),
        {"c": customer, "u": user.user_id},
    )
    await db.execute(
        text(
            "INSERT INTO local_payment_methods (customer_id, card_last4, declines_off_session) "
            "VALUES (:c, :l, :d)"
        ),
        {"c": customer, "l": "0341" if declines else "4242", "d": declines},
    )
    return user


async def _recharges(db: AsyncSession, user: User) -> list[tuple[str, int, str, str | None]]:
    rows = (await db.execute(text(RECHARGES), {"u": user.user_id})).all()
    return [(r.status, r.tokens, str(r.amount), r.failure_message) for r in rows]


async def _charge_sms(db: AsyncSession, user: User, times: int) -> None:
    for _ in range(times):
        await service.charge(db, user.user_id, "sms_send", 1)


async def test_a_spend_above_the_threshold_opens_no_recharge(db: AsyncSession) -> None:
    user = await _subscriber_with_card(db)
    await _charge_sms(db, user, 5)  # 100 → 50: not under 50
    assert await _recharges(db, user) == []


async def test_one_dip_buys_once_and_the_job_credits_the_tokens(db: AsyncSession) -> None:
    user = await _subscriber_with_card(db)
    await _charge_sms(db, user, 8)  # 100 → 20: three charges under the threshold, one dip
    assert await _recharges(db, user) == [("pending", 1000, "1.00", None)]
    results = await run_deferred(db)
    assert [r["outcome"] for r in results] == ["recharged 1000 tokens"]
    assert await token_balance(db, user.user_id) == 1020
    assert await _recharges(db, user) == [("succeeded", 1000, "1.00", None)]
    # A second run of the same job (a retry) changes nothing.
    recharge_id = await db.scalar(text("SELECT recharge_id FROM billing_recharges"))
    simulator = LocalPayments(db, "whsec_x", lambda *_: None)  # type: ignore[arg-type,return-value]
    assert await run_recharge(db, simulator, recharge_id) == "nothing to do"
    assert await token_balance(db, user.user_id) == 1020


async def test_the_next_dip_after_a_recharge_buys_again(db: AsyncSession) -> None:
    user = await _subscriber_with_card(db)
    await _charge_sms(db, user, 6)
    await run_deferred(db)
    seen_balance = await token_balance(db, user.user_id)  # 40 + 1000
    await _charge_sms(db, user, (seen_balance - 40) // 10)  # down to 40 again
    assert [r[0] for r in await _recharges(db, user)] == ["succeeded", "pending"]


async def test_a_declined_card_turns_auto_recharge_off_and_says_why(db: AsyncSession) -> None:
    user = await _subscriber_with_card(db, declines=True)
    await _charge_sms(db, user, 6)
    results = await run_deferred(db)
    assert [r["outcome"] for r in results] == ["declined: Your card was declined."]
    assert await token_balance(db, user.user_id) == 40
    assert await _recharges(db, user) == [("declined", 1000, "1.00", "Your card was declined.")]
    prefs = await preferences.get_preferences(db, user.user_id)
    assert prefs.auto_recharge is False
    await _charge_sms(db, user, 1)  # still under the threshold, but auto-recharge is off now
    assert len(await _recharges(db, user)) == 1


async def test_no_saved_card_is_a_decline(db: AsyncSession) -> None:
    user = await _subscriber_with_card(db)
    await db.execute(
        text("UPDATE users SET stripe_customer_id = NULL WHERE user_id = :u"), {"u": user.user_id}
    )
    await _charge_sms(db, user, 6)
    assert [r["outcome"] for r in await run_deferred(db)] == ["declined: No saved card on file."]


async def test_a_hold_that_dips_under_the_threshold_also_recharges(db: AsyncSession) -> None:
    user = await _subscriber_with_card(db)
    await service.reserve(db, user.user_id, "ai_voice_call_3min", 3)  # holds 60
    assert [r[0] for r in await _recharges(db, user)] == ["pending"]


def test_recharge_amounts_must_lift_the_balance_over_the_threshold() -> None:
    with pytest.raises(Invalid) as refused:
        preferences.validate(
            TokenPreferences(auto_recharge=True, recharge_threshold=500, recharge_amount=100)
        )
    assert refused.value.field == "recharge_amount"
    ok = TokenPreferences(auto_recharge=True, recharge_threshold=500, recharge_amount=500)
    assert preferences.validate(ok) == ok


BUNDLES = [
    Bundle(uuid.uuid4(), "10k", 10000, Decimal("10.00"), None),
    Bundle(uuid.uuid4(), "25k", 25000, Decimal("20.00"), None),
]


@pytest.mark.parametrize(
    ("tokens", "price"),
    [
        (100, "0.50"),
        (1000, "1.00"),
        (10000, "10.00"),
        (24999, "25.00"),
        (25000, "20.00"),
        (50000, "40.00"),
    ],
)
def test_a_recharge_is_priced_at_the_largest_fitting_bundles_rate(tokens: int, price: str) -> None:
    assert recharge_price(BUNDLES, tokens) == Decimal(price)


async def test_the_tokens_page_tells_the_user_auto_recharge_was_declined(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    user = await _subscriber_with_card(db, declines=True)
    await _charge_sms(db, user, 6)
    await run_deferred(db)
    await log_in_browser(client, user)
    page = await client.get("/tokens")
    assert 'data-testid="recharge-declined"' in page.text
    assert "Your card was declined." in page.text and "Auto-recharge is now off" in page.text


class _ProviderDown:
    name = "down"

    async def charge_saved_card(self, *_args: object) -> object:
        raise PaymentUnavailable("APIConnectionError")


async def test_a_provider_outage_fails_the_recharge_and_the_next_spend_tries_again(
    db: AsyncSession,
) -> None:
    user = await _subscriber_with_card(db)
    await _charge_sms(db, user, 6)
    recharge_id = await db.scalar(text("SELECT recharge_id FROM billing_recharges"))
    outcome = await run_recharge(db, _ProviderDown(), recharge_id)  # type: ignore[arg-type]
    assert outcome == "failed: APIConnectionError"
    assert await _recharges(db, user) == [
        ("failed", 1000, "1.00", "Payment provider error: APIConnectionError")
    ]
    assert (await preferences.get_preferences(db, user.user_id)).auto_recharge
    await _charge_sms(db, user, 1)
    assert sorted(r[0] for r in await _recharges(db, user)) == ["failed", "pending"]
