"""E-mail outreach API (one-off e-mails, sequences) and SendGrid's webhooks.

The Event Webhook verifies its ECDSA signature before anything else (403, nothing stored); the
Inbound Parse webhook is known by its secret path (anything else: 404). Both store through the
webhook inbox and answer 200 to a replay, which changes nothing."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.integrations.email import EmailSenders
from propintel.integrations.sendgrid import events as sendgrid_events
from propintel.kit.clock import now_new_york
from propintel.kit.errors import NotFound
from propintel.kit.i18n import _
from propintel.outreach import email_events, email_outreach
from propintel.outreach.email_content import Step
from propintel.outreach.email_schemas import (
    MAX_PAGE,
    EmailIn,
    EmailOut,
    EmailPageOut,
    SequenceIn,
    SequenceOut,
)
from propintel.web.security import csrf_exempt, public

router = APIRouter(tags=["e-mail outreach"])
MAX_INBOUND_PART = 5 * 1024 * 1024


def email_senders_of(request: Request) -> EmailSenders:
    senders: EmailSenders = request.app.state.email_senders
    return senders


@router.post("/api/v1/leads/{lead_id}/emails", response_model=EmailOut, status_code=201)
async def send_email(
    lead_id: uuid.UUID, body: EmailIn, request: Request, user: SubscriberUser, db: DbSession
) -> EmailOut:
    """E-mail the lead's owner once, at an address you unlocked: charges one `email_send`.
    403 without the plan feature or when the compliance guard refuses (its message says which
    rule); 409 without a postal address on your profile; 402/409 when the ledger refuses;
    503 when the provider did not take it (refunded)."""
    draft = await email_outreach.one_off_draft(db, user, body.template, body.subject, body.body)
    delivery = await email_outreach.send_email(
        db,
        user,
        lead_id,
        body.to,
        draft.subject,
        draft.body,
        now=now_new_york(),
        senders=email_senders_of(request),
        settings=request.app.state.settings,
        locale=draft.locale,
        script_id=draft.script_id,
    )
    return EmailOut.of(await email_outreach.email_log(db, user, delivery.log_id))


@router.get("/api/v1/leads/{lead_id}/emails", response_model=EmailPageOut)
async def list_emails(
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: str | None = None,
) -> EmailPageOut:
    """The e-mails sent to the lead's owner, newest first (keyset pages), with what became of
    each: opened, clicked, replied, bounced, unsubscribed."""
    items, next_cursor = await email_outreach.lead_emails(
        db, user, lead_id, limit=limit, cursor=cursor
    )
    return EmailPageOut(items=[EmailOut.of(log) for log in items], next_cursor=next_cursor)


@router.post("/api/v1/leads/{lead_id}/sequences", response_model=SequenceOut, status_code=201)
async def start_sequence(
    lead_id: uuid.UUID, body: SequenceIn, request: Request, user: SubscriberUser, db: DbSession
) -> SequenceOut:
    """Start a sequence (one open per lead: 409 otherwise). A step on day 0 is sent at once and
    charged; the others by the minute job, each charged as it goes."""
    locale: str | None
    if body.steps:
        steps = [Step(s.day, s.subject, s.body) for s in body.steps]
        name = body.name or _("My sequence")
        locale = body.locale
    else:
        assert body.template is not None
        choice = await email_outreach.template_choice(db, user, body.template)
        steps, name, locale = list(choice.steps), body.name or choice.label, choice.locale
    sequence = await email_outreach.start_sequence(
        db,
        user,
        lead_id,
        body.to,
        name,
        steps,
        now=now_new_york(),
        senders=email_senders_of(request),
        settings=request.app.state.settings,
        locale=locale or body.locale,
    )
    return SequenceOut.of(sequence)


@router.get("/api/v1/leads/{lead_id}/sequences", response_model=list[SequenceOut])
async def list_sequences(
    lead_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> list[SequenceOut]:
    """The lead's sequences (the open one first, then the five newest)."""
    return [SequenceOut.of(s) for s in await email_outreach.lead_sequences(db, user, lead_id)]


@router.get("/api/v1/sequences/{sequence_id}", response_model=SequenceOut)
async def get_sequence(sequence_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> SequenceOut:
    return SequenceOut.of(await email_outreach.get_sequence(db, user, sequence_id))


@router.post("/api/v1/sequences/{sequence_id}/pause", response_model=SequenceOut)
async def pause_sequence(
    sequence_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> SequenceOut:
    sequence = await email_outreach.pause_sequence(db, user, sequence_id, now=now_new_york())
    return SequenceOut.of(sequence)


@router.post("/api/v1/sequences/{sequence_id}/resume", response_model=SequenceOut)
async def resume_sequence(
    sequence_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> SequenceOut:
    """409 after an opt-out or a bounce, or while the lead is won/lost; 403 when the guard
    would block the address."""
    sequence = await email_outreach.resume_sequence(db, user, sequence_id, now=now_new_york())
    return SequenceOut.of(sequence)


@router.post("/api/v1/sequences/{sequence_id}/stop", response_model=SequenceOut)
async def stop_sequence(sequence_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> SequenceOut:
    sequence = await email_outreach.stop_sequence(db, user, sequence_id, now=now_new_york())
    return SequenceOut.of(sequence)


# ---- SendGrid's webhooks -------------------------------------------------------------------------


@router.post("/webhooks/sendgrid/events", include_in_schema=False)
@csrf_exempt  # SendGrid signs the body; verified before anything else
@public
async def sendgrid_events_webhook(request: Request, db: DbSession) -> JSONResponse:
    """403 (nothing stored) unless the ECDSA signature signs timestamp + raw body within 5
    minutes; 200 otherwise, also for a replay (stored once, applied once)."""
    new = await email_events.receive_events(
        db,
        request.app.state.settings,
        await request.body(),
        request.headers.get(sendgrid_events.SIGNATURE_HEADER),
        request.headers.get(sendgrid_events.TIMESTAMP_HEADER),
    )
    return JSONResponse({"received": True, "new": new})


@router.post("/webhooks/sendgrid/inbound/{secret}", include_in_schema=False)
@csrf_exempt  # known by its secret path (Inbound Parse does not sign)
@public
async def sendgrid_inbound_webhook(secret: str, request: Request, db: DbSession) -> JSONResponse:
    """A reply posted by Inbound Parse (multipart: from, to, subject, text, headers, envelope).
    404 for any other path; 200 otherwise, also for a replay."""
    settings = request.app.state.settings
    if not sendgrid_events.inbound_secret_matches(settings, secret):
        raise NotFound(_("There is nothing here."))
    raw = await request.body()
    form = await request.form(max_part_size=MAX_INBOUND_PART)
    fields = {
        name: value
        for name in email_events.INBOUND_FIELDS
        if isinstance(value := form.get(name), str)
    }
    new = await email_events.receive_reply(db, settings, secret, fields, raw, now=now_new_york())
    return JSONResponse({"received": True, "duplicate": not new})
