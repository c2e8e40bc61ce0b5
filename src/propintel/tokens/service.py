"""The token ledger's rules: charge, refund, hold/settle/release, purchases, plan allowances, and
the auto-recharges a spend opens (``recharge.py``; billing charges the card and finishes them).

Every balance change writes exactly one ledger row set (docs/tokens.md), so the balance is always
``SUM(purchases) + SUM(transactions) - SUM(usage)`` (maintenance/tokens.py). Services take the
session, flush and never commit. ``now`` is naive New York wall-clock time (kit/clock.py); tests
pass it explicitly.

Concurrency: every operation that decides from the user's state (balance, daily limit, a hold)
first locks the user's row (``SELECT … FOR UPDATE``). The lock serializes one user's ledger
operations, and the statements after it see everything the previous holder committed. The write
itself is still a single guarded statement, so even a caller that skipped the lock could not
overspend.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.catalog import service as catalog
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Invalid, NotFound
from propintel.kit.i18n import _
from propintel.tokens.errors import (
    AccountSuspended,
    AlreadyRefunded,
    DailyLimitReached,
    EmailNotVerified,
    InsufficientTokens,
    ReservationClosed,
    ReservationNotFound,
    SettlementExceedsHold,
    UnknownAction,
    UsageNotFound,
)
from propintel.tokens.models import ReservationStatus, TransactionType
from propintel.tokens.recharge import after_spend
from propintel.tokens.recharge_repository import Recharge, RechargeRepository
from propintel.tokens.repository import Account, TokenRepository

MAX_UNITS = 100_000
MAX_ADJUSTMENT = 10_000_000
# Transaction types that only mirror a token_purchases or token_usage_logs row: the balance, the
# history and the reconciliation count that row, never the transaction (it would count twice).
MIRRORED_TRANSACTION_TYPES: tuple[str, ...] = ("purchase", "usage")


@dataclass(frozen=True)
class Charged:
    tokens: int
    balance: int
    usage_log_id: uuid.UUID
    actual_cost: Decimal


@dataclass(frozen=True)
class Held:
    reservation_id: uuid.UUID
    tokens_held: int
    balance: int


@dataclass(frozen=True)
class Settled:
    tokens_charged: int
    tokens_released: int
    balance: int
    usage_log_id: uuid.UUID | None


def new_york_day(now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of the New York calendar day containing naive New York time ``now``."""
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def daily_limit_of(account: Account) -> int | None:
    """The validated ``daily_limit`` preference; anything unreadable counts as no limit set."""
    value = account.preferences.get("daily_limit")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _check_units(units: int) -> None:
    if isinstance(units, bool) or not isinstance(units, int) or not 1 <= units <= MAX_UNITS:
        raise Invalid(
            _("Units must be a whole number from 1 to {max}.").format(max=MAX_UNITS), field="units"
        )


async def _price(session: AsyncSession, action_type: str) -> catalog.ActionPrice:
    price = await catalog.action_price(session, action_type)
    if price is None:
        raise UnknownAction(action_type)
    return price


async def locked_account(repo: TokenRepository, user_id: uuid.UUID) -> Account:
    account = await repo.lock_account(user_id)
    if account is None:
        raise NotFound(_("No such user."))
    return account


async def _check_can_spend(
    repo: TokenRepository, account: Account, tokens: int, now: datetime
) -> tuple[int, int | None]:
    """Refuse (naming the rule) unless ``account`` — locked — may spend ``tokens`` now.
    Returns (used today, daily limit) for the guarded statement."""
    if account.suspended_at is not None:
        raise AccountSuspended()
    if account.email_verified_at is None:
        raise EmailNotVerified()
    if account.balance < tokens:
        raise InsufficientTokens(needed=tokens, balance=account.balance)
    limit = daily_limit_of(account)
    used = await repo.used_today(account.user_id, *new_york_day(now)) if limit is not None else 0
    if limit is not None and used + tokens > limit:
        raise DailyLimitReached(needed=tokens, used_today=used, daily_limit=limit)
    return used, limit


async def charge(
    session: AsyncSession,
    user_id: uuid.UUID,
    action_type: str,
    units: int,
    reference: str | None = None,
    *,
    now: datetime | None = None,
    actual_cost: Decimal | None = None,
) -> Charged:
    """Charge ``tokens_required * units`` for a paid action (units = started blocks, computed
    by the caller), or refuse with InsufficientTokens / DailyLimitReached / AccountSuspended /
    UnknownAction. Writes ``token_usage_logs`` and moves the pool. ``actual_cost`` is what the
    provider reported for this action (USD); without it, the price list's cost per unit."""
    _check_units(units)
    now = now or now_new_york()
    price = await _price(session, action_type)
    tokens = price.tokens_required * units
    repo = TokenRepository.from_session(session)
    account = await locked_account(repo, user_id)
    used, limit = await _check_can_spend(repo, account, tokens, now)
    charged = await _log_usage(
        repo, user_id, price, units, tokens, reference, now, used, limit, actual_cost=actual_cost
    )
    await after_spend(session, user_id, account.preferences, charged.balance)
    return charged


