"""Issue 18, item 4: wrong passwords slow the address they come from, with delays that grow, and
do not lock the owner out from elsewhere (no hard lockout of the account)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.service import authenticate, growing_delay
from propintel.config import get_settings
from propintel.kit.errors import RateLimited
from tests.factories import DEFAULT_PASSWORD, make_user

ATTACKER = "198.51.100.7"


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=10))
def test_the_delay_grows_with_each_failure_up_to_its_cap(failures: int, free: int) -> None:
    settings = get_settings()
    delay, after = (
        growing_delay(failures, free, settings),
        growing_delay(failures + 1, free, settings),
    )
    assert timedelta(0) <= delay <= after <= timedelta(seconds=settings.login_max_delay_seconds)
    if failures < free:
        assert delay == timedelta(0)
    elif after < timedelta(seconds=settings.login_max_delay_seconds):
        assert after == 2 * delay


async def _failures(db: AsyncSession, email: str, ip: str, count: int, ago: timedelta) -> None:
    """``count`` wrong passwords from ``ip``, the latest ``ago`` before the transaction's now."""
    for n in range(count):
        await db.execute(
            text(
                "INSERT INTO login_attempts (email, ip_address, succeeded, attempted_at) "
                "VALUES (:e, :ip, false, now() - :ago - make_interval(mins => :n))"
            ),
            {"e": email, "ip": ip, "ago": ago, "n": n},
        )


async def _log_in(db: AsyncSession, email: str, ip: str) -> int | None:
    """The right password from ``ip``: None when let in, else the seconds to wait."""
    try:
        await authenticate(db, get_settings(), email, DEFAULT_PASSWORD, ip)
    except RateLimited as refusal:
        return refusal.retry_after_s
    return None


async def test_each_further_failure_doubles_the_wait(db: AsyncSession) -> None:
    settings = get_settings()
    user = await make_user(db)
    free, base = settings.login_free_failures, settings.login_delay_seconds

    await _failures(db, user.email, ATTACKER, free, timedelta(0))
    first = await _log_in(db, user.email, ATTACKER)
    await _failures(db, user.email, ATTACKER, 1, timedelta(0))
    second = await _log_in(db, user.email, ATTACKER)

    assert first is not None and base - 5 <= first <= base
    assert second is not None and 2 * base - 5 <= second <= 2 * base


async def test_the_wait_passes_and_the_right_password_works_again(db: AsyncSession) -> None:
    settings = get_settings()
    user = await make_user(db)
    ago = timedelta(seconds=settings.login_delay_seconds + 1)
    await _failures(db, user.email, ATTACKER, settings.login_free_failures, ago)

    assert await _log_in(db, user.email, ATTACKER) is None


async def test_guessing_from_one_address_does_not_lock_the_owner_out(db: AsyncSession) -> None:
    settings = get_settings()
    user = await make_user(db)
    owner_ip = "203.0.113.20"
    assert await _log_in(db, user.email, owner_ip) is None  # now a known address
    await _failures(db, user.email, ATTACKER, 3 * settings.login_max_failures_per_account,
                    timedelta(0))  # fmt: skip

    attacker = await _log_in(db, user.email, ATTACKER)
    owner = await _log_in(db, user.email, owner_ip)
    newcomer = await _log_in(db, user.email, "192.0.2.99")

    assert attacker is not None
    assert owner is None
    # Guessed at this much, an address the account never logged in from waits too.
    assert newcomer is not None
