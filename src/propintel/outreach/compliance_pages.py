"""The compliance guard's pages: a subscriber's "Consents & opt-outs", the guard's section of a
lead's outreach page, and the admin's Do-Not-Call list (registry import, counts, the platform's
opt-outs)."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.audit.service import AuditFilters, audit, audit_page
from propintel.auth.deps import AdminUser, SubscriberUser
from propintel.auth.models import User
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.kit.errors import DomainError, Invalid
from propintel.kit.i18n import _
from propintel.outreach import compliance, compliance_records, dnc, unlock
from propintel.outreach.compliance import ConsentSource, rule_label
from propintel.outreach.compliance_records import channel_label, contact_display, source_label
from propintel.outreach.targets import Target, lead_target
from propintel.outreach.workspace import Section
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/outreach/consents"
ADMIN_PAGE = "/admin/dnc"
DNC_IMPORT = "dnc.import"  # the audit action of an import
AUDITED_BAD_LINES = 100  # bad lines an import's audit entry keeps (all are counted)
RECENT_IMPORTS = 5
PER_PAGE = 25
# The consent form's channel choices: one consent per channel; "texts and calls" records two.
FORM_CHANNELS = {
    "sms": ("sms",),
    "call": ("call",),
    "sms_call": ("sms", "call"),
    "email": ("email",),
}

HELPERS = {
    "channel_label": channel_label,
    "source_label": source_label,
    "contact_display": contact_display,
    "rule_label": rule_label,
    "sources": list(ConsentSource),
}


def _form_channel_label(value: str) -> str:
    return _("Texts and calls") if value == "sms_call" else channel_label(value).capitalize()


def _consent_form_values(now: datetime, **values: str) -> dict[str, str]:
    return {
        "contact": "",
        "channel": "sms_call",
        "source": "",
        "evidence": "",
        "consented_at": now.strftime("%Y-%m-%dT%H:%M"),
        **values,
    }


async def _record_consent_form(
    db: AsyncSession, user: User, values: dict[str, str], now: datetime
) -> int:
    """Record the consent form's consent(s); how many. ``Invalid`` naming the field."""
    channels = FORM_CHANNELS.get(values["channel"])
    if channels is None:
        raise Invalid(_("Choose text, call or e-mail."), field="channel")
    try:
        consented_at = datetime.fromisoformat(values["consented_at"])
    except ValueError:
        raise Invalid(_("Enter the date and time of the consent."), field="consented_at") from None
    for channel in channels:
        await compliance.record_consent(
            db,
            user_id=user.user_id,
            contact=values["contact"],
            channel=channel,
            source=values["source"],
            evidence=values["evidence"],
            consented_at=consented_at.replace(tzinfo=None),
            now=now,
        )
    return len(channels)


# --- the subscriber's page --------------------------------------------------------------------


async def _consents_context(
    db: AsyncSession,
    user: User,
    *,
    cursor: str | None,
    opt_cursor: str | None,
    **extra: Any,
) -> dict[str, Any]:
    now = now_new_york()
    consents, next_consents = await compliance_records.consents_page(
        db, user.user_id, limit=PER_PAGE, cursor=cursor
    )
    opt_outs, next_opt_outs = await compliance_records.opt_outs_page(
        db, user.user_id, limit=PER_PAGE, cursor=opt_cursor
    )
    context: dict[str, Any] = {
        "consents": consents,
        "opt_outs": opt_outs,
        "next_consents_url": f"{PAGE}?{urlencode({'cursor': next_consents})}"
        if next_consents
        else None,
        "next_opt_outs_url": f"{PAGE}?{urlencode({'opt_cursor': next_opt_outs})}#opt-outs"
        if next_opt_outs
        else None,
        "first_url": PAGE if cursor or opt_cursor else None,
        "form_channels": [(key, _form_channel_label(key)) for key in FORM_CHANNELS],
        "opt_out_channels": [
            (key, _form_opt_out_label(key)) for key in compliance.OPT_OUT_CHANNELS
        ],
        "values": _consent_form_values(now),
        "opt_values": {"contact": "", "channel": "all"},
        "errors": {},
        "opt_errors": {},
        **HELPERS,
    }
    context.update(extra)
    return context


def _form_opt_out_label(value: str) -> str:
    return _("All channels") if value == "all" else channel_label(value).capitalize()