async def _log_usage(
    repo: TokenRepository,
    user_id: uuid.UUID,
    price: catalog.ActionPrice,
    units: int,
    tokens: int,
    reference: str | None,
    now: datetime,
    used_today: int = 0,
    daily_limit: int | None = None,
    *,
    check_suspended: bool = True,
    actual_cost: Decimal | None = None,
) -> Charged:
    cost = price.actual_cost_usd * units if actual_cost is None else actual_cost
    result = await repo.charge(
        user_id=user_id,
        action_type=price.action_type,
        tokens=tokens,
        actual_cost=cost,
        reference=reference,
        now=now,
        used_today=used_today,
        daily_limit=daily_limit,
        check_suspended=check_suspended,
    )
    if result is None:  # unreachable under the row lock; the guard is the last line of defence
        raise InsufficientTokens(needed=tokens, balance=0)
    return Charged(tokens=tokens, balance=result[0], usage_log_id=result[1], actual_cost=cost)


async def refund(
    session: AsyncSession,
    user_id: uuid.UUID,
    usage_log_id: uuid.UUID,
    reason: str,
    *,
    now: datetime | None = None,
) -> int:
    """Give back a whole charge (a failed provider call) as a ``refund`` transaction, at most once
    per usage row. Returns the new balance. The pool is not moved: its ``tokens_consumed`` is the
    gross usage ledger, like the reconciliation's."""
    now = now or now_new_york()
    repo = TokenRepository.from_session(session)
    await locked_account(repo, user_id)
    found = await repo.usage_for_refund(user_id, usage_log_id)
    if found is None:
        raise UsageNotFound()
    tokens, already = found
    if already:
        raise AlreadyRefunded()
    result = await repo.adjust(
        user_id, tokens, TransactionType.REFUND, reason, now, usage_log_id=usage_log_id
    )
    assert result is not None  # a credit never makes a balance negative
    return result[0]


async def reserve(
    session: AsyncSession,
    user_id: uuid.UUID,
    action_type: str,
    units: int,
    reference: str | None = None,
    *,
    now: datetime | None = None,
) -> Held:
    """Hold the price of up to ``units`` (e.g. the longest allowed call) under the same rules as a
    charge. The hold leaves the balance at once, as a ``reservation`` transaction (negative)."""
    _check_units(units)
    now = now or now_new_york()
    price = await _price(session, action_type)
    tokens = price.tokens_required * units
    repo = TokenRepository.from_session(session)
    account = await locked_account(repo, user_id)
    await _check_can_spend(repo, account, tokens, now)
    reservation_id = await repo.insert_reservation(
        user_id=user_id,
        action_type=action_type,
        unit_tokens=price.tokens_required,
        tokens_held=tokens,
        reference=reference,
        now=now,
    )
    description = f"Hold {reservation_id} for {action_type}"
    result = await repo.adjust(user_id, -tokens, TransactionType.RESERVATION, description, now)
    if result is None:  # unreachable under the row lock
        raise InsufficientTokens(needed=tokens, balance=account.balance)
    await after_spend(session, user_id, account.preferences, result[0])
    return Held(reservation_id=reservation_id, tokens_held=tokens, balance=result[0])


async def settle(
    session: AsyncSession,
    user_id: uuid.UUID,
    reservation_id: uuid.UUID,
    actual_units: int,
    *,
    now: datetime | None = None,
    actual_cost: Decimal | None = None,
) -> Settled:
    """End a hold: give the whole hold back (``reservation_release``) and charge the actual units
    at the hold's unit price (a usage row). ``actual_units = 0`` releases it without a charge.
    The action already happened, so neither suspension nor the daily limit refuses it; charging
    more than was held is refused. ``actual_cost``: what the provider reported (USD), as for
    ``charge``."""
    now = now or now_new_york()
    repo = TokenRepository.from_session(session)
    await locked_account(repo, user_id)
    held = await repo.lock_reservation(user_id, reservation_id)
    if held is None:
        raise ReservationNotFound()
    if held.status != ReservationStatus.HELD:
        raise ReservationClosed(held.status)
    if isinstance(actual_units, bool) or not isinstance(actual_units, int) or actual_units < 0:
        raise Invalid(_("Actual units must be a whole number, 0 or more."), field="units")
    actual = held.unit_tokens * actual_units
    if actual > held.tokens_held:
        raise SettlementExceedsHold(actual=actual, held=held.tokens_held)
    description = f"End of hold {reservation_id}"
    released = await repo.adjust(
        user_id, held.tokens_held, TransactionType.RESERVATION_RELEASE, description, now
    )
    assert released is not None
    balance, log_id = released[0], None
    if actual_units:
        price = await _price(session, held.action_type)
        unit_price = catalog.ActionPrice(held.action_type, held.unit_tokens, price.actual_cost_usd)
        charged = await _log_usage(
            repo,
            user_id,
            unit_price,
            actual_units,
            actual,
            held.reference,
            now,
            check_suspended=False,
            actual_cost=actual_cost,
        )
        balance, log_id = charged.balance, charged.usage_log_id
    status = ReservationStatus.SETTLED if actual_units else ReservationStatus.RELEASED
    await repo.close_reservation(reservation_id, status, actual, now)
    return Settled(actual, held.tokens_held - actual, balance, log_id)


