"""The call simulator's pages (``/voice/simulator``): only on the offline telephone network (404
with Twilio), for subscribers, labelled "Call simulator: nothing is dialled". The tester answers a
ringing call (as a person or an answering machine), lets it ring out or be busy, says (types, or
speaks into the browser's speech recognition where it has one) each answer, hangs up, or calls
one of their own numbers (``voice/simulator.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict, Invalid
from propintel.kit.i18n import _
from propintel.kit.phones import display_phone
from propintel.voice import numbers, simulator
from propintel.voice.conversation import outcome_label
from propintel.voice.numbers_endpoints import settings_of
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/voice/simulator"


def _twilio(request: Request) -> simulator.Twilio:
    settings = settings_of(request)
    if settings.uses_twilio:
        raise simulator.NoSimulator()
    return simulator.Twilio(request.app, settings)


def _call_page(sid: str) -> str:
    return f"{PAGE}/calls/{sid}"


@router.get(PAGE)
async def simulator_page(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    _twilio(request)
    held = await numbers.numbers(db, user, settings_of(request))
    context = {
        "calls": await simulator.simulated_calls(db, user),
        "numbers": held.held,
        "tester": simulator.TESTER_NUMBER,
        "display_phone": display_phone,
        "outcome_label": outcome_label,
    }
    return render(request, "voice/simulator.html", context)


@router.get(PAGE + "/calls/{sid}")
async def simulator_call(
    request: Request, sid: str, user: SubscriberUser, db: DbSession
) -> Response:
    _twilio(request)
    context = {
        "call": await simulator.simulated_call(db, user, sid),
        "display_phone": display_phone,
        "outcome_label": outcome_label,
        "max_speech": simulator.MAX_SPEECH,
    }
    return render(request, "voice/simulator_call.html", context)


async def _act(request: Request, sid: str, action: object, done: str) -> Response:
    try:
        await action  # type: ignore[misc]
    except (Invalid, Conflict) as error:
        return redirect_with_flash(request, _call_page(sid), error.message, "error")
    return redirect_with_flash(request, _call_page(sid), done, "success")


@router.post(PAGE + "/calls/{sid}/answer")
async def answer(
    request: Request,
    sid: str,
    user: SubscriberUser,
    db: DbSession,
    by: Annotated[str, Form(max_length=10)] = "person",
) -> Response:
    twilio = _twilio(request)
    machine = by == "machine"
    done = _("The answering machine picked up.") if machine else _("You answered the call.")
    pick = simulator.pick_up(db, user, twilio, sid, machine=machine, now=now_new_york())
    return await _act(request, sid, pick, done)


@router.post(PAGE + "/calls/{sid}/miss")
async def miss(
    request: Request,
    sid: str,
    user: SubscriberUser,
    db: DbSession,
    status: Annotated[str, Form(max_length=12)] = "no-answer",
) -> Response:
    twilio = _twilio(request)
    done = _("The call was not answered.")
    return await _act(
        request, sid, simulator.miss(db, user, twilio, sid, status, now_new_york()), done
    )


@router.post(PAGE + "/calls/{sid}/say")
async def say(
    request: Request,
    sid: str,
    user: SubscriberUser,
    db: DbSession,
    speech: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    twilio = _twilio(request)
    done = _("Said.") if speech.strip() else _("You stayed silent.")
    spoken = simulator.speak(db, user, twilio, sid, speech, now_new_york())
    return await _act(request, sid, spoken, done)


@router.post(PAGE + "/calls/{sid}/hangup")
async def hang_up(
    request: Request,
    sid: str,
    user: SubscriberUser,
    db: DbSession,
    seconds: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    twilio = _twilio(request)
    length = int(seconds) if seconds.strip().isdigit() else None
    ended = simulator.hang_up(db, user, twilio, sid, now_new_york(), length)
    return await _act(request, sid, ended, _("You hung up."))


@router.post(PAGE + "/dial")
async def dial(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    to: Annotated[str, Form(max_length=30)] = "",
    from_: Annotated[str, Form(alias="from", max_length=30)] = "",
) -> Response:
    twilio = _twilio(request)
    try:
        sid = await simulator.dial(db, user, twilio, to=to, from_=from_ or None, now=now_new_york())
    except (Invalid, Conflict) as error:
        return redirect_with_flash(request, PAGE, error.message, "error")
    return redirect_with_flash(
        request, _call_page(sid), _("Your AI assistant answered the call."), "success"
    )