@router.get(PAGE)
async def consents_page(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    cursor: str | None = None,
    opt_cursor: str | None = None,
) -> Response:
    context = await _consents_context(db, user, cursor=cursor, opt_cursor=opt_cursor)
    return render(request, "outreach/compliance_consents.html", context)


@router.post(PAGE)
async def add_consent(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    contact: str = Form(""),
    channel: str = Form(""),
    source: str = Form(""),
    evidence: str = Form(""),
    consented_at: str = Form(""),
) -> Response:
    now = now_new_york()
    values = {
        "contact": contact,
        "channel": channel,
        "source": source,
        "evidence": evidence,
        "consented_at": consented_at,
    }
    try:
        count = await _record_consent_form(db, user, values, now)
    except DomainError as error:
        context = await _consents_context(
            db,
            user,
            cursor=None,
            opt_cursor=None,
            values=_consent_form_values(now, **values),
            errors={error.field or "form": error.message},
        )
        return render(request, "outreach/compliance_consents.html", context, status_code=422)
    message = _("Consent recorded.") if count == 1 else _("Consents recorded.")
    return redirect_with_flash(request, PAGE, message, "success")


@router.post(PAGE + "/{consent_id}/revoke")
async def revoke_consent(
    request: Request, consent_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    await compliance.revoke_consent(db, user_id=user.user_id, consent_id=consent_id)
    return redirect_with_flash(
        request, PAGE, _("Consent revoked: texts and calls it allowed are now refused."), "success"
    )


@router.post("/outreach/opt-outs")
async def add_opt_out(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    contact: str = Form(""),
    channel: str = Form("all"),
) -> Response:
    try:
        created = await compliance.record_opt_out(
            db, user_id=user.user_id, contact=contact, channel=channel, reason="manual"
        )
    except DomainError as error:
        context = await _consents_context(
            db,
            user,
            cursor=None,
            opt_cursor=None,
            opt_values={"contact": contact, "channel": channel},
            opt_errors={error.field or "form": error.message},
        )
        return render(request, "outreach/compliance_consents.html", context, status_code=422)
    message = (
        _("Opt-out recorded: this contact will not be reached that way again.")
        if created
        else _("This opt-out was already recorded.")
    )
    return redirect_with_flash(request, PAGE + "#opt-outs", message, "success")


# --- the section of the lead's outreach page --------------------------------------------------

RECENT_ATTEMPTS = 10


async def _owner_contacts(db: AsyncSession, user: User, target: Target) -> list[str]:
    """The numbers and addresses of the owner that ``user`` unlocked (none when not unlocked)."""
    contact = await unlock.unlocked_contact(db, user, target.property_id)
    if contact is None:
        return []
    return [phone.number for phone in contact.phones] + list(contact.emails)


async def build_section(
    request: Request, db: AsyncSession, user: User, target: Target
) -> dict[str, Any]:
    """The guard's section: how many subscribers contacted this owner lately (of the limit),
    this subscriber's latest attempts and blocks on the lead, the consent status of the owner's
    unlocked numbers, and a form to record a consent."""
    now = now_new_york()
    limit = request.app.state.settings.owner_fatigue_limit
    contacting = await compliance.subscribers_contacting(db, target.property_id, now)
    contacts = await _owner_contacts(db, user, target)
    statuses = await compliance_records.contact_statuses(db, user.user_id, contacts, now)
    attempts = (
        await compliance_records.attempts_on_lead(db, user.user_id, target.lead_id, RECENT_ATTEMPTS)
        if target.lead_id
        else []
    )
    phones = [status for status in statuses if status.kind == "phone"]
    prefill = next((s.contact for s in phones if not s.litigator), "")
    return {
        "contacting": contacting,
        "limit": limit,
        "full": contacting >= limit,
        "attempts": attempts,
        "statuses": statuses,
        "unlocked": bool(contacts),
        "form": _consent_form_values(now, contact=contact_display(prefill) if prefill else ""),
        "form_channels": [(key, _form_channel_label(key)) for key in FORM_CHANNELS],
        **HELPERS,
    }


@router.post("/leads/{lead_id}/outreach/consent")
async def add_lead_consent(
    request: Request,
    lead_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    contact: str = Form(""),
    channel: str = Form(""),
    source: str = Form(""),
    evidence: str = Form(""),
    consented_at: str = Form(""),
) -> Response:
    """The section's consent form: recorded, or its error, shown back on the lead's page."""
    await lead_target(db, user, lead_id)  # another subscriber's lead: 404
    back = f"/leads/{lead_id}/outreach#guard"
    values = {
        "contact": contact,
        "channel": channel,
        "source": source,
        "evidence": evidence,
        "consented_at": consented_at,
    }
    try:
        await _record_consent_form(db, user, values, now_new_york())
    except DomainError as error:
        return redirect_with_flash(request, back, error.message, "error")
    return redirect_with_flash(
        request, back, _("Consent recorded for {contact}.").format(contact=contact), "success"
    )


# --- the admin's Do-Not-Call page -------------------------------------------------------------


@dataclass(frozen=True)
class PastImport:
    at: datetime
    by: str | None
    report: dnc.DncImport


async def _recent_imports(db: AsyncSession) -> list[PastImport]:
    """The latest imports, from the audit trail (which keeps each one's report)."""
    entries, _next = await audit_page(db, AuditFilters(action=DNC_IMPORT), limit=RECENT_IMPORTS)
    return [
        PastImport(entry.timestamp, entry.admin_email, dnc.DncImport.from_dict(after))
        for entry in entries
        if isinstance(after := (entry.changes or {}).get("after"), dict)
    ]


async def _dnc_context(db: AsyncSession, cursor: str | None, **extra: Any) -> dict[str, Any]:
    opt_outs, next_cursor = await compliance_records.platform_opt_outs_page(
        db, limit=PER_PAGE, cursor=cursor
    )
    context: dict[str, Any] = {
        "counts": await dnc.counts_by_area_code(db),
        "total": await dnc.listed_total(db),
        "opt_outs": opt_outs,
        "next_url": f"{ADMIN_PAGE}?{urlencode({'cursor': next_cursor})}#platform-opt-outs"
        if next_cursor
        else None,
        "first_url": ADMIN_PAGE if cursor else None,
        "opt_out_channels": [
            (key, _form_opt_out_label(key)) for key in compliance.OPT_OUT_CHANNELS
        ],
        "imports": await _recent_imports(db),
        "audited_bad_lines": AUDITED_BAD_LINES,
        "opt_error": None,
        "opt_values": {"contact": "", "channel": "all"},
        **HELPERS,
    }
    context.update(extra)
    return context


@router.get(ADMIN_PAGE)
async def dnc_page(
    request: Request, _admin: AdminUser, db: DbSession, cursor: str | None = None
) -> Response:
    return render(request, "outreach/compliance_dnc.html", await _dnc_context(db, cursor))


@router.post(ADMIN_PAGE)
async def dnc_upload(
    request: Request, admin: AdminUser, db: DbSession, file: UploadFile = File(...)
) -> Response:
    """Import one registry file now (the command line is better for many large files). Its
    report, with the first bad lines, is kept in the audit trail, where the page reads it back."""
    name = file.filename or "upload"
    lines = io.TextIOWrapper(file.file, encoding="utf-8", errors="replace", newline="")
    report = await dnc.import_dnc(db, lines, name=name)
    summary = report.as_dict(max_bad_lines=AUDITED_BAD_LINES)
    await audit(db, admin, DNC_IMPORT, "dnc_numbers", None, None, summary)
    message = _(
        "{file}: {added} numbers added, {listed} already listed, {bad} bad lines set aside."
    ).format(file=name, added=report.added, listed=report.already_listed, bad=report.bad_total)
    level = "warning" if report.bad_total else "success"
    return redirect_with_flash(request, ADMIN_PAGE + "#last-import", message, level)


@router.post(ADMIN_PAGE + "/opt-outs")
async def add_platform_opt_out(
    request: Request,
    admin: AdminUser,
    db: DbSession,
    contact: str = Form(""),
    channel: str = Form("all"),
) -> Response:
    try:
        created = await compliance_records.add_platform_opt_out(
            db, admin, contact=contact, channel=channel
        )
    except DomainError as error:
        context = await _dnc_context(
            db, None, opt_error=error.message, opt_values={"contact": contact, "channel": channel}
        )
        return render(request, "outreach/compliance_dnc.html", context, status_code=422)
    message = (
        _("Opted out of the whole platform: no subscriber can reach this contact that way.")
        if created
        else _("This opt-out was already recorded.")
    )
    return redirect_with_flash(request, ADMIN_PAGE + "#platform-opt-outs", message, "success")


SECTION = Section("guard", "outreach/compliance_section.html", build_section)
