"""The offline telephone network: numbers from the fictional 555-0100…0199 range (held ones are
not for sale, a number is bought once, a released one stops receiving calls), calls stored as
placed or dialled in, their status times, durations and the form Twilio would post about them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.local import voice as local_voice
from propintel.integrations.local.voice import LocalVoice
from propintel.integrations.voice import VoiceError

VOICE_URL = "http://127.0.0.1:8000/webhooks/twilio/voice"
STATUS_URL = "http://127.0.0.1:8000/webhooks/twilio/voice-status"
NOW = datetime(2026, 7, 13, 9, 30)


async def _buy(network: LocalVoice, number: str, name: str = "Office") -> str:
    owned = await network.buy_number(
        number, friendly_name=name, voice_url=VOICE_URL, status_callback=STATUS_URL
    )
    assert owned.number == number
    return owned.sid


async def test_available_numbers_are_the_fictional_range_in_order(db: AsyncSession) -> None:
    numbers = await LocalVoice(db).available_numbers("305", 100)
    assert [n.number for n in numbers] == [f"+13055550{line}" for line in range(100, 200)]
    assert {(n.locality, n.region) for n in numbers} == {("Miami", "FL")}
    few = await LocalVoice(db).available_numbers("786", 3)
    assert [n.number for n in few] == ["+17865550100", "+17865550101", "+17865550102"]
    assert {(n.locality, n.region) for n in few} == {("Miami", "FL")}
    elsewhere = await LocalVoice(db).available_numbers("212", 2)
    assert [(n.number, n.locality, n.region) for n in elsewhere] == [
        ("+12125550100", None, None),
        ("+12125550101", None, None),
    ]
    assert await LocalVoice(db).available_numbers("30", 5) == []


async def test_held_numbers_are_skipped_and_come_back_when_released(db: AsyncSession) -> None:
    network = LocalVoice(db)
    sid = await _buy(network, "+13055550100")
    await _buy(network, "+13055550102")
    numbers = [n.number for n in await network.available_numbers("305", 3)]
    assert numbers == ["+13055550101", "+13055550103", "+13055550104"]
    await network.release_number(sid)
    numbers = [n.number for n in await network.available_numbers("305", 2)]
    assert numbers == ["+13055550100", "+13055550101"]


async def test_a_number_is_bought_once_and_only_from_the_range(db: AsyncSession) -> None:
    network = LocalVoice(db)
    sid = await _buy(network, "+13055550150")
    assert re.fullmatch(r"PN[0-9a-f]{32}", sid)
    row = (
        await db.execute(
            text(
                "SELECT phone_number, friendly_name, voice_url, status_callback, released_at "
                "FROM local_phone_numbers WHERE phone_sid = :s"
            ),
            {"s": sid},
        )
    ).one()
    assert tuple(row) == ("+13055550150", "Office", VOICE_URL, STATUS_URL, None)
    with pytest.raises(VoiceError, match="already held"):
        await _buy(network, "+13055550150")
    for outside in ("+13055550200", "+13055550099", "+13055551234", "305555015"):
        with pytest.raises(VoiceError, match="not available"):
            await _buy(network, outside)
    # released, it can be bought again (a new holding)
    await network.release_number(sid)
    again = await _buy(network, "+13055550150")
    assert again != sid


async def test_rename_and_release_need_a_held_number(db: AsyncSession) -> None:
    network = LocalVoice(db)
    sid = await _buy(network, "+13055550110")
    await network.rename_number(sid, "Team line")
    name = await db.scalar(
        text("SELECT friendly_name FROM local_phone_numbers WHERE phone_sid = :s"), {"s": sid}
    )
    assert name == "Team line"
    await network.release_number(sid)
    released = await db.scalar(
        text("SELECT released_at FROM local_phone_numbers WHERE phone_sid = :s"), {"s": sid}
    )
    assert released is not None
    with pytest.raises(VoiceError):
        await network.release_number(sid)
    with pytest.raises(VoiceError):
        await network.rename_number(sid, "Again")
    with pytest.raises(VoiceError):
        await network.release_number("PN" + "f" * 32)


async def test_dial_in_rings_a_held_number_and_not_a_released_one(db: AsyncSession) -> None:
    network = LocalVoice(db)
    sid = await _buy(network, "+13055550120")
    inbound = await local_voice.dial_in(db, from_="+13055551234", to="+13055550120", now=NOW)
    assert inbound is not None
    assert re.fullmatch(r"CA[0-9a-f]{32}", inbound.call_sid)
    assert (inbound.direction, inbound.status) == ("inbound", "ringing")
    assert (inbound.from_number, inbound.to_number) == ("+13055551234", "+13055550120")
    assert (inbound.url, inbound.status_callback) == (VOICE_URL, STATUS_URL)
    assert inbound.answered_at is None and inbound.ended_at is None
    assert await local_voice.dial_in(db, from_="+13055551234", to="+13055550121", now=NOW) is None
    await network.release_number(sid)
    assert await local_voice.dial_in(db, from_="+13055551234", to="+13055550120", now=NOW) is None


async def test_place_call_stores_a_queued_outbound_call(db: AsyncSession) -> None:
    placed = await LocalVoice(db).place_call(
        to="+13055551234",
        from_="+13055550100",
        url=VOICE_URL,
        status_callback=STATUS_URL,
        time_limit=900,
    )
    assert re.fullmatch(r"CA[0-9a-f]{32}", placed.sid) and placed.status == "queued"
    stored = await local_voice.call(db, placed.sid)
    assert stored is not None
    assert (stored.direction, stored.status, stored.time_limit) == ("outbound-api", "queued", 900)
    assert (stored.from_number, stored.to_number) == ("+13055550100", "+13055551234")
    assert (stored.url, stored.status_callback, stored.machine_detection) == (
        VOICE_URL,
        STATUS_URL,
        True,
    )
    assert await local_voice.lock(db, placed.sid) == stored
    assert await local_voice.call(db, "CA" + "0" * 32) is None
    second = await LocalVoice(db).place_call(
        to="+13055559999",
        from_="+13055550100",
        url=VOICE_URL,
        status_callback=STATUS_URL,
        time_limit=60,
        machine_detection=False,
    )
    newest = await local_voice.calls(db, 2)
    assert [c.call_sid for c in newest] == [second.sid, placed.sid]
    assert newest[0].machine_detection is False
    assert [c.call_sid for c in await local_voice.calls(db, 1)] == [second.sid]


async def test_set_status_records_answer_and_end_times(db: AsyncSession) -> None:
    placed = await LocalVoice(db).place_call(
        to="+13055551234",
        from_="+13055550100",
        url=VOICE_URL,
        status_callback=STATUS_URL,
        time_limit=900,
    )
    ringing = await local_voice.set_status(db, placed.sid, "ringing", now=NOW)
    assert ringing is not None and ringing.status == "ringing"
    assert ringing.answered_at is None and ringing.ended_at is None
    answered_at = NOW + timedelta(seconds=5)
    answered = await local_voice.set_status(
        db, placed.sid, "in-progress", now=answered_at, answered_by="human"
    )
    assert answered is not None
    assert (answered.status, answered.answered_by) == ("in-progress", "human")
    assert answered.answered_at == answered_at and answered.ended_at is None
    ended_at = NOW + timedelta(seconds=65)
    ended = await local_voice.set_status(db, placed.sid, "completed", now=ended_at)
    assert ended is not None and ended.status == "completed"
    assert ended.answered_at == answered_at and ended.ended_at == ended_at
    assert ended.answered_by == "human"
    assert local_voice.duration_of(ended, ended_at + timedelta(minutes=5)) == 60
    assert await local_voice.set_status(db, "CA" + "1" * 32, "ringing", now=NOW) is None


async def test_an_unanswered_call_ends_without_an_answer_time(db: AsyncSession) -> None:
    placed = await LocalVoice(db).place_call(
        to="+13055551234",
        from_="+13055550100",
        url=VOICE_URL,
        status_callback=STATUS_URL,
        time_limit=900,
    )
    ended = await local_voice.set_status(db, placed.sid, "no-answer", now=NOW)
    assert ended is not None
    assert ended.answered_at is None and ended.ended_at == NOW
    assert local_voice.duration_of(ended, NOW + timedelta(seconds=30)) == 0


async def test_duration_counts_whole_seconds_capped_at_the_time_limit(db: AsyncSession) -> None:
    placed = await LocalVoice(db).place_call(
        to="+13055551234",
        from_="+13055550100",
        url=VOICE_URL,
        status_callback=STATUS_URL,
        time_limit=180,
    )
    assert (queued := await local_voice.call(db, placed.sid)) is not None
    assert local_voice.duration_of(queued, NOW) == 0
    answered = await local_voice.set_status(db, placed.sid, "in-progress", now=NOW)
    assert answered is not None
    assert (
        local_voice.duration_of(answered, NOW + timedelta(seconds=42, milliseconds=900)) == 43
    )  # started seconds, as Twilio reports them
    assert local_voice.duration_of(answered, NOW + timedelta(minutes=10)) == 180


async def test_call_params_are_the_form_twilio_posts(db: AsyncSession) -> None:
    await _buy(LocalVoice(db), "+13055550130")
    inbound = await local_voice.dial_in(db, from_="+13055551234", to="+13055550130", now=NOW)
    assert inbound is not None
    assert local_voice.call_params(inbound, "ringing") == {
        "AccountSid": "AC" + "0" * 32,
        "ApiVersion": "2010-04-01",
        "CallSid": inbound.call_sid,
        "From": "+13055551234",
        "To": "+13055550130",
        "Caller": "+13055551234",
        "Called": "+13055550130",
        "Direction": "inbound",
        "CallStatus": "ringing",
    }
    done = local_voice.call_params(inbound, "completed", duration=0, answered_by="machine_start")
    assert done["CallStatus"] == "completed"
    assert done["CallDuration"] == "0" and done["AnsweredBy"] == "machine_start"
