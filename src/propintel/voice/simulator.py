"""The call simulator: the tester plays the person on the phone, offline (docs/voice.md).

Calls live on the offline telephone network (``integrations/local/voice.py``). Each action here
changes the network's call as a carrier would, then does what Twilio does: posts the form Twilio
would post, signed with ``X-Twilio-Signature``, to the very same webhook endpoints (through the
app itself, in-process), and reads the TwiML they answer. So the simulator exercises the whole
flow — verification, inbox, TwiML, conversation, settlement — and nothing else.

A subscriber sees only their own calls: outbound ones they placed, inbound ones to their numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.config import Settings
from propintel.integrations.local import voice as network
from propintel.integrations.local.voice import LocalCall
from propintel.integrations.sms import webhook_auth_token
from propintel.integrations.twilio.signature import SIGNATURE_HEADER, signature
from propintel.integrations.voice import FINAL_STATUSES
from propintel.kit.errors import Conflict, Invalid, NotFound
from propintel.kit.i18n import _
from propintel.kit.phones import normalize_phone
from propintel.voice import numbers
from propintel.voice.calls import CallRow
from propintel.voice.calls_flow import ASSISTANT, gather_url
from propintel.voice.calls_repository import CallsRepository
from propintel.voice.paths import INBOUND_PATH, STATUS_PATH, webhook_url

RECENT = 30
TESTER_NUMBER = "+13055550199"  # the simulated phone's own number when calling in
MAX_SPEECH = 500


class NoSimulator(NotFound):
    def __init__(self) -> None:
        super().__init__(_("There is no call simulator: calls go through Twilio."))


class CallGone(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such call in the simulator."))


@dataclass(frozen=True)
class SimulatedCall:
    line: LocalCall  # the network's side
    log: CallRow | None  # ours: the conversation so far

    @property
    def ended(self) -> bool:
        return self.line.status in FINAL_STATUSES

    @property
    def ringing(self) -> bool:
        return self.line.status in ("queued", "ringing")

    @property
    def listening(self) -> bool:
        """The AI asked something and waits for the person's answer."""
        said = self._last_said()
        return self.line.status == "in-progress" and said is not None and not said.get("end")

    def _last_said(self) -> dict[str, object] | None:
        if self.log is None:
            return None
        said = [t for t in self.log.turns if t.get("role") == ASSISTANT]
        return said[-1] if said else None

    @property
    def next_turn(self) -> int:
        said = self._last_said()
        return int(str(said.get("turn", 0))) + 1 if said else 1


async def simulated_calls(session: AsyncSession, user: User) -> list[SimulatedCall]:
    """The user's calls on the network, newest first."""
    lines = await network.calls(session, RECENT * 4)
    logs = await CallsRepository.from_session(session).by_sids(
        user.user_id, [line.call_sid for line in lines]
    )
    by_sid = {log.twilio_call_sid: log for log in logs}
    return [
        SimulatedCall(line, by_sid[line.call_sid]) for line in lines if line.call_sid in by_sid
    ][:RECENT]


async def simulated_call(session: AsyncSession, user: User, sid: str) -> SimulatedCall:
    line = await network.call(session, sid)
    logs = await CallsRepository.from_session(session).by_sids(user.user_id, [sid])
    if line is None or not logs:
        raise CallGone()
    return SimulatedCall(line, logs[0])


