"""An AI call end to end on the offline network, the simulator playing the owner and posting
signed forms to the app's own webhooks: the appointment path (transcript, charge, calendar event,
lead moved), settlement at 0 s / 180 s / 181 s / the time limit, each outcome's effect, a refused
signature, a replayed turn, the guard's refusal, an inbound call taking a message."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.twilio.signature import SIGNATURE_HEADER
from propintel.outreach.compliance import OutreachBlocked, Rule
from propintel.tokens.errors import InsufficientTokens
from propintel.voice import calendar, calls_flow, simulator
from propintel.voice.paths import ANSWER_PATH, STATUS_PATH
from tests.factories import token_balance
from tests.voice.call_helpers import (
    LATER,
    MOBILE,
    NOW,
    SETTINGS,
    callable_lead,
    place,
    reloaded,
    run_voice_jobs,
    twilio_of,
)


async def _lead_status(db: AsyncSession, lead_id: object) -> str:
    return str(
        await db.scalar(text("SELECT status FROM saved_leads WHERE lead_id = :l"), {"l": lead_id})
    )


async def test_a_call_that_ends_in_an_appointment(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await callable_lead(db, tokens=100)
    call = await place(db, owner)
    assert call.status == "queued" and call.time_limit_seconds == 360
    assert await token_balance(db, owner.user.user_id) == 60  # 2 units of 20 held
    twilio = twilio_of(client)
    sid = call.twilio_call_sid
    assert sid is not None

    await simulator.pick_up(db, owner.user, twilio, sid, machine=False, now=NOW)
    opening = (await reloaded(db, call)).turns[0]["text"]
    assert "automated assistant calling on behalf of Sunrise Homes" in opening
    await simulator.speak(db, owner.user, twilio, sid, "Yes please", NOW)
    offer = (await reloaded(db, call)).turns[-1]
    assert offer["stage"] == "offered" and "work for a visit" in offer["text"]
    await simulator.speak(db, owner.user, twilio, sid, "Yes", LATER)
    await run_voice_jobs(db, set())

    ended = await reloaded(db, call)
    assert ended.status == "completed" and ended.call_outcome == "appointment"
    assert ended.duration_seconds == 95 and ended.tokens_used == 20
    assert ended.cost is not None and ended.cost > 0
    assert await token_balance(db, owner.user.user_id) == 80  # 20 of the 40 held came back
    assert ended.call_transcript is not None and "Owner: Yes please" in ended.call_transcript
    event = await calendar.event_for_call(db, owner.user.user_id, call.call_id)
    assert event is not None and event.status == "booked"
    assert event.starts_at == ended.appointment_at and event.location
    assert await _lead_status(db, owner.lead_id) == "appointment"
    tasks = await db.scalar(
        text("SELECT count(*) FROM lead_tasks WHERE lead_id = :l"), {"l": owner.lead_id}
    )
    assert tasks == 1


@pytest.mark.parametrize(
    ("seconds", "credits"),
    [(0, 0), (180, 20), (181, 40), (360, 40), (5000, 40)],  # 360 s: the time limit (6 minutes)
)
async def test_settlement_per_started_three_minutes(
    db: AsyncSession, client: httpx.AsyncClient, seconds: int, credits: int
) -> None:
    owner = await callable_lead(db, tokens=100)
    call = await place(db, owner, minutes=6)
    twilio = twilio_of(client)
    assert call.twilio_call_sid is not None
    await simulator.pick_up(db, owner.user, twilio, call.twilio_call_sid, machine=False, now=NOW)
    await simulator.hang_up(db, owner.user, twilio, call.twilio_call_sid, NOW, seconds)
    await run_voice_jobs(db, set())
    ended = await reloaded(db, call)
    assert ended.tokens_used == credits
    assert ended.duration_seconds == min(seconds, 360)
    assert await token_balance(db, owner.user.user_id) == 100 - credits
    held = await db.scalar(
        text("SELECT count(*) FROM token_reservations WHERE user_id = :u AND status = 'held'"),
        {"u": owner.user.user_id},
    )
    assert held == 0


async def test_the_hold_is_capped_by_the_balance(db: AsyncSession) -> None:
    owner = await callable_lead(db, tokens=30)  # one unit of 20 affordable
    call = await place(db, owner, minutes=15)
    assert call.time_limit_seconds == 180
    assert await token_balance(db, owner.user.user_id) == 10


async def test_an_empty_balance_is_refused_before_dialling(db: AsyncSession) -> None:
    owner = await callable_lead(db, tokens=5)
    with pytest.raises(InsufficientTokens):
        await place(db, owner)
    assert await db.scalar(text("SELECT count(*) FROM local_voice_calls")) == 0


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        (["No, stop calling me"], "opted_out"),
        (["Wrong number"], "wrong_number"),
        (["No thanks"], "not_interested"),
        (["Call me back later"], "callback"),
        (["Tomorrow at 3 pm"], "appointment"),
        (["Yes", "No"], "interested"),
        (["", ""], "no_answer"),
    ],
)
async def test_each_outcome_and_its_effect(
    db: AsyncSession, client: httpx.AsyncClient, answers: list[str], outcome: str
) -> None:
    owner = await callable_lead(db, tokens=100)
    call = await place(db, owner)
    twilio = twilio_of(client)
    sid = call.twilio_call_sid
    assert sid is not None
    await simulator.pick_up(db, owner.user, twilio, sid, machine=False, now=NOW)
    for answer in answers:
        await simulator.speak(db, owner.user, twilio, sid, answer, LATER)
    await run_voice_jobs(db, set())
    ended = await reloaded(db, call)
    assert ended.call_outcome == outcome and ended.status == "completed"
    contacts = await db.scalar(
        text("SELECT contact_attempts FROM saved_leads WHERE lead_id = :l"), {"l": owner.lead_id}
    )
    assert contacts == 1
    notes = await db.scalar(
        text("SELECT notes FROM saved_leads WHERE lead_id = :l"), {"l": owner.lead_id}
    )
    assert notes and "AI call" in notes
    status = await _lead_status(db, owner.lead_id)
    tasks = await db.scalar(
        text("SELECT count(*) FROM lead_tasks WHERE lead_id = :l"), {"l": owner.lead_id}
    )
    if outcome == "opted_out":
        with pytest.raises(OutreachBlocked) as refused:
            await place(db, owner, now=NOW.replace(hour=15))
        assert refused.value.rule == Rule.OPTED_OUT
    if outcome == "appointment":
        assert status == "appointment" and tasks == 1
    elif outcome == "interested":
        assert status == "qualified"
    elif outcome == "callback":
        assert tasks == 1
    else:
        assert status == "contacted" and tasks == 0


async def test_voicemail_and_no_answer(db: AsyncSession, client: httpx.AsyncClient) -> None:
    owner = await callable_lead(db, tokens=100)
    twilio = twilio_of(client)
    machine = await place(db, owner)
    assert machine.twilio_call_sid is not None
    await simulator.pick_up(db, owner.user, twilio, machine.twilio_call_sid, machine=True, now=NOW)
    missed = await place(db, owner, now=NOW.replace(hour=13))
    assert missed.twilio_call_sid is not None
    await simulator.miss(db, owner.user, twilio, missed.twilio_call_sid, "no-answer", NOW)
    await run_voice_jobs(db, set())
    voicemail = await reloaded(db, machine)
    assert voicemail.call_outcome == "voicemail"
    assert "Please call Sunrise Homes back" in (voicemail.call_transcript or "")
    unanswered = await reloaded(db, missed)
    assert unanswered.call_outcome == "no_answer" and unanswered.tokens_used == 0


@pytest.mark.parametrize("case", ["tampered form", "another call", "missing", "status"])
async def test_a_bad_signature_is_refused(
    db: AsyncSession, client: httpx.AsyncClient, case: str
) -> None:
    """Signed for one form and URL, the post is refused for any other (403, nothing stored;
    the correctly signed posts of the other tests go through the same check)."""
    owner = await callable_lead(db)
    call = await place(db, owner)
    path = f"{ANSWER_PATH}?call={call.call_id}"
    params = {"CallSid": call.twilio_call_sid or "", "CallStatus": "in-progress"}
    good = simulator.signature(
        simulator.webhook_auth_token(SETTINGS), simulator.webhook_url(SETTINGS, path), params
    )
    headers = {SIGNATURE_HEADER: good}
    if case == "tampered form":
        params = {**params, "AnsweredBy": "human"}
    elif case == "another call":
        path = path.replace(str(call.call_id), "00000000-0000-0000-0000-000000000000")
    elif case == "missing":
        headers = {}
    else:
        path = STATUS_PATH
        params = {**params, "CallStatus": "completed", "CallDuration": "1"}
    response = await client.post(path, data=params, headers=headers)
    assert response.status_code == 403
    assert "automated assistant" not in response.text
    assert await db.scalar(text("SELECT count(*) FROM webhook_events")) == 0


async def test_a_replayed_turn_gets_the_same_answer_once(
    db: AsyncSession, client: httpx.AsyncClient
) -> None:
    owner = await callable_lead(db)
    call = await place(db, owner)
    twilio = twilio_of(client)
    assert call.twilio_call_sid is not None
    await simulator.pick_up(db, owner.user, twilio, call.twilio_call_sid, machine=False, now=NOW)
    url = calls_flow.gather_url(SETTINGS, call.call_id, 1)
    line = await simulator.simulated_call(db, owner.user, call.twilio_call_sid)
    params = {**simulator.network.call_params(line.line, "in-progress"), "SpeechResult": "Yes"}
    first = await twilio.post(url.removeprefix(SETTINGS.public_base_url.rstrip("/")), params)
    again = await twilio.post(url.removeprefix(SETTINGS.public_base_url.rstrip("/")), params)
    assert first == again
    assert len((await reloaded(db, call)).turns) == 3  # the opening, "Yes", the offer


async def test_the_guard_blocks_a_call_outside_calling_hours(db: AsyncSession) -> None:
    owner = await callable_lead(db)
    with pytest.raises(OutreachBlocked) as refused:
        await place(db, owner, now=datetime(2026, 3, 10, 21, 30))
    assert refused.value.rule == Rule.QUIET_HOURS
    assert refused.value.message  # the rule in words (the guard's own tests check them)
    assert await token_balance(db, owner.user.user_id) == 100
    assert await db.scalar(text("SELECT count(*) FROM ai_voice_call_logs")) == 0


async def test_an_inbound_call_takes_a_message(db: AsyncSession, client: httpx.AsyncClient) -> None:
    from propintel.integrations.local.voice import LocalVoice
    from propintel.voice import numbers

    owner = await callable_lead(db, tokens=100)
    bought = await numbers.buy(
        db,
        owner.user,
        LocalVoice(db),
        SETTINGS,
        number="+13055550142",
        friendly_name="Office",
        now=NOW,
    )
    twilio = twilio_of(client)
    sid = await simulator.dial(db, owner.user, twilio, to=bought.number, from_=MOBILE, now=NOW)
    await simulator.speak(db, owner.user, twilio, sid, "Can you call me back?", NOW)
    await simulator.speak(db, owner.user, twilio, sid, "This is Ana, about my roof", LATER)
    await run_voice_jobs(db, set())
    logs = (await db.execute(text("SELECT * FROM ai_voice_call_logs"))).mappings().all()
    assert len(logs) == 1
    log = logs[0]
    assert log["call_type"] == "inbound" and log["call_outcome"] == "callback"
    assert log["message"] == "This is Ana, about my roof" and log["phone_number"] == MOBILE
    assert "reached Sunrise Homes" in (log["call_transcript"] or "")
    mail = (
        await db.execute(
            text("SELECT to_email, text_body FROM email_outbox WHERE category = 'voice_message'")
        )
    ).one()
    assert mail.to_email == owner.user.email and "This is Ana, about my roof" in mail.text_body


async def test_a_call_in_spanish(db: AsyncSession, client: httpx.AsyncClient) -> None:
    owner = await callable_lead(db, tokens=100)
    call = await place(db, owner, language="es")
    twilio = twilio_of(client)
    sid = call.twilio_call_sid
    assert sid is not None
    await simulator.pick_up(db, owner.user, twilio, sid, machine=False, now=NOW)
    await simulator.speak(db, owner.user, twilio, sid, "Sí, claro", NOW)
    await simulator.speak(db, owner.user, twilio, sid, "Sí", LATER)
    await run_voice_jobs(db, set())
    ended = await reloaded(db, call)
    said = [t["text"] for t in ended.turns if t["role"] == "assistant"]
    assert "asistente automático" in said[0] and "Sunrise Homes" in said[0]
    assert "visita" in said[1] and " a las " in said[1]
    assert ended.call_outcome == "appointment" and ended.tokens_used == 20
