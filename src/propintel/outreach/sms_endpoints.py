"""SMS API (``/api/v1/leads/{id}/sms``) and Twilio's SMS webhooks.

The webhooks verify ``X-Twilio-Signature`` before anything else (403, nothing stored) and answer
an empty TwiML ``<Response/>``: we never reply to an owner automatically (Twilio answers STOP
itself)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.integrations.providers import sms_senders
from propintel.integrations.sms import SmsSender
from propintel.integrations.twilio.signature import SIGNATURE_HEADER
from propintel.kit.clock import now_new_york
from propintel.outreach import sms, sms_webhooks
from propintel.outreach.sms_schemas import (
    MAX_PAGE,
    PreviewIn,
    PreviewOut,
    SentOut,
    SmsIn,
    SmsMessageOut,
    SmsPageOut,
)
from propintel.web.security import csrf_exempt, public

router = APIRouter(tags=["sms"])


def sms_sender(request: Request, db: DbSession) -> SmsSender:
    """The adapter for this request: Twilio, or the offline simulator writing in its session (whose
    texts are delivered by a job deferred in the same transaction)."""
    settings = request.app.state.settings
    return sms_senders(settings, on_local_send=sms_webhooks.defer_delivery)(db)


@router.post("/api/v1/leads/{lead_id}/sms", response_model=SentOut, status_code=201)
async def send_text(
    lead_id: uuid.UUID, body: SmsIn, request: Request, user: SubscriberUser, db: DbSession
) -> SentOut:
    """Text the lead's owner at one of the numbers you unlocked: charges `sms_send` per segment.
    403 when the plan lacks SMS or the compliance guard refuses (its message says which rule),
    402/409 when the ledger refuses, 503 when the provider did not take it (refunded)."""
    sent = await sms.send_sms(
        db,
        user,
        lead_id,
        body.to,
        body.body,
        template=body.template,
        sender=sms_sender(request, db),
        now=now_new_york(),
        settings=request.app.state.settings,
    )
    return SentOut.of(sent)


@router.get("/api/v1/leads/{lead_id}/sms", response_model=SmsPageOut)
async def list_texts(
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: str | None = None,
) -> SmsPageOut:
    """The lead's texts both ways, newest first (keyset pages)."""
    items, next_cursor = await sms.thread_page(db, user, lead_id, limit=limit, cursor=cursor)
    return SmsPageOut(items=[SmsMessageOut.of(m) for m in items], next_cursor=next_cursor)


@router.post("/api/v1/leads/{lead_id}/sms/preview", response_model=PreviewOut)
async def preview_text(
    lead_id: uuid.UUID, body: PreviewIn, user: SubscriberUser, db: DbSession
) -> PreviewOut:
    """The text as it would go out (variables filled in), its segments, token cost and your
    balance; with `to`, what the compliance guard would say now. Charges and records nothing."""
    preview = await sms.preview(
        db,
        user,
        lead_id,
        body=body.body,
        template=body.template,
        to=body.to,
        now=now_new_york(),
    )
    return PreviewOut.of(preview)


async def _form(request: Request) -> tuple[dict[str, str], str | None]:
    form = await request.form()
    params = {key: str(value) for key, value in form.items()}
    return params, request.headers.get(SIGNATURE_HEADER)


def _twiml() -> Response:
    return Response(sms_webhooks.EMPTY_TWIML, media_type="text/xml")


@router.post(sms.INBOUND_PATH, include_in_schema=False)
@csrf_exempt  # Twilio signs the form; verified before anything else
@public
async def twilio_inbound(request: Request, db: DbSession) -> Response:
    params, signature = await _form(request)
    await sms_webhooks.receive_reply(db, request.app.state.settings, params, signature)
    return _twiml()


@router.post(sms.STATUS_PATH, include_in_schema=False)
@csrf_exempt  # Twilio signs the form; verified before anything else
@public
async def twilio_status(request: Request, db: DbSession) -> Response:
    params, signature = await _form(request)
    await sms_webhooks.receive_report(db, request.app.state.settings, params, signature)
    return _twiml()