class Twilio:
    """What Twilio does on the wire: signed form posts to our webhooks (in-process)."""

    def __init__(self, app: FastAPI, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def post(self, path_and_query: str, params: dict[str, str]) -> str:
        token = webhook_auth_token(self.settings)
        signed = signature(token, webhook_url(self.settings, path_and_query), params)
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://simulator") as client:
            response = await client.post(
                path_and_query, data=params, headers={SIGNATURE_HEADER: signed}
            )
        response.raise_for_status()
        return response.text

    async def status(
        self,
        line: LocalCall,
        status: str,
        *,
        duration: int | None = None,
        answered_by: str | None = None,
    ) -> None:
        params = network.call_params(line, status, duration=duration, answered_by=answered_by)
        await self.post(STATUS_PATH, params)


def hangs_up(twiml: str) -> bool:
    """Whether the TwiML (our own answer) ends the call."""
    return "<Hangup" in twiml


async def pick_up(
    session: AsyncSession, user: User, twilio: Twilio, sid: str, *, machine: bool, now: datetime
) -> None:
    """The phone rings and is answered, by a person or an answering machine."""
    call = await simulated_call(session, user, sid)
    if not call.ringing or call.line.direction == network.INBOUND:
        raise Conflict(_("This call is not ringing."))
    answered_by = "machine_start" if machine else "human"
    line = await _moved(session, sid, "ringing", now)
    await twilio.status(line, "ringing")
    line = await _moved(session, sid, "in-progress", now, answered_by=answered_by)
    await twilio.status(line, "in-progress", answered_by=answered_by)
    twiml = await twilio.post(
        _path(line.url or ""), network.call_params(line, "in-progress", answered_by=answered_by)
    )
    if hangs_up(twiml):
        await _complete(session, twilio, sid, now, None)


async def miss(
    session: AsyncSession, user: User, twilio: Twilio, sid: str, status: str, now: datetime
) -> None:
    """The phone is busy or nobody answers."""
    if status not in ("busy", "no-answer"):
        raise Invalid(_("Choose busy or no answer."), field="status")
    call = await simulated_call(session, user, sid)
    if not call.ringing:
        raise Conflict(_("This call is not ringing."))
    line = await _moved(session, sid, status, now)
    await twilio.status(line, status, duration=0)


async def speak(
    session: AsyncSession, user: User, twilio: Twilio, sid: str, speech: str, now: datetime
) -> None:
    """The person says ``speech`` (empty: stays silent) in answer to the AI."""
    call = await simulated_call(session, user, sid)
    if not call.listening or call.log is None:
        raise Conflict(_("The assistant is not listening on this call."))
    said = " ".join(speech.split())[:MAX_SPEECH]
    params = network.call_params(call.line, "in-progress")
    if said:
        params.update({"SpeechResult": said, "Confidence": "0.92"})
    url = gather_url(twilio.settings, call.log.call_id, call.next_turn)
    twiml = await twilio.post(_path(url), params)
    if hangs_up(twiml):
        await _complete(session, twilio, sid, now, None)


async def hang_up(
    session: AsyncSession,
    user: User,
    twilio: Twilio,
    sid: str,
    now: datetime,
    seconds: int | None = None,
) -> None:
    """The person hangs up (``seconds``: the length to report instead of the time elapsed)."""
    call = await simulated_call(session, user, sid)
    if call.ended:
        raise Conflict(_("This call has ended."))
    if call.ringing:
        line = await _moved(session, sid, "canceled", now)
        await twilio.status(line, "canceled", duration=0)
        return
    await _complete(session, twilio, sid, now, seconds)


async def dial(
    session: AsyncSession, user: User, twilio: Twilio, *, to: str, from_: str | None, now: datetime
) -> str:
    """Call one of the user's numbers from the simulated phone; the call's sid."""
    called = normalize_phone(to)
    owner = await numbers.number_owner(session, called) if called else None
    if called is None or owner is None or owner.user_id != user.user_id:
        raise Invalid(_("Choose one of your phone numbers."), field="to")
    caller = normalize_phone(from_) if from_ else TESTER_NUMBER
    if caller is None:
        raise Invalid(_("Enter the number calling, e.g. (305) 555-0199."), field="from_")
    line = await network.dial_in(session, from_=caller, to=called, now=now)
    if line is None:
        raise Invalid(_("That number is not in service."), field="to")
    line = await _moved(session, line.call_sid, "in-progress", now, answered_by="human")
    twiml = await twilio.post(INBOUND_PATH, network.call_params(line, "ringing"))
    if hangs_up(twiml):
        await _complete(session, twilio, line.call_sid, now, None)
    return line.call_sid


async def _moved(
    session: AsyncSession, sid: str, status: str, now: datetime, answered_by: str | None = None
) -> LocalCall:
    line = await network.set_status(session, sid, status, now=now, answered_by=answered_by)
    if line is None:
        raise CallGone()
    await session.flush()
    return line


async def _complete(
    session: AsyncSession, twilio: Twilio, sid: str, now: datetime, seconds: int | None
) -> None:
    line = await _moved(session, sid, "completed", now)
    length = network.duration_of(line, now) if seconds is None else seconds
    if line.time_limit:
        length = min(length, line.time_limit)  # Twilio ends the call at its time limit
    await twilio.status(line, "completed", duration=length, answered_by=line.answered_by)


def _path(url: str) -> str:
    """The path and query of one of our webhook URLs (the simulator posts in-process)."""
    parsed = httpx.URL(url)
    if not parsed.path.startswith("/webhooks/twilio/voice/"):
        raise Invalid(_("Not one of our call webhooks."))
    query = parsed.query.decode()
    return f"{parsed.path}?{query}" if query else parsed.path
