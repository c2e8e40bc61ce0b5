"""Properties of the compliance guard over many times, zones and attempt histories (hypothesis).

Each example runs in a savepoint rolled back at its end, so examples never see each other's rows.
The oracles are written independently of the guard: a naive New York time *is* New York's local
time, and Central time is always one hour behind it (both change on the same dates, at 2 AM local,
hours that are quiet anyway)."""

from __future__ import annotations

import string
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.kit.clock import NEW_YORK
from propintel.kit.i18n import using_locale
from propintel.outreach import compliance as guard
from propintel.outreach.compliance import Allowed, Blocked, Channel, Rule
from tests.factories import make_property, make_subscriber

FLORIDA_EASTERN = [
    "239", "305", "321", "352", "386", "407", "448", "561", "656", "689", "727", "754", "772",
    "786", "813", "863", "904", "941", "954",
]  # fmt: skip
NOT_FLORIDA = ["212", "312", "404", "415", "512", "617", "702", "912", "205", "334"]

DB_EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Times from 2026 to 2027, with extra weight on the days daylight saving time changes.
DST_DAYS = [
    datetime(2026, 3, 8),
    datetime(2026, 11, 1),
    datetime(2027, 3, 14),
    datetime(2027, 11, 7),
]
any_time = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31))
dst_edge = st.builds(
    lambda day, minutes: day + timedelta(minutes=minutes),
    st.sampled_from(DST_DAYS),
    st.integers(0, 24 * 60 - 1),
)
times = st.one_of(any_time, dst_edge).map(lambda t: t.replace(second=0, microsecond=0))


@asynccontextmanager
async def example(db: AsyncSession) -> AsyncIterator[None]:
    savepoint = await db.begin_nested()
    try:
        with using_locale("en"):
            yield
    finally:
        await savepoint.rollback()


async def consented(db: AsyncSession, user: User, phone: str, *channels: str) -> None:
    for channel in channels:
        await guard.record_consent(
            db,
            user_id=user.user_id,
            contact=phone,
            channel=channel,
            source="inquiry",
            evidence="Asked for an offer through the web form",
            consented_at=datetime(2025, 12, 1),
            now=datetime(2025, 12, 1),
        )


def real_hours_between(earlier: datetime, later: datetime) -> float:
    """Hours elapsed between two naive New York wall times (the first of a repeated hour)."""
    start = earlier.replace(tzinfo=NEW_YORK).astimezone(UTC)
    end = later.replace(tzinfo=NEW_YORK).astimezone(UTC)
    return (end - start).total_seconds() / 3600


# --- quiet hours ---------------------------------------------------------------------------------


@DB_EXAMPLES
@given(now=times, code=st.sampled_from([*FLORIDA_EASTERN, "850"]), line=st.integers(0, 9999))
async def test_quiet_hours_allow_iff_the_local_hour_is_8_to_20(
    db: AsyncSession, now: datetime, code: str, line: int
) -> None:
    phone = f"+1{code}555{line:04d}"
    async with example(db):
        user = await make_subscriber(db)
        await consented(db, user, phone, "sms")
        verdict = await guard.check(
            db, user=user, channel=Channel.SMS, contact=phone, property_id=None, lead_id=None,
            now=now,
        )  # fmt: skip
    eastern_ok = 8 <= now.hour < 20
    central_ok = 8 <= now.hour - 1 < 20
    expected_ok = eastern_ok and (central_ok if code == "850" else True)
    if expected_ok:
        assert isinstance(verdict, Allowed), verdict
    else:
        assert isinstance(verdict, Blocked) and verdict.rule == Rule.QUIET_HOURS, verdict


@given(now=times, code=st.sampled_from([*FLORIDA_EASTERN, "850"]))
def test_the_next_allowed_time_is_the_next_opening(now: datetime, code: str) -> None:
    zones = guard.time_zones(f"+1{code}5550000")
    opening = 9 if code == "850" else 8
    result = guard.next_allowed_time(now, zones)
    assert result > now and (result.hour, result.minute) == (opening, 0)
    assert guard.within_hours(result, zones)
    # No allowed minute is skipped: the minute before the result is quiet, unless now is later.
    before = result - timedelta(minutes=1)
    assert before <= now or not guard.within_hours(before, zones)
    assert result - now <= timedelta(days=1, hours=1)


@DB_EXAMPLES
@given(now=times, code=st.sampled_from(NOT_FLORIDA), line=st.integers(0, 9999))
async def test_numbers_outside_florida_are_always_refused(
    db: AsyncSession, now: datetime, code: str, line: int
) -> None:
    phone = f"+1{code}555{line:04d}"
    async with example(db):
        user = await make_subscriber(db)
        await consented(db, user, phone, "call")
        verdict = await guard.check(
            db, user=user, channel=Channel.CALL, contact=phone, property_id=None, lead_id=None,
            now=now,
        )  # fmt: skip
    assert isinstance(verdict, Blocked) and verdict.rule == Rule.UNKNOWN_TIME_ZONE


