"""The SMS section of the lead's outreach page (the thread and the send form) and its forms:
``POST /leads/{id}/sms/preview`` shows the text as it would go out (variables filled in, segments,
tokens, what the guard would say now), ``POST /leads/{id}/sms`` sends it. A refusal re-renders the
form with its message and the text as typed."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import SubscriberUser
from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.db.session import DbSession
from propintel.integrations.sms import MAX_BODY_CHARS, uses_local_sms
from propintel.kit.clock import now_new_york
from propintel.kit.errors import DomainError, Invalid
from propintel.kit.i18n import _
from propintel.kit.phones import display_phone
from propintel.outreach import sms
from propintel.outreach.sms_endpoints import sms_sender
from propintel.outreach.sms_templates import render as render_template
from propintel.outreach.targets import Target, lead_target
from propintel.outreach.workspace import Section
from propintel.tokens import service as tokens
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
THREAD_SHOWN = 30

Text = Annotated[str, Form(max_length=MAX_BODY_CHARS * 2)]


async def _form_context(
    request: Request, db: AsyncSession, user: User, target: Target
) -> dict[str, Any]:
    """What the send form needs: the owner's numbers, the templates rendered for this lead, the
    price and the balance."""
    numbers = await sms.owner_numbers(db, user, target)
    values = await sms.variables(db, user, target)
    templates = []
    for template in await sms.templates(db, user):
        try:
            rendered, problem = render_template(template.content, values), None
        except Invalid as error:
            rendered, problem = "", error.message
        templates.append(
            {
                "key": template.key,
                "name": template.name,
                "text": rendered,
                "problem": problem,
                "starter": template.starter,
            }
        )
    price = await catalog.action_price(db, sms.ACTION)
    summary = await tokens.balance_summary(db, user.user_id)
    return {
        "numbers": [
            {
                "number": n.number,
                "display": display_phone(n.number),
                "type": n.type,
                "dnc": n.dnc,
                "litigator": n.litigator,
            }
            for n in numbers
        ],
        "templates": templates,
        "token_price": price.tokens_required if price else 0,
        "balance": summary.balance,
        "max_chars": MAX_BODY_CHARS,
        "simulator": uses_local_sms(request.app.state.settings),
    }


async def build_section(
    request: Request, db: AsyncSession, user: User, target: Target
) -> dict[str, Any]:
    """The SMS section: the upgrade message without the feature, else the thread (its replies
    marked read as they are shown) and the send form."""
    if not await catalog.has_feature(db, user, sms.FEATURE):
        try:
            await catalog.require_feature(db, user, sms.FEATURE)
        except catalog.FeatureNotInPlan as refusal:
            return {"upgrade": refusal.message}
    conversation = await sms.read_thread(db, user, target, limit=THREAD_SHOWN, now=now_new_york())
    contacts = {m.contact for m in conversation.messages if m.contact}
    return {
        "upgrade": None,
        "conversation": conversation,
        "phone_display": {number: display_phone(number) for number in contacts},
        "form": {"to": None, "template": None, "body": ""},
        **await _form_context(request, db, user, target),
    }


SECTION = Section("sms", "outreach/_sms.html", build_section)


async def _compose_page(
    request: Request,
    db: AsyncSession,
    user: User,
    lead_id: uuid.UUID,
    form: dict[str, str | None],
    *,
    preview: sms.Preview | None = None,
    error: DomainError | None = None,
) -> Response:
    target = await lead_target(db, user, lead_id)
    context = {
        "target": target,
        "lead_id": lead_id,
        "section": {"form": form, **await _form_context(request, db, user, target)},
        "preview": preview,
        "error": error.message if error else None,
        "error_field": error.field if error else None,
    }
    status = error.status_code if error else 200
    return render(request, "outreach/sms_compose.html", context, status_code=status)


@router.post("/leads/{lead_id}/sms/preview")
async def preview_text(
    request: Request,
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    to: Annotated[str | None, Form(max_length=30)] = None,
    template: Annotated[str | None, Form(max_length=80)] = None,
    body: Text = "",
) -> Response:
    form = {"to": to, "template": template or None, "body": body}
    try:
        preview = await sms.preview(
            db,
            user,
            lead_id,
            body=body,
            template=template or None,
            to=to or None,
            now=now_new_york(),
        )
    except DomainError as error:
        if error.status_code == 404:
            raise
        return await _compose_page(request, db, user, lead_id, form, error=error)
    form["body"] = preview.body
    return await _compose_page(request, db, user, lead_id, form, preview=preview)


@router.post("/leads/{lead_id}/sms")
async def send_text(
    request: Request,
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    to: Annotated[str | None, Form(max_length=30)] = None,
    template: Annotated[str | None, Form(max_length=80)] = None,
    body: Text = "",
) -> Response:
    """Send; a refusal (plan, number, text, the guard, the ledger, the provider) shows its message
    on the form. The guard's record of a block and a provider failure's refund are kept."""
    try:
        sent = await sms.send_sms(
            db,
            user,
            lead_id,
            to,
            body,
            template=template or None,
            sender=sms_sender(request, db),
            now=now_new_york(),
            settings=request.app.state.settings,
        )
    except DomainError as error:
        if error.status_code == 404:
            raise
        form = {"to": to, "template": template or None, "body": body}
        return await _compose_page(request, db, user, lead_id, form, error=error)
    message = _(
        "Text sent to {number}: {segments} segment(s), {tokens} tokens. Your balance is {balance}."
    ).format(
        number=display_phone(sent.to),
        segments=sent.segments,
        tokens=sent.tokens,
        balance=sent.balance,
    )
    return redirect_with_flash(request, f"/leads/{lead_id}/outreach#sms", message, "success")
