"""The e-mail section of the lead's outreach page (the e-mails sent and what became of them, a
one-off form, the sequence and its buttons) and its forms, and the owners' unsubscribe page.

- ``POST /leads/{id}/email``: a one-off; a refusal re-renders the form with its message and the
  text as typed.
- ``POST /leads/{id}/email/sequences``: start one from a template; ``…/{seq}/pause|resume|stop``.
- ``GET /unsubscribe/{token}`` (public): a confirmation with one button; ``POST`` the same URL
  (public, no CSRF token: RFC 8058's one-click, sent by mail clients) unsubscribes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import SubscriberUser
from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.db.session import DbSession
from propintel.integrations.email import uses_local_email
from propintel.kit.clock import now_new_york
from propintel.kit.errors import DomainError
from propintel.kit.i18n import _, current_locale
from propintel.outreach import email_events, email_outreach
from propintel.outreach.email_content import MAX_BODY, MAX_SUBJECT, render_variables
from propintel.outreach.email_endpoints import email_senders_of
from propintel.outreach.email_repository import EmailSequence
from propintel.outreach.targets import Target, lead_target
from propintel.outreach.workspace import Section
from propintel.tokens import service as tokens
from propintel.web.security import csrf_exempt, public
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
SHOWN = 20
Subject = Annotated[str, Form(max_length=MAX_SUBJECT * 2)]
Body = Annotated[str, Form(max_length=MAX_BODY)]
ShortField = Annotated[str | None, Form(max_length=254)]


def _anchor(lead_id: uuid.UUID) -> str:
    return f"/leads/{lead_id}/outreach#email"


def sequence_view(
    sequence: EmailSequence, values: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A sequence as the section shows it: its status and pause reason in words, each step sent,
    next (with its date) or planned, its subject filled in with ``values`` when given."""
    steps = []
    for index, step in enumerate(sequence.steps):
        if index < sequence.next_step:
            state = "sent"
        elif index == sequence.next_step and sequence.is_open:
            state = "next"
        else:
            state = "planned" if sequence.is_open else "not_sent"
        steps.append(
            {
                "number": index + 1,
                "day": int(step["day"]),
                "subject": render_variables(step["subject"], values)
                if values is not None
                else step["subject"],
                "state": state,
                "planned_at": sequence.started_at + timedelta(days=int(step["day"])),
            }
        )
    return {
        "sequence": sequence,
        "status": _(email_outreach.SEQUENCE_STATUS.get(sequence.status, sequence.status)),
        "reason": email_outreach.pause_reason_text(sequence.pause_reason),
        "resumable": sequence.status == "paused"
        and sequence.pause_reason not in email_outreach.NOT_RESUMABLE,
        "steps": steps,
    }


async def _form_context(
    request: Request, db: AsyncSession, user: User, target: Target
) -> dict[str, Any]:
    """What the forms need: the owner's addresses, the templates, the price and the balance,
    and whether the sender's postal address is missing."""
    price = await catalog.action_price(db, email_outreach.ACTION)
    summary = await tokens.balance_summary(db, user.user_id)
    return {
        "addresses": await email_outreach.owner_addresses(db, user, target),
        "postal_missing": await email_outreach.sender_facts(db, user) is None,
        "templates": await email_outreach.templates_for(db, user),
        "token_price": price.tokens_required if price else 0,
        "balance": summary.balance,
        "simulator": uses_local_email(request.app.state.settings),
    }


async def build_section(
    request: Request, db: AsyncSession, user: User, target: Target
) -> dict[str, Any]:
    """The e-mail section: the upgrade message without the feature, else the e-mails, the
    sequences and the forms."""
    try:
        await catalog.require_feature(db, user, email_outreach.FEATURE)
    except catalog.FeatureNotInPlan as refusal:
        return {"upgrade": refusal.message}
    assert target.lead_id is not None
    logs, more = await email_outreach.lead_emails(db, user, target.lead_id, limit=SHOWN)
    sequences = await email_outreach.lead_sequences(db, user, target.lead_id)
    values = await email_outreach.variable_values(db, user, target, current_locale())
    views = [sequence_view(s, values) for s in sequences]
    return {
        "upgrade": None,
        "logs": logs,
        "more": more is not None,
        "open_sequence": next((v for v in views if v["sequence"].is_open), None),
        "past_sequences": [v for v in views if not v["sequence"].is_open],
        "form": {"to": None, "template": None, "subject": "", "body": ""},
        **await _form_context(request, db, user, target),
    }


SECTION = Section("email", "outreach/_email.html", build_section)