# --- the attempt limit --------------------------------------------------------------------------

# An attempt: which of two subscribers, which channel, and how long after the previous one.
attempt_steps = st.lists(
    st.tuples(st.integers(0, 1), st.sampled_from(["sms", "call"]), st.integers(0, 14 * 60)),
    min_size=1,
    max_size=14,
)


@DB_EXAMPLES
@given(start=st.one_of(dst_edge, any_time), steps=attempt_steps)
async def test_never_more_than_3_calls_or_texts_per_number_in_any_24_hours(
    db: AsyncSession, start: datetime, steps: list[tuple[int, str, int]]
) -> None:
    phone = "+13055550123"
    allowed: list[datetime] = []
    async with example(db):
        users = [await make_subscriber(db), await make_subscriber(db)]
        for user in users:
            await consented(db, user, phone, "sms", "call")
        now = start.replace(second=0, microsecond=0)
        for who, channel, gap in steps:
            now += timedelta(minutes=gap)
            verdict = await guard.check(
                db, user=users[who], channel=Channel(channel), contact=phone, property_id=None,
                lead_id=None, now=now,
            )  # fmt: skip
            within_24h = [t for t in allowed if real_hours_between(t, now) < 24]
            if isinstance(verdict, Allowed):
                allowed.append(now)
            elif len(within_24h) < 3:  # not full: only quiet hours may refuse it
                assert verdict.rule == Rule.QUIET_HOURS, verdict
            else:
                assert verdict.rule in (Rule.QUIET_HOURS, Rule.ATTEMPT_LIMIT), verdict
    for i, first in enumerate(allowed):
        assert len([t for t in allowed[i:] if real_hours_between(first, t) < 24]) <= 3


# --- owner fatigue ------------------------------------------------------------------------------

# Who contacts the owner (one of ten subscribers) and how many hours after the previous contact.
fatigue_steps = st.lists(
    st.tuples(st.integers(0, 9), st.integers(0, 24 * 12)), min_size=1, max_size=25
)


@DB_EXAMPLES
@given(steps=fatigue_steps, limit=st.integers(1, 6))
async def test_fatigue_never_lets_one_more_subscriber_in(
    db: AsyncSession, steps: list[tuple[int, int]], limit: int
) -> None:
    now = datetime(2026, 2, 1, 10, 0)
    allowed: list[tuple[datetime, uuid.UUID]] = []
    async with example(db):
        property_id = await make_property(db)
        users = [await make_subscriber(db) for _ in range(10)]
        for who, gap in steps:
            now += timedelta(hours=gap)
            user = users[who]
            recent = {u for t, u in allowed if now - t < timedelta(days=30)}
            verdict = await guard.check(
                db, user=user, channel=Channel.EMAIL, contact=f"owner{who}@example.com",
                property_id=property_id, lead_id=None, now=now, fatigue_limit=limit,
            )  # fmt: skip
            assert await guard.subscribers_contacting(db, property_id, now) <= limit
            if user.user_id in recent or len(recent) < limit:
                assert isinstance(verdict, Allowed), verdict
                allowed.append((now, user.user_id))
            else:
                assert isinstance(verdict, Blocked) and verdict.rule == Rule.OWNER_FATIGUE


# --- opt-out keywords ---------------------------------------------------------------------------

KEYWORDS = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ALTO", "PARAR", "CANCELAR"]
ACCENTED = {"A": "ÁÀÂ", "E": "ÉÈ", "O": "ÓÔ", "U": "ÚÜ", "I": "ÍÏ"}


@st.composite
def written_keyword(draw: st.DrawFn) -> tuple[str, str]:
    keyword = draw(st.sampled_from(KEYWORDS))
    letters = []
    for letter in keyword:
        letter = draw(st.sampled_from([letter, *ACCENTED.get(letter, "")]))
        letters.append(letter.lower() if draw(st.booleans()) else letter)
    space = st.text(alphabet=" \t\n", max_size=3)
    stop = st.text(alphabet=".!", max_size=2)
    return keyword, draw(space) + "".join(letters) + draw(stop) + draw(space)


@given(written_keyword())
def test_a_keyword_is_recognised_however_it_is_written(case: tuple[str, str]) -> None:
    keyword, body = case
    assert guard.opt_out_keyword(body) == keyword


@given(written_keyword(), st.text(alphabet=string.ascii_letters, min_size=1, max_size=8))
def test_a_keyword_within_a_sentence_is_not_an_opt_out(case: tuple[str, str], word: str) -> None:
    _, body = case
    assert guard.opt_out_keyword(f"{body.strip()} {word}") is None
    assert guard.opt_out_keyword(f"{word} {body.strip()}") is None


@given(st.text(max_size=30))
def test_only_keywords_are_opt_outs(body: str) -> None:
    result = guard.opt_out_keyword(body)
    assert result is None or result in KEYWORDS