async def release(
    session: AsyncSession,
    user_id: uuid.UUID,
    reservation_id: uuid.UUID,
    *,
    now: datetime | None = None,
) -> Settled:
    """Cancel a hold (the action never happened): everything held comes back."""
    return await settle(session, user_id, reservation_id, 0, now=now)


async def credit_purchase(
    session: AsyncSession,
    user_id: uuid.UUID,
    tokens: int,
    amount_paid: Decimal,
    stripe_payment_intent_id: str | None,
    *,
    now: datetime | None = None,
) -> int | None:
    """Credit a paid bundle (for the billing webhook): a ``token_purchases`` row, the balance and
    the pool. Returns the new balance, or None when this payment intent was already credited."""
    if tokens <= 0:
        raise Invalid(_("A purchase credits at least one token."), field="tokens")
    if amount_paid < 0:
        raise Invalid(_("The amount paid cannot be negative."), field="amount_paid")
    result = await TokenRepository.from_session(session).purchase(
        user_id=user_id,
        tokens=tokens,
        amount_paid=amount_paid,
        payment_intent=stripe_payment_intent_id,
        now=now or now_new_york(),
    )
    return result[1] if result else None


async def grant_plan_allowance(
    session: AsyncSession,
    user_id: uuid.UUID,
    tokens: int,
    description: str,
    *,
    now: datetime | None = None,
) -> uuid.UUID | None:
    """Credit a paid invoice's plan allowance (for billing) as a ``plan_allowance`` transaction.
    Returns the transaction's id, or None when there is no such user."""
    if tokens <= 0:
        raise Invalid(_("An allowance credits at least one token."), field="tokens")
    granted = await TokenRepository.from_session(session).adjust(
        user_id, tokens, TransactionType.PLAN_ALLOWANCE, description, now or now_new_york()
    )
    return granted[1] if granted else None


@dataclass(frozen=True)
class BalanceSummary:
    balance: int
    held: int
    used_today: int
    daily_limit: int | None
    suspended: bool

    @property
    def remaining_today(self) -> int | None:
        if self.daily_limit is None:
            return None
        return max(0, self.daily_limit - self.used_today)


async def balance_summary(
    session: AsyncSession, user_id: uuid.UUID, *, now: datetime | None = None
) -> BalanceSummary:
    """What the user can spend: balance, open holds, today's use against the daily limit."""
    repo = TokenRepository.from_session(session)
    account = await repo.account(user_id)
    if account is None:
        raise NotFound(_("No such user."))
    day = new_york_day(now or now_new_york())
    return BalanceSummary(
        balance=account.balance,
        held=await repo.held_tokens(user_id),
        used_today=await repo.used_today(user_id, *day),
        daily_limit=daily_limit_of(account),
        suspended=account.suspended_at is not None,
    )


async def company_pool(session: AsyncSession) -> RowMapping | None:
    """The company token pool's figures (the admin dashboard)."""
    return await TokenRepository.from_session(session).company_pool()


# --- auto-recharges: opened by a spend (recharge.py), charged and finished by billing's job ----
async def latest_recharge(session: AsyncSession, user_id: uuid.UUID) -> Recharge | None:
    """The user's most recent auto-recharge (the billing and token pages say how it went)."""
    return await RechargeRepository.from_session(session).latest(user_id)


async def lock_recharge(session: AsyncSession, recharge_id: uuid.UUID) -> Recharge | None:
    """The recharge, locked until the end of the transaction (one charge at a time)."""
    return await RechargeRepository.from_session(session).lock(recharge_id)


async def finish_recharge(
    session: AsyncSession,
    recharge_id: uuid.UUID,
    status: str,
    payment_intent_id: str | None,
    failure_message: str | None,
) -> None:
    """Record how the charge ended: succeeded, declined or failed (no longer pending)."""
    await RechargeRepository.from_session(session).finish(
        recharge_id, status, payment_intent_id, failure_message
    )


async def disable_auto_recharge(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Turn the user's auto-recharge off (a declined card); the other preferences stay."""
    await TokenRepository.from_session(session).disable_auto_recharge(user_id)
