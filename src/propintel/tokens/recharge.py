"""When to auto-recharge: after a spend leaves the balance below the user's threshold.

Decided by the ledger inside the spending transaction (``service.charge`` and ``service.reserve``):
it opens one pending recharge (the partial unique index allows one per user, so a dip never buys
twice) and defers billing's job that charges the saved card (``billing.auto_recharge``, by name);
both commit with the spend, or neither does.
"""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.catalog import service as catalog
from propintel.jobs.enqueue import defer_in_transaction
from propintel.tokens.recharge_repository import RechargeRepository

RECHARGE_JOB = "billing.auto_recharge"  # declared by billing/tasks.py: it charges the card
MINIMUM_CHARGE = Decimal("0.50")  # Stripe's smallest USD charge


def recharge_price(bundles: list[catalog.Bundle], tokens: int) -> Decimal:
    """At the per-token rate of the largest active bundle not larger than the top-up (the
    smallest bundle's rate below every bundle), never under Stripe's minimum charge."""
    if not bundles:
        raise LookupError("no active token bundle to price a recharge")
    fitting = [b for b in bundles if b.token_amount <= tokens]
    reference = max(fitting, key=lambda b: b.token_amount) if fitting else bundles[0]
    price = (reference.price * tokens / reference.token_amount).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    return max(price, MINIMUM_CHARGE)


def wants_recharge(preferences: dict[str, Any] | None, balance: int) -> int:
    """The tokens to buy now (0: none): auto-recharge on and the balance under the threshold."""
    prefs = preferences or {}
    threshold = int(prefs.get("recharge_threshold") or 0)
    amount = int(prefs.get("recharge_amount") or 0)
    if prefs.get("auto_recharge") is True and amount > 0 and balance < threshold:
        return amount
    return 0


async def after_spend(
    session: AsyncSession, user_id: uuid.UUID, preferences: dict[str, Any] | None, balance: int
) -> uuid.UUID | None:
    """Open a recharge for this dip if one is due and none is pending; returns its id."""
    tokens = wants_recharge(preferences, balance)
    if tokens == 0:
        return None
    bundles = await catalog.active_bundles(session)
    if not bundles:
        return None
    recharge_id = await RechargeRepository.from_session(session).open(
        user_id, tokens, recharge_price(bundles, tokens)
    )
    if recharge_id is not None:
        await defer_in_transaction(session, RECHARGE_JOB, recharge_id=str(recharge_id))
    return recharge_id
