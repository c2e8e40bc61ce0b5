"""What is said on a call: the TwiML answers to Twilio's (or the simulator's) signed requests.

- ``answer``: the callee picked up (``POST /webhooks/twilio/voice/answer?call=<id>``). A machine
  (answering-machine detection) hears the disclosure and the voicemail script, then the call ends;
  a person hears the disclosure at once ("an automated assistant calling for <business>"), the
  chosen template in the call's language, and is listened to.
- ``inbound``: someone called a subscriber's number: greeted by the business's assistant.
- ``gather``: what the person said (``SpeechResult``) in turn ``n``: ``conversation.decide``
  chooses; a question is answered by the assistant from the knowledge base; an opt-out is recorded
  in the compliance guard at once; the outcome ends the call.

Every request is verified first (``X-Twilio-Signature`` on the public URL with its query, by the
check the SMS webhooks use) and its ``CallSid`` must be the call's. Each turn is stored with the
lines said, so a repeated request (Twilio retries) gets the same TwiML again and changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.assistant import service as assistant
from propintel.auth import service as auth
from propintel.auth.models import User
from propintel.config import Settings
from propintel.integrations.chat import ChatModel
from propintel.kit.i18n import _, format_datetime, using_locale
from propintel.kit.phones import display_phone, normalize_phone
from propintel.outreach import compliance
from propintel.outreach.sms_webhooks import verify
from propintel.outreach.targets import lead_target
from propintel.profiles import service as profiles
from propintel.tokens import service as tokens
from propintel.tokens.errors import TokenRefusal
from propintel.voice import calls as calls_service
from propintel.voice import numbers, twiml
from propintel.voice.calls import INBOUND, UNIT_SECONDS, CallRow
from propintel.voice.calls_repository import CallsRepository
from propintel.voice.conversation import Decision, Outcome, Stage, Step, decide
from propintel.voice.paths import GATHER_PATH, STATUS_PATH, webhook_url
from propintel.voice.twiml import Voice

log = structlog.get_logger(__name__)
ASSISTANT, CALLEE = "assistant", "callee"
MACHINE_ANSWERS = ("machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other")


def gather_url(settings: Settings, call_id: uuid.UUID, turn: int) -> str:
    return webhook_url(settings, f"{GATHER_PATH}?call={call_id}&turn={turn}")


@dataclass(frozen=True)
class Speaker:
    """Who is calling and how: the business's name and the subscriber, in the call's language."""

    user: User
    business: str


async def _speaker(session: AsyncSession, user_id: uuid.UUID) -> Speaker | None:
    found = await auth.users_by_ids(session, [user_id])
    if not found:
        return None
    profile = await profiles.subscriber_profile(session, found[0])
    business = (profile.business_name or "").strip() or _("a local business")
    return Speaker(found[0], business)


# --- what is said --------------------------------------------------------------------------------
def _disclosure(business: str) -> str:
    return _("Hello, this is an automated assistant calling on behalf of {business}.").format(
        business=business
    )


def spoken_time(moment: datetime) -> str:
    """A visit time as it is said: "Tuesday, December 8 at 10:00 AM" (a Babel pattern, which
    each language's catalog writes its own way)."""
    return format_datetime(moment, _("EEEE, MMMM d 'at' h:mm a"))


async def _values(session: AsyncSession, speaker: Speaker, call: CallRow) -> dict[str, str]:
    """The template variables for this call (what is unknown is said plainly, never left blank)."""
    values = {
        "owner_first_name": "",
        "owner_last_name": "",
        "address": _("your property"),
        "city": "Miami-Dade",
        "business_name": speaker.business,
        "agent_name": speaker.business,
        "appointment_time": "",
        "callback_number": display_phone(call.from_number) if call.from_number else "",
    }
    if call.lead_id is not None:
        target = await lead_target(session, speaker.user, call.lead_id)
        owner = target.owner
        if owner:
            values["owner_first_name"], values["owner_last_name"] = owner.first, owner.last
        street = target.facts.get("street_address")
        values["address"] = str(street) if street else (target.address or values["address"])
        if target.facts.get("city"):
            values["city"] = str(target.facts["city"])
    return values


async def _pitch(session: AsyncSession, speaker: Speaker, call: CallRow) -> list[str]:
    values = await _values(session, speaker, call)
    if call.template_id is not None:
        template = await assistant.template(session, speaker.user.user_id, call.template_id)
        text = assistant.render_template(template.template_content, values)
    else:
        text = _(
            "I'm calling about your home at {address}. We work with homeowners nearby and would "
            "be glad to offer you a free estimate."
        ).format(address=values["address"])
    lines = [assistant.spoken(text, 600)]
    if not text.rstrip().endswith("?"):
        lines.append(_("Would you like us to schedule a visit?"))
    return lines


async def _voicemail(session: AsyncSession, speaker: Speaker, call: CallRow) -> str:
    values = await _values(session, speaker, call)
    kinds = (assistant.TemplateType.VOICEMAIL,)
    found = await assistant.templates_of_types(session, speaker.user.user_id, kinds, limit=100)
    if found:
        return assistant.spoken(assistant.render_template(found[0].template_content, values), 600)
    return _(
        "This message is about your property at {address}. Please call {business} back at "
        "{number}. Thank you."
    ).format(address=values["address"], business=speaker.business, number=values["callback_number"])


def _closing(decision: Decision, business: str) -> str:
    outcome = decision.outcome
    if outcome is Outcome.OPTED_OUT:
        return _("Understood. {business} will not call you again. Goodbye.").format(
            business=business
        )
    if outcome is Outcome.WRONG_NUMBER:
        return _("Sorry for the trouble. We will update our records. Goodbye.")
    if outcome is Outcome.NOT_INTERESTED:
        return _("Thank you for your time. Have a good day. Goodbye.")
    if outcome is Outcome.APPOINTMENT and decision.slot is not None:
        return _("You are booked for {time}. {business} will see you then. Goodbye.").format(
            time=spoken_time(decision.slot), business=business
        )
    if outcome is Outcome.CALLBACK and decision.message is not None:
        return _("Thank you. {business} will call you back at this number. Goodbye.").format(
            business=business
        )
    if outcome is Outcome.CALLBACK:
        return _("Of course. Someone from {business} will call you back. Goodbye.").format(
            business=business
        )
    if outcome is Outcome.NO_ANSWER:
        return _("I will let you go. Goodbye.")
    return _("Thank you. Someone from {business} will follow up with you. Goodbye.").format(
        business=business
    )


def _ask(stage: Stage, offered: datetime | None) -> str:
    if offered is not None:
        return _("Would {time} work for a visit?").format(time=spoken_time(offered))
    if stage is Stage.GREETED:
        return _("Is there anything else, or would you like someone to call you back?")
    return _("Would you like us to schedule a visit?")


# --- the requests --------------------------------------------------------------------------------
async def answer(
    session: AsyncSession,
    settings: Settings,
    voice: Voice,
    call_id: uuid.UUID,
    params: Mapping[str, str],
    now: datetime,
) -> str:
    """The TwiML for an answered outbound call."""
    repo = CallsRepository.from_session(session)
    call = await repo.get(call_id, lock=True)
    if call is None or call.twilio_call_sid != params.get("CallSid"):
        return twiml.empty()
    if call.turns:  # a repeated request: say the same again
        return await _replay(voice, call, 0, settings)
    speaker = await _speaker(session, call.user_id)
    if speaker is None:
        return twiml.empty()
    answered_by = params.get("AnsweredBy") or None
    with using_locale(call.language):
        if answered_by in MACHINE_ANSWERS:
            lines = [_disclosure(speaker.business), await _voicemail(session, speaker, call)]
            turn = _said(0, lines, Stage.PITCHED, None, now, outcome=Outcome.VOICEMAIL)
            await repo.add_turns(call_id, [turn])
            await repo.change(
                call_id,
                {
                    "status": "in-progress",
                    "answered_at": now,
                    "answered_by": answered_by,
                    "call_outcome": Outcome.VOICEMAIL.value,
                },
            )
            return await twiml.hang_up(voice, lines, call.language)
        lines = [_disclosure(speaker.business), *await _pitch(session, speaker, call)]
    await repo.add_turns(call_id, [_said(0, lines, Stage.PITCHED, None, now)])
    await repo.change(
        call_id, {"status": "in-progress", "answered_at": now, "answered_by": answered_by}
    )
    return await twiml.listen(voice, lines, call.language, gather_url(settings, call_id, 1))


async def inbound(
    session: AsyncSession,
    settings: Settings,
    voice: Voice,
    params: Mapping[str, str],
    now: datetime,
) -> str:
    """The TwiML for a call to a subscriber's number: their assistant greets the caller. The
    subscriber's credits pay for it as for an outbound call (held for the longest allowed call,
    capped by the balance); a number no longer held, or no credits, gets a short message."""
    sid = params.get("CallSid") or ""
    repo = CallsRepository.from_session(session)
    existing = await repo.lock_by_sid(sid) if sid else None
    if existing is not None:
        return await _replay(voice, existing, 0, settings)
    called = normalize_phone(params.get("To"))
    owner = await numbers.number_owner(session, called) if called else None
    speaker = await _speaker(session, owner.user_id) if owner else None
    if owner is None or speaker is None or not sid:
        return await twiml.hang_up(voice, [_("This number is not in service. Goodbye.")], "en")
    language = speaker.user.preferred_locale if speaker.user.preferred_locale == "es" else "en"
    with using_locale(language):
        held = await _hold_inbound(session, settings, speaker.user, sid, now)
        call_id = await repo.add(
            {
                "user_id": owner.user_id,
                "call_type": INBOUND,
                "phone_number": normalize_phone(params.get("From")) or params.get("From"),
                "from_number": called,
                "language": language,
                "twilio_call_sid": sid,
                "status": "in-progress" if held else "completed",
                "reservation_id": held[0].reservation_id if held else None,
                "time_limit_seconds": held[1] * UNIT_SECONDS if held else None,
                "answered_at": now,
                "created_at": now,
                "error": None if held else "no credits to answer",
            }
        )
        if held is None:
            lines = [
                _("{business} cannot take your call right now. Please try again later.").format(
                    business=speaker.business
                )
            ]
            return await twiml.hang_up(voice, lines, language)
        lines = [
            _(
                "Hello, you have reached {business}. I am an automated assistant. How can I "
                "help you?"
            ).format(business=speaker.business)
        ]
    await repo.add_turns(call_id, [_said(0, lines, Stage.GREETED, None, now)])
    return await twiml.listen(voice, lines, language, gather_url(settings, call_id, 1))


async def _hold_inbound(
    session: AsyncSession, settings: Settings, user: User, sid: str, now: datetime
) -> tuple[tokens.Held, int] | None:
    """A hold for the longest allowed call, capped by what the subscriber can spend (units)."""
    price = (await calls_service.unit_price(session)).tokens_required
    can_spend = await calls_service.spendable(session, user, now)
    units = min(calls_service.units_for(settings.voice_max_call_minutes * 60), can_spend // price)
    if units < 1:
        return None
    try:
        async with session.begin_nested():
            held = await tokens.reserve(
                session, user.user_id, calls_service.ACTION, units, reference=f"call:{sid}", now=now
            )
        return held, units
    except TokenRefusal:
        return None


async def gather(
    session: AsyncSession,
    settings: Settings,
    voice: Voice,
    model: ChatModel | None,
    call_id: uuid.UUID,
    turn: int,
    params: Mapping[str, str],
    now: datetime,
) -> str:
    """The TwiML after the person spoke (or was silent) in ``turn``."""
    repo = CallsRepository.from_session(session)
    call = await repo.get(call_id, lock=True)
    if call is None or call.twilio_call_sid != params.get("CallSid") or turn < 1:
        return twiml.empty()
    if any(t.get("turn") == turn and t.get("role") == ASSISTANT for t in call.turns):
        return await _replay(voice, call, turn, settings)
    if call.call_outcome is not None or call.status in ("completed", "failed"):
        return twiml.empty()  # the call already ended
    speaker = await _speaker(session, call.user_id)
    if speaker is None:
        return twiml.empty()
    speech = " ".join((params.get("SpeechResult") or "").split())
    said = [t for t in call.turns if t.get("role") == ASSISTANT]
    last = said[-1] if said else {}
    stage = Stage(last.get("stage", Stage.PITCHED.value))
    offered = datetime.fromisoformat(last["offered"]) if last.get("offered") else None
    decision = decide(
        speech,
        stage=stage,
        offered=offered,
        silences=_silences(call.turns),
        answers=sum(1 for t in said if t.get("answered")),
        max_answers=settings.voice_max_turns,
        now=now,
    )
    heard = {"role": CALLEE, "turn": turn, "text": speech, "at": now.isoformat()}
    with using_locale(call.language):
        reply, next_stage, next_offer, extra = await _reply(
            session, speaker, call, decision, stage, offered, speech, model
        )
    ended = decision.step is Step.END
    turn_said = _said(
        turn,
        reply,
        next_stage,
        next_offer,
        now,
        outcome=decision.outcome if ended else None,
        **extra,
    )
    await repo.add_turns(call_id, [heard, turn_said])
    if ended:
        await _end(session, call, decision, now)
        return await twiml.hang_up(voice, reply, call.language)
    return await twiml.listen(voice, reply, call.language, gather_url(settings, call_id, turn + 1))


async def _reply(
    session: AsyncSession,
    speaker: Speaker,
    call: CallRow,
    decision: Decision,
    stage: Stage,
    offered: datetime | None,
    speech: str,
    model: ChatModel | None,
) -> tuple[list[str], Stage, datetime | None, dict[str, Any]]:
    """The lines to say, the stage and offered slot after them, and what to keep of the turn."""
    step = decision.step
    if step is Step.END:
        return [_closing(decision, speaker.business)], stage, offered, {}
    if step is Step.OFFER:
        assert decision.slot is not None
        return [_("Great."), _ask(stage, decision.slot)], Stage.OFFERED, decision.slot, {}
    if step is Step.TAKE_MESSAGE:
        line = _(
            "Please tell me your name and your message, and {business} will call you back."
        ).format(business=speaker.business)
        return [line], Stage.MESSAGE, None, {}
    if step is Step.ASK_AGAIN:
        return [_("Sorry, I did not hear anything. Are you still there?")], stage, offered, {}
    spoken = await assistant.spoken_answer(
        session,
        speaker.user.user_id,
        speech,
        language=call.language,
        business=speaker.business,
        model=model,
    )
    extra = {
        "answered": True,
        "model": spoken.model,
        "prompt_tokens": spoken.prompt_tokens,
        "completion_tokens": spoken.completion_tokens,
        "passages": [str(p) for p in spoken.passages],
    }
    return [spoken.text, _ask(stage, offered)], stage, offered, extra


async def _end(session: AsyncSession, call: CallRow, decision: Decision, now: datetime) -> None:
    """Keep the outcome; an opt-out is recorded in the guard at once (for good)."""
    assert decision.outcome is not None
    values: dict[str, Any] = {"call_outcome": decision.outcome.value}
    if decision.outcome is Outcome.APPOINTMENT:
        values["appointment_at"] = decision.slot
    if decision.message:
        values["message"] = decision.message
    await CallsRepository.from_session(session).change(call.call_id, values)
    if decision.outcome is Outcome.OPTED_OUT and call.phone_number:
        await compliance.record_opt_out(
            session,
            user_id=call.user_id,
            contact=call.phone_number,
            channel="all",
            reason="voice:opted_out",
        )


def _silences(turns: list[dict[str, Any]]) -> int:
    """Silent turns in a row at the end of the conversation."""
    count = 0
    for turn in reversed(turns):
        if turn.get("role") != CALLEE:
            continue
        if turn.get("text"):
            break
        count += 1
    return count


def _said(
    turn: int,
    lines: list[str],
    stage: Stage,
    offered: datetime | None,
    now: datetime,
    *,
    outcome: Outcome | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "role": ASSISTANT,
        "turn": turn,
        "text": " ".join(lines),
        "lines": lines,
        "stage": stage.value,
        "offered": offered.isoformat() if offered else None,
        "end": outcome is not None,
        "outcome": outcome.value if outcome else None,
        "at": now.isoformat(),
        **extra,
    }


async def _replay(voice: Voice, call: CallRow, turn: int, settings: Settings) -> str:
    said = next(
        (t for t in call.turns if t.get("role") == ASSISTANT and t.get("turn") == turn), None
    )
    if said is None:
        return twiml.empty()
    lines = [str(line) for line in said.get("lines", [])]
    if said.get("end"):
        return await twiml.hang_up(voice, lines, call.language)
    return await twiml.listen(
        voice, lines, call.language, gather_url(settings, call.call_id, turn + 1)
    )


__all__ = ["STATUS_PATH", "UNIT_SECONDS", "answer", "gather", "inbound", "verify"]
