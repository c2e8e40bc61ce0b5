"""Twilio's voice webhooks (from Twilio, or from the call simulator, which signs its posts the same
way): TwiML when a call is answered, when the person spoke, when a subscriber's number is called;
and the status callbacks. Each verifies ``X-Twilio-Signature`` on the public URL before anything
else; a bad signature gets 403 and changes nothing."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from propintel.db.session import DbSession
from propintel.integrations.twilio.signature import SIGNATURE_HEADER
from propintel.kit.clock import now_new_york
from propintel.voice import call_status, calls_flow
from propintel.voice.paths import ANSWER_PATH, GATHER_PATH, INBOUND_PATH, STATUS_PATH
from propintel.voice.twiml import Voice, empty
from propintel.web.security import csrf_exempt, public

router = APIRouter(include_in_schema=False)
TWIML = "text/xml"


async def _form(request: Request) -> tuple[dict[str, str], str | None]:
    form = await request.form()
    params = {key: str(value) for key, value in form.items()}
    return params, request.headers.get(SIGNATURE_HEADER)


def voice_of(request: Request) -> Voice:
    state = request.app.state
    return Voice(state.settings, state.speech, state.file_storage)


def _path_and_query(request: Request) -> str:
    query = request.url.query
    return f"{request.url.path}?{query}" if query else request.url.path


def _twiml(body: str) -> Response:
    return Response(body, media_type=TWIML)


@router.post(ANSWER_PATH)
@csrf_exempt  # Twilio signs the form; verified before anything else
@public
async def call_answered(request: Request, db: DbSession, call: uuid.UUID) -> Response:
    params, signature = await _form(request)
    settings = request.app.state.settings
    calls_flow.verify(settings, _path_and_query(request), params, signature)
    return _twiml(
        await calls_flow.answer(db, settings, voice_of(request), call, params, now_new_york())
    )


@router.post(GATHER_PATH)
@csrf_exempt
@public
async def speech_heard(request: Request, db: DbSession, call: uuid.UUID, turn: int) -> Response:
    params, signature = await _form(request)
    settings = request.app.state.settings
    calls_flow.verify(settings, _path_and_query(request), params, signature)
    model = request.app.state.chat_model
    body = await calls_flow.gather(
        db, settings, voice_of(request), model, call, turn, params, now_new_york()
    )
    return _twiml(body)


@router.post(INBOUND_PATH)
@csrf_exempt
@public
async def number_called(request: Request, db: DbSession) -> Response:
    params, signature = await _form(request)
    settings = request.app.state.settings
    calls_flow.verify(settings, INBOUND_PATH, params, signature)
    return _twiml(await calls_flow.inbound(db, settings, voice_of(request), params, now_new_york()))


@router.post(STATUS_PATH)
@csrf_exempt
@public
async def call_status_changed(request: Request, db: DbSession) -> Response:
    params, signature = await _form(request)
    await call_status.receive_status(db, request.app.state.settings, params, signature)
    return _twiml(empty())
