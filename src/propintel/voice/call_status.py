"""A call's status callbacks (``POST /webhooks/twilio/voice/status``), and what its end does.

Intake verifies ``X-Twilio-Signature`` first; the inbox then stores each (CallSid, CallStatus) once
(source ``twilio``, so a replay is harmless) and defers ``voice.twilio_call_event``. The job moves
the call's status forward (callbacks arrive in any order) and, at a final status:

- settles the hold at the started 3 minutes of ``CallDuration`` (0 s: nothing; a call that never
  connected — busy, no answer, failed, canceled — releases it whole), never past the hold;
- stores the duration, credits, provider cost, outcome and transcript (an outcome not reached in
  the conversation is inferred: a machine → voicemail, never answered → no answer, hung up before
  deciding → not interested);
- works the lead: a contact attempt (moving a new lead to contacted), a note with the outcome,
  an appointment booked in the calendar (once per call), a lead moved to appointment or qualified,
  a call-back task; an opt-out is recorded in the compliance guard (again: it already was when
  said).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth import service as auth
from propintel.config import Settings, get_settings
from propintel.inbox import service as inbox
from propintel.inbox.service import StoredEvent
from propintel.integrations.email import EmailSendError
from propintel.integrations.providers import configured_email_senders
from propintel.integrations.voice import FINAL_STATUSES
from propintel.kit import i18n
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Invalid
from propintel.kit.i18n import N_, _, using_locale
from propintel.kit.phones import display_phone
from propintel.leads import service as leads
from propintel.outreach import compliance, unlock
from propintel.outreach.targets import lead_target
from propintel.tokens import service as tokens
from propintel.voice import calendar
from propintel.voice.calls import ACTION, INBOUND, UNIT_SECONDS, CallRow, unit_price, units_for
from propintel.voice.calls_flow import ASSISTANT, MACHINE_ANSWERS, spoken_time, verify
from propintel.voice.calls_repository import CallsRepository
from propintel.voice.conversation import Outcome
from propintel.voice.paths import STATUS_PATH, webhook_url
from propintel.web.templating import templated_email

log = structlog.get_logger(__name__)
SOURCE = "twilio"
MESSAGE_SUBJECT = N_("A caller left you a message")
MESSAGE_CATEGORY = "voice_message"
STATUS_EVENT = "voice.status"
HANDLE_EVENT_JOB = "voice.twilio_call_event"
# A callback for a call not stored yet may be racing the dial's commit: retried this long.
STATUS_WAIT = timedelta(minutes=10)
APPOINTMENT_MINUTES = 60
_RANK = {"queued": 0, "initiated": 1, "ringing": 2, "in-progress": 3}
NEVER_CONNECTED = frozenset({"busy", "failed", "no-answer", "canceled"})


class NotACallEvent(Invalid):
    def __init__(self) -> None:
        super().__init__("Not a Twilio call event: no CallSid or CallStatus.")


class CallTooEarly(Exception):
    """A callback for a call not stored yet (its dial may not have committed): retry later."""


async def receive_status(
    session: AsyncSession, settings: Settings, params: Mapping[str, str], signature: str | None
) -> uuid.UUID | None:
    """Verify and store a status callback once; None for a replay."""
    verify(settings, STATUS_PATH, params, signature)
    sid, status = params.get("CallSid") or "", params.get("CallStatus") or ""
    if not sid or not status:
        raise NotACallEvent()
    return await inbox.receive(
        session,
        source=SOURCE,
        event_id=f"{sid}:{status}",
        event_type=STATUS_EVENT,
        created=now_new_york(),
        payload=json.dumps(dict(params)),
        handler_job=HANDLE_EVENT_JOB,
    )


async def handle_event(session: AsyncSession, event_pk: uuid.UUID) -> str:
    return await inbox.handle(session, event_pk, _handle)


async def _handle(session: AsyncSession, event: StoredEvent) -> str:
    if event.event_type != STATUS_EVENT:
        return "ignored"
    payload = {str(k): str(v) for k, v in dict(event.payload or {}).items()}
    return await apply_status(session, payload, event.event_created, now_new_york())


async def apply_status(
    session: AsyncSession, payload: Mapping[str, str], received: datetime, now: datetime
) -> str:
    sid = payload.get("CallSid") or ""
    status = (payload.get("CallStatus") or "").lower()
    repo = CallsRepository.from_session(session)
    call = await repo.lock_by_sid(sid)
    if call is None:
        if now - received < STATUS_WAIT:
            raise CallTooEarly(sid)
        return "unknown call"
    if call.status in FINAL_STATUSES or call.ended_at is not None:
        return f"kept {call.status}"
    if status not in FINAL_STATUSES:
        if _RANK.get(status, -1) <= _RANK.get(call.status, 0):
            return f"kept {call.status}"
        values: dict[str, object] = {"status": status}
        if status == "in-progress" and call.answered_at is None:
            values["answered_at"] = now
        await repo.change(call.call_id, values)
        return status
    duration = _seconds(payload.get("CallDuration"))
    answered_by = payload.get("AnsweredBy") or call.answered_by
    return await finish(session, call, status, duration, answered_by, now)


def _seconds(value: str | None) -> int:
    try:
        return max(int(value or 0), 0)
    except ValueError:
        return 0


def inferred_outcome(call: CallRow, status: str, duration: int, answered_by: str | None) -> Outcome:
    """The outcome of a call that ended without one being said."""
    if call.call_outcome is not None:
        return Outcome(call.call_outcome)
    if status in NEVER_CONNECTED or duration == 0:
        return Outcome.NO_ANSWER
    if answered_by in MACHINE_ANSWERS:
        return Outcome.VOICEMAIL
    heard = any(t.get("role") != ASSISTANT and t.get("text") for t in call.turns)
    if call.call_type == INBOUND:
        return Outcome.CALLBACK if call.message else Outcome.INTERESTED
    return Outcome.NOT_INTERESTED if heard or call.answered_at else Outcome.NO_ANSWER


async def finish(
    session: AsyncSession,
    call: CallRow,
    status: str,
    duration: int,
    answered_by: str | None,
    now: datetime,
) -> str:
    """Settle, record and work the lead for a call that just ended."""
    held_units = (call.time_limit_seconds or 0) // UNIT_SECONDS
    units = min(units_for(duration), held_units) if status == "completed" else 0
    price = await unit_price(session)
    cost = price.actual_cost_usd * units
    settled_tokens, usage_log_id = 0, None
    if call.reservation_id is not None:
        settled = await tokens.settle(
            session, call.user_id, call.reservation_id, units, now=now, actual_cost=cost
        )
        settled_tokens, usage_log_id = settled.tokens_charged, settled.usage_log_id
    outcome = inferred_outcome(call, status, duration, answered_by)
    await CallsRepository.from_session(session).change(
        call.call_id,
        {
            "status": status,
            "duration_seconds": duration,
            "tokens_used": settled_tokens,
            "cost": Decimal(cost) if units else Decimal(0),
            "usage_log_id": usage_log_id,
            "call_outcome": outcome.value,
            "answered_by": answered_by,
            "call_transcript": transcript(call),
            "ended_at": now,
        },
    )
    if call.call_type != INBOUND and call.lead_id is not None:
        await _work_lead(session, call, outcome, duration, now)
    if call.call_type == INBOUND and call.message:
        await _pass_on_message(session, call)
    return f"{status}; {outcome.value}; {settled_tokens} credits"


async def _pass_on_message(session: AsyncSession, call: CallRow) -> None:
    """E-mail the subscriber the message a caller left (a failure to e-mail is logged: the
    message is on the call's page either way)."""
    found = await auth.users_by_ids(session, [call.user_id])
    if not found:
        return
    user = found[0]
    caller = display_phone(call.phone_number) if call.phone_number else _("Someone")
    line = display_phone(call.from_number) if call.from_number else ""
    message = templated_email(
        user.email,
        MESSAGE_SUBJECT,
        "voice_message",
        {
            "caller": caller,
            "line": line,
            "message": call.message,
            "call_url": webhook_url(get_settings(), f"/voice/calls/{call.call_id}"),
        },
        locale=user.preferred_locale or i18n.DEFAULT_LOCALE,
        category=MESSAGE_CATEGORY,
        user_id=user.user_id,
    )
    try:
        await configured_email_senders()(session).send(message)
    except EmailSendError as error:
        log.warning("voice.message.not_emailed", error=str(error), call_id=str(call.call_id))


def transcript(call: CallRow) -> str:
    """The conversation as text, one line a turn ("AI:" and "Owner:" or "Caller:")."""
    other = "Caller" if call.call_type == INBOUND else "Owner"
    lines = []
    for turn in call.turns:
        if turn.get("role") == ASSISTANT:
            lines.append(f"AI: {turn.get('text', '')}")
        else:
            lines.append(f"{other}: {turn.get('text') or '(silence)'}")
    return "\n".join(lines)


async def _work_lead(
    session: AsyncSession, call: CallRow, outcome: Outcome, duration: int, now: datetime
) -> None:
    assert call.lead_id is not None
    found = await auth.users_by_ids(session, [call.user_id])
    if not found:
        return
    user = found[0]
    with using_locale(user.preferred_locale):
        summary = _("AI call: {outcome} ({minutes}:{seconds:02d}).").format(
            outcome=outcome.label, minutes=duration // 60, seconds=duration % 60
        )
        await leads.log_contact(
            session, user.user_id, call.lead_id, leads.ContactChannel.CALL, summary, now
        )
        if outcome is Outcome.APPOINTMENT and call.appointment_at is not None:
            await _book(session, user, call, call.appointment_at, now)
            summary += " " + _("Visit booked for {time}.").format(
                time=spoken_time(call.appointment_at)
            )
            await leads.advance_to(
                session, user.user_id, call.lead_id, leads.LeadStatus.APPOINTMENT, now
            )
        elif outcome is Outcome.INTERESTED:
            await leads.advance_to(
                session, user.user_id, call.lead_id, leads.LeadStatus.QUALIFIED, now
            )
        elif outcome is Outcome.CALLBACK:
            title = _("Call the owner back (asked on the AI call)")
            await leads.add_task(
                session, user.user_id, call.lead_id, title, (now + timedelta(days=1)).date()
            )
        elif outcome is Outcome.OPTED_OUT and call.phone_number:
            await compliance.record_opt_out(
                session,
                user_id=user.user_id,
                contact=call.phone_number,
                channel="all",
                reason="voice:opted_out",
            )
        await leads.add_note(session, user.user_id, call.lead_id, summary, now)


async def _book(
    session: AsyncSession, user: auth.User, call: CallRow, starts: datetime, now: datetime
) -> None:
    assert call.lead_id is not None
    target = await lead_target(session, user, call.lead_id)
    contact = await unlock.unlocked_contact(session, user, target.property_id)
    owner = target.owner
    who = f"{owner.first} {owner.last}" if owner else (target.owner_name or _("the owner"))
    await calendar.book(
        session,
        user_id=user.user_id,
        lead_id=call.lead_id,
        call_id=call.call_id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=APPOINTMENT_MINUTES),
        summary=_("Visit: {who}").format(who=who)[:255],
        description=_("Booked by the AI call to {number}.").format(number=call.phone_number or ""),
        location=target.address or None,
        attendee_email=contact.emails[0] if contact and contact.emails else None,
        now=now,
    )
    await leads.add_task(
        session,
        user.user_id,
        call.lead_id,
        _("Visit at {time}").format(time=spoken_time(starts)),
        starts.date(),
    )


__all__ = ["ACTION", "apply_status", "finish", "handle_event", "receive_status", "transcript"]