async def _compose_page(
    request: Request,
    db: AsyncSession,
    user: User,
    lead_id: uuid.UUID,
    form: dict[str, str | None],
    error: DomainError,
) -> Response:
    target = await lead_target(db, user, lead_id)
    context = {
        "target": target,
        "lead_id": lead_id,
        "section": {"form": form, **await _form_context(request, db, user, target)},
        "error": error.message,
        "error_field": error.field,
    }
    return render(request, "outreach/email_compose.html", context, status_code=error.status_code)


@router.post("/leads/{lead_id}/email")
async def send_email(
    request: Request,
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    to: ShortField = None,
    template: Annotated[str | None, Form(max_length=80)] = None,
    subject: Subject = "",
    body: Body = "",
) -> Response:
    """Send a one-off; a refusal (plan, address, postal address, the guard, the ledger, the
    provider) shows its message on the form. A block's record and a failure's refund are kept."""
    form = {"to": to, "template": template or None, "subject": subject, "body": body}
    try:
        draft = await email_outreach.one_off_draft(db, user, template or None, subject, body)
        delivery = await email_outreach.send_email(
            db,
            user,
            lead_id,
            to or "",
            draft.subject,
            draft.body,
            now=now_new_york(),
            senders=email_senders_of(request),
            settings=request.app.state.settings,
            locale=draft.locale,
            script_id=draft.script_id,
        )
    except DomainError as error:
        if error.status_code == 404:
            raise
        return await _compose_page(request, db, user, lead_id, form, error)
    log = await email_outreach.email_log(db, user, delivery.log_id)
    message = _('E-mail "{subject}" sent to {to}. One credit was charged.').format(
        subject=log.email_subject, to=log.to_email
    )
    return redirect_with_flash(request, _anchor(lead_id), message, "success")


@router.post("/leads/{lead_id}/email/sequences")
async def start_sequence(
    request: Request,
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    to: ShortField = None,
    template: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    try:
        choice = await email_outreach.template_choice(db, user, template)
        sequence = await email_outreach.start_sequence(
            db,
            user,
            lead_id,
            to or "",
            choice.label,
            list(choice.steps),
            now=now_new_york(),
            senders=email_senders_of(request),
            settings=request.app.state.settings,
            locale=choice.locale,
        )
    except DomainError as error:
        if error.status_code == 404:
            raise
        return redirect_with_flash(request, _anchor(lead_id), error.message, "error")
    view = sequence_view(sequence)
    if sequence.status == "paused":
        message = _('Sequence "{name}" started, and paused: {reason}').format(
            name=sequence.name, reason=view["reason"]
        )
        return redirect_with_flash(request, _anchor(lead_id), message, "warning")
    return redirect_with_flash(
        request,
        _anchor(lead_id),
        _('Sequence "{name}" started.').format(name=sequence.name),
        "success",
    )


@router.post("/leads/{lead_id}/email/sequences/{sequence_id}/{action}")
async def change_sequence(
    request: Request,
    lead_id: uuid.UUID,
    sequence_id: uuid.UUID,
    action: Literal["pause", "resume", "stop"],
    user: SubscriberUser,
    db: DbSession,
) -> Response:
    change = {
        "pause": email_outreach.pause_sequence,
        "resume": email_outreach.resume_sequence,
        "stop": email_outreach.stop_sequence,
    }[action]
    try:
        sequence = await change(db, user, sequence_id, now=now_new_york())
    except DomainError as error:
        if error.status_code == 404:
            raise
        return redirect_with_flash(request, _anchor(lead_id), error.message, "error")
    done = {
        "pause": _('Sequence "{name}" paused.'),
        "resume": _('Sequence "{name}" resumed.'),
        "stop": _('Sequence "{name}" stopped: no further e-mail will be sent.'),
    }[action]
    return redirect_with_flash(
        request, _anchor(sequence.lead_id), done.format(name=sequence.name), "success"
    )


# ---- the owners' unsubscribe page ----------------------------------------------------------------


@router.get("/unsubscribe/{token}")
@public
async def unsubscribe_page(token: str, request: Request, db: DbSession) -> Response:
    found = await email_events.unsubscribe_of(db, request.app.state.settings, token)
    return render(request, "outreach/unsubscribe.html", {"found": found, "token": token})


@router.post("/unsubscribe/{token}")
@csrf_exempt  # RFC 8058 one-click: mail clients post without our cookie; the token is the proof
@public
async def unsubscribe(token: str, request: Request, db: DbSession) -> Response:
    """Unsubscribe the owner from this sender's e-mail, for good (idempotent)."""
    found = await email_events.unsubscribe(
        db, request.app.state.settings, token, now=now_new_york()
    )
    return render(request, "outreach/unsubscribe.html", {"found": found, "token": token})
