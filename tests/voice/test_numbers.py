"""A subscriber's phone numbers through the service: the default Miami-Dade search order, buying
(validation, the per-subscriber limit, a provider's refusal storing nothing, a released number
taken over), renaming, releasing (the number stops receiving calls), tenancy, the plan gate, the
monthly cost recorded once per number and month, and purchase/release through Twilio's SDK over a
mocked transport (the exact request form)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

from propintel.auth.models import Plan, User
from propintel.catalog.service import FeatureNotInPlan
from propintel.config import Settings, get_settings
from propintel.integrations.local import voice as local_voice
from propintel.integrations.local.voice import LocalVoice
from propintel.integrations.twilio.sms import twilio_client
from propintel.integrations.twilio.voice import TwilioVoice
from propintel.integrations.voice import AvailableNumber, OwnedNumber, VoiceError
from propintel.kit.errors import Conflict, Invalid, NotFound, ServiceUnavailable
from propintel.voice import numbers
from propintel.voice.numbers_tasks import number_costs_job
from propintel.voice.paths import INBOUND_PATH, STATUS_PATH
from tests.factories import make_subscriber

SETTINGS = get_settings()
NOW = datetime(2026, 7, 13, 9, 30)
JULY = date(2026, 7, 1)


async def _buy(
    db: AsyncSession,
    user: User,
    number: str,
    name: str = "Office line",
    *,
    network: Any = None,
    settings: Settings = SETTINGS,
    now: datetime = NOW,
) -> numbers.PhoneNumber:
    return await numbers.buy(
        db,
        user,
        network or LocalVoice(db),
        settings,
        number=number,
        friendly_name=name,
        now=now,
    )


async def _rows(db: AsyncSession, user: User) -> list[dict[str, Any]]:
    result = await db.execute(
        text("SELECT * FROM subscriber_phone_numbers WHERE user_id = :u"), {"u": user.user_id}
    )
    return [dict(row) for row in result.mappings()]


async def _costs(db: AsyncSession, phone_id: uuid.UUID) -> list[tuple[date, Decimal]]:
    result = await db.execute(
        text(
            "SELECT period_start, cost_usd FROM phone_number_costs WHERE phone_id = :p "
            "ORDER BY period_start"
        ),
        {"p": phone_id},
    )
    return [(row[0], row[1]) for row in result]


# --- searching ------------------------------------------------------------------------------------
async def test_without_an_area_code_305_comes_first_then_786(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    found = await numbers.available(db, user, LocalVoice(db), None, limit=20)
    codes = [n.number[2:5] for n in found]
    assert len(found) == 20
    assert codes == ["305"] * 10 + ["786"] * 10
    assert found[0].number == "+13055550100" and found[10].number == "+17865550100"


async def test_an_area_code_searches_only_it(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    found = await numbers.available(db, user, LocalVoice(db), " 786 ", limit=5)
    assert [n.number for n in found] == [f"+178655501{i:02d}" for i in range(5)]


class FewIn786:
    """A network with only 2 numbers in 786: 305 fills the rest."""

    provider = "local"

    async def available_numbers(self, area_code: str, limit: int) -> list[AvailableNumber]:
        count = 2 if area_code == "786" else limit
        return [AvailableNumber(f"+1{area_code}55501{i:02d}", None, None) for i in range(count)]


async def test_305_fills_what_786_lacks(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    found = await numbers.available(db, user, FewIn786(), None, limit=6)
    assert [n.number[2:5] for n in found] == ["305"] * 4 + ["786"] * 2


@pytest.mark.parametrize("bad", ["30", "3055", "abc", "30a", "012", "1x5"])
async def test_a_bad_area_code_is_refused(db: AsyncSession, bad: str) -> None:
    user = await make_subscriber(db)
    with pytest.raises(Invalid) as refusal:
        await numbers.available(db, user, LocalVoice(db), bad)
    assert refusal.value.field == "area_code"


@given(st.text(max_size=6))
def test_an_area_code_is_three_digits_or_refused(raw: str) -> None:
    try:
        code = numbers.check_area_code(raw)
    except Invalid as refusal:
        assert refusal.field == "area_code"
        assert raw.strip() != ""
    else:
        assert (code is None and raw.strip() == "") or (
            code is not None and len(code) == 3 and code.isdigit() and code[0] not in "01"
        )


# --- buying ---------------------------------------------------------------------------------------
async def test_buying_stores_the_number_and_this_months_cost(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    bought = await _buy(db, user, "(305) 555-0142", "  Office   line ")
    assert bought.number == "+13055550142" and bought.friendly_name == "Office line"
    assert bought.simulated and bought.active and bought.since == NOW
    [row] = await _rows(db, user)
    assert row["phone_number"] == "+13055550142" and row["provider"] == "local"
    assert row["twilio_sid"].startswith("PN") and row["is_active"] is True
    assert row["monthly_cost_usd"] == SETTINGS.voice_number_monthly_cost_usd
    assert await _costs(db, bought.phone_id) == [(JULY, SETTINGS.voice_number_monthly_cost_usd)]
    # the offline network knows the number and answers its calls
    call = await local_voice.dial_in(db, from_="+13055551234", to="+13055550142", now=NOW)
    assert call is not None and call.url is not None and call.url.endswith(INBOUND_PATH)
    assert await numbers.active_number(db, user.user_id) == "+13055550142"
    owner = await numbers.number_owner(db, "+13055550142")
    assert owner == numbers.NumberOwner(user.user_id, bought.phone_id, "Office line")


async def test_the_newest_number_is_the_active_one(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    assert await numbers.active_number(db, user.user_id) is None
    await _buy(db, user, "+13055550100", now=NOW)
    await _buy(db, user, "+17865550100", now=NOW.replace(hour=10))
    assert await numbers.active_number(db, user.user_id) == "+17865550100"
    listing = await numbers.numbers(db, user, SETTINGS)
    assert [n.number for n in listing.held] == ["+17865550100", "+13055550100"]
    assert listing.released == [] and listing.limit == SETTINGS.voice_numbers_per_subscriber


@pytest.mark.parametrize(
    ("number", "name", "field"),
    [
        ("12345", "Office", "number"),
        ("+13055550100", "   ", "friendly_name"),
        ("+13055550100", "x" * 65, "friendly_name"),
    ],
)
async def test_bad_purchases_are_refused(
    db: AsyncSession, number: str, name: str, field: str
) -> None:
    user = await make_subscriber(db)
    with pytest.raises(Invalid) as refusal:
        await _buy(db, user, number, name)
    assert refusal.value.field == field
    assert await _rows(db, user) == []


async def test_at_most_the_limit_of_numbers(db: AsyncSession) -> None:
    settings = SETTINGS.model_copy(update={"voice_numbers_per_subscriber": 2})
    user = await make_subscriber(db)
    first = await _buy(db, user, "+13055550100", settings=settings)
    await _buy(db, user, "+13055550101", settings=settings)
    with pytest.raises(Conflict) as refusal:
        await _buy(db, user, "+13055550102", settings=settings)
    assert "2" in refusal.value.message
    assert len(await _rows(db, user)) == 2
    # releasing one makes room
    await numbers.release(db, user, LocalVoice(db), first.phone_id, NOW)
    await _buy(db, user, "+13055550102", settings=settings)


class Refusing:
    provider = "twilio"

    async def buy_number(self, number: str, **_: str) -> OwnedNumber:
        raise VoiceError("Twilio refused the purchase (HTTP 400, error 21422)")


async def test_a_provider_refusal_stores_nothing(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    with pytest.raises(ServiceUnavailable) as refusal:
        await _buy(db, user, "+13055550100", network=Refusing())
    assert "21422" in refusal.value.message
    assert await _rows(db, user) == []
    # the offline network refuses a number outside its range: nothing stored either
    with pytest.raises(ServiceUnavailable):
        await _buy(db, user, "+13055550042")
    assert await _rows(db, user) == []
    assert await numbers.active_number(db, user.user_id) is None


async def test_a_held_number_cannot_be_bought_again(db: AsyncSession) -> None:
    owner, other = await make_subscriber(db), await make_subscriber(db)
    await _buy(db, owner, "+13055550100")
    with pytest.raises(Conflict) as refusal:
        await _buy(db, other, "+13055550100")
    assert refusal.value.field == "number"
    assert await _rows(db, other) == []


async def test_a_released_number_is_taken_over_by_its_new_owner(db: AsyncSession) -> None:
    first, second = await make_subscriber(db), await make_subscriber(db)
    bought = await _buy(db, first, "+13055550100", "Old")
    await numbers.release(db, first, LocalVoice(db), bought.phone_id, NOW)
    later = NOW.replace(day=20)
    again = await _buy(db, second, "+13055550100", "New", now=later)
    assert again.phone_id == bought.phone_id and again.active and again.released_at is None
    assert again.since == later and again.friendly_name == "New"
    owner = await numbers.number_owner(db, "+13055550100")
    assert owner is not None and owner.user_id == second.user_id
    assert await _rows(db, first) == []


# --- renaming and releasing -----------------------------------------------------------------------
async def test_rename_then_release(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    bought = await _buy(db, user, "+13055550150")
    network = LocalVoice(db)
    renamed = await numbers.rename(db, user, network, bought.phone_id, " Team ")
    assert renamed.friendly_name == "Team"
    assert (await _rows(db, user))[0]["friendly_name"] == "Team"
    with pytest.raises(Invalid):
        await numbers.rename(db, user, network, bought.phone_id, "")

    released_at = NOW.replace(hour=11)
    released = await numbers.release(db, user, network, bought.phone_id, released_at)
    assert not released.active and released.released_at == released_at
    [row] = await _rows(db, user)
    assert row["is_active"] is False and row["released_at"] == released_at
    # it stops receiving calls, and no longer places them
    assert await local_voice.dial_in(db, from_="+13055551234", to="+13055550150", now=NOW) is None
    assert await numbers.number_owner(db, "+13055550150") is None
    assert await numbers.active_number(db, user.user_id) is None
    listing = await numbers.numbers(db, user, SETTINGS)
    assert listing.held == [] and [n.number for n in listing.released] == ["+13055550150"]

    with pytest.raises(Conflict):
        await numbers.release(db, user, network, bought.phone_id, NOW)
    with pytest.raises(Conflict):
        await numbers.rename(db, user, network, bought.phone_id, "Again")


async def test_another_subscribers_number_is_not_found(db: AsyncSession) -> None:
    owner, other = await make_subscriber(db), await make_subscriber(db)
    bought = await _buy(db, owner, "+13055550100")
    network = LocalVoice(db)
    for attempt in (
        numbers.rename(db, other, network, bought.phone_id, "Mine"),
        numbers.release(db, other, network, bought.phone_id, NOW),
        numbers.number_of(db, other, bought.phone_id),
        numbers.release(db, owner, network, uuid.uuid4(), NOW),
    ):
        with pytest.raises(NotFound):
            await attempt
    [row] = await _rows(db, owner)
    assert row["is_active"] is True and row["friendly_name"] == "Office line"


async def test_a_plan_without_ai_voice_is_refused(db: AsyncSession) -> None:
    user = await make_subscriber(db, Plan.CONTRACTOR)
    network = LocalVoice(db)
    with pytest.raises(FeatureNotInPlan):
        await numbers.available(db, user, network, "305")
    with pytest.raises(FeatureNotInPlan):
        await _buy(db, user, "+13055550100")
    with pytest.raises(FeatureNotInPlan):
        await numbers.numbers(db, user, SETTINGS)
    assert await _rows(db, user) == []


# --- monthly costs --------------------------------------------------------------------------------
async def test_the_monthly_cost_is_recorded_once_per_month(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    kept = await _buy(db, user, "+13055550100")
    gone = await _buy(db, user, "+13055550101")
    await numbers.release(db, user, LocalVoice(db), gone.phone_id, NOW)
    cost = SETTINGS.voice_number_monthly_cost_usd

    assert await numbers.record_monthly_costs(db, date(2026, 7, 31)) == 0  # July's is recorded
    assert await numbers.record_monthly_costs(db, date(2026, 8, 1)) >= 1
    assert await numbers.record_monthly_costs(db, date(2026, 8, 17)) == 0
    assert await _costs(db, kept.phone_id) == [(JULY, cost), (date(2026, 8, 1), cost)]
    assert await _costs(db, gone.phone_id) == [(JULY, cost)]  # released: no August cost

    # the daily job records this month's, once
    await number_costs_job(db)
    await number_costs_job(db)
    periods = [period for period, _ in await _costs(db, kept.phone_id)]
    assert len(periods) == len(set(periods)) == 3
    assert await _costs(db, gone.phone_id) == [(JULY, cost)]


async def test_costs_between_sums_the_months_in_the_range(db: AsyncSession) -> None:
    before = await numbers.number_costs_between(db, date(2031, 1, 1), date(2031, 3, 31))
    user = await make_subscriber(db)
    await _buy(db, user, "+13055550100", now=datetime(2031, 1, 5))
    await _buy(db, user, "+13055550101", now=datetime(2031, 1, 6))
    await numbers.record_monthly_costs(db, date(2031, 2, 1))
    await numbers.record_monthly_costs(db, date(2031, 4, 1))  # outside the range
    total = await numbers.number_costs_between(db, date(2031, 1, 1), date(2031, 3, 31))
    assert total - before == 4 * SETTINGS.voice_number_monthly_cost_usd


# --- Twilio, over a mocked transport --------------------------------------------------------------
ACCOUNT = "AC" + "1" * 32
TOKEN = "auth-token-for-tests"
BASE = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}"
PHONE_SID = "PN" + "b" * 32


class CannedTwilio(TwilioHttpClient):
    """Records each request; answers with the next (status, body) of ``answers``."""

    def __init__(self, *answers: tuple[int, object]) -> None:
        super().__init__()
        self.answers = list(answers)
        self.requests: list[dict[str, Any]] = []

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        self.requests.append({"method": method, "url": url, "data": data})
        status, body = self.answers.pop(0)
        return Response(status, "" if body is None else json.dumps(body))


def _twilio(http: CannedTwilio) -> TwilioVoice:
    return TwilioVoice(twilio_client(ACCOUNT, TOKEN, http_client=http))


async def test_purchase_and_release_through_twilio(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    http = CannedTwilio(
        (201, {"sid": PHONE_SID, "phone_number": "+13055550142", "account_sid": ACCOUNT}),
        (204, None),
    )
    network = _twilio(http)
    bought = await _buy(db, user, "+13055550142", "Office", network=network)
    purchase = http.requests[0]
    assert (purchase["method"], purchase["url"]) == ("POST", f"{BASE}/IncomingPhoneNumbers.json")
    base = SETTINGS.public_base_url.rstrip("/")
    assert purchase["data"]["PhoneNumber"] == "+13055550142"
    assert purchase["data"]["FriendlyName"] == "Office"
    assert purchase["data"]["VoiceUrl"] == base + INBOUND_PATH
    assert purchase["data"]["StatusCallback"] == base + STATUS_PATH
    [row] = await _rows(db, user)
    assert row["provider"] == "twilio" and row["twilio_sid"] == PHONE_SID
    assert not bought.simulated

    await numbers.release(db, user, network, bought.phone_id, NOW)
    release = http.requests[1]
    assert (release["method"], release["url"]) == (
        "DELETE",
        f"{BASE}/IncomingPhoneNumbers/{PHONE_SID}.json",
    )
    assert (await _rows(db, user))[0]["is_active"] is False


async def test_a_twilio_refusal_stores_nothing_and_a_failed_release_keeps_the_number(
    db: AsyncSession,
) -> None:
    user = await make_subscriber(db)
    refusal = {"code": 21422, "message": "Phone number not available", "status": 400}
    with pytest.raises(ServiceUnavailable) as error:
        await _buy(db, user, "+13055550142", network=_twilio(CannedTwilio((400, refusal))))
    assert "21422" in error.value.message and "5550142" not in error.value.message
    assert await _rows(db, user) == []

    bought = await _buy(db, user, "+13055550100")  # held on the offline network
    failing = _twilio(CannedTwilio((500, {"code": 20500, "message": "Internal", "status": 500})))
    with pytest.raises(ServiceUnavailable):
        await numbers.release(db, user, failing, bought.phone_id, NOW)
    assert (await _rows(db, user))[0]["is_active"] is True
