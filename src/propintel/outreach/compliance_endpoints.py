"""The compliance guard's API: a subscriber's consents and opt-outs, and a dry-run check
(``/api/v1/outreach/…``). Scoped by the caller: another subscriber's consent is a 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.kit.pagination import Page
from propintel.outreach import compliance, compliance_records
from propintel.outreach.compliance_schemas import (
    CheckIn,
    CheckOut,
    ConsentIn,
    ConsentOut,
    OptOutCreated,
    OptOutIn,
    OptOutOut,
)

router = APIRouter(prefix="/api/v1/outreach", tags=["outreach compliance"])
MAX_PAGE = 100


@router.get("/consents", response_model=Page[ConsentOut])
async def list_consents(
    user: SubscriberUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: str | None = None,
    contact: Annotated[str | None, Query(max_length=255)] = None,
) -> Page[ConsentOut]:
    """Your consents (revoked ones included), the latest recorded first."""
    rows, next_cursor = await compliance_records.consents_page(
        db, user.user_id, limit=limit, cursor=cursor, contact=contact
    )
    return Page(items=[ConsentOut.of(row) for row in rows], next_cursor=next_cursor)


@router.post("/consents", response_model=ConsentOut, status_code=201)
async def add_consent(body: ConsentIn, user: SubscriberUser, db: DbSession) -> ConsentOut:
    """Record an owner's consent to your texts, calls or e-mails (required before texting or
    calling: docs/outreach/compliance.md)."""
    now = now_new_york()
    consent_id = await compliance.record_consent(
        db,
        user_id=user.user_id,
        contact=body.contact,
        channel=body.channel,
        source=body.source,
        evidence=body.evidence,
        consented_at=body.consented_at or now,
        now=now,
    )
    return ConsentOut.of(await compliance_records.consent(db, user.user_id, consent_id))


@router.post("/consents/{consent_id}/revoke", response_model=ConsentOut)
async def revoke_consent(consent_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> ConsentOut:
    """Revoke one of your consents from now on (the record stays as evidence)."""
    await compliance.revoke_consent(db, user_id=user.user_id, consent_id=consent_id)
    return ConsentOut.of(await compliance_records.consent(db, user.user_id, consent_id))


@router.get("/opt-outs", response_model=Page[OptOutOut])
async def list_opt_outs(
    user: SubscriberUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: str | None = None,
) -> Page[OptOutOut]:
    """Your account's opt-outs, the latest first (the platform's also apply, and are not listed)."""
    rows, next_cursor = await compliance_records.opt_outs_page(
        db, user.user_id, limit=limit, cursor=cursor
    )
    return Page(items=[OptOutOut.of(row) for row in rows], next_cursor=next_cursor)


@router.post("/opt-outs", response_model=OptOutCreated)
async def add_opt_out(
    body: OptOutIn, user: SubscriberUser, db: DbSession, response: Response
) -> OptOutCreated:
    """Opt a contact out of your texts, calls or e-mails, for good (201; 200 when it already
    was)."""
    created = await compliance.record_opt_out(
        db, user_id=user.user_id, contact=body.contact, channel=body.channel, reason="manual"
    )
    response.status_code = 201 if created else 200
    return OptOutCreated(created=created)


@router.post("/check", response_model=CheckOut)
async def check(body: CheckIn, user: SubscriberUser, db: DbSession) -> CheckOut:
    """What the guard would say now about reaching ``contact`` (a dry run: nothing is recorded
    and it does not count towards any limit)."""
    blocked = await compliance.evaluate(
        db,
        user=user,
        channel=body.channel,
        contact=body.contact,
        property_id=None,
        lead_id=body.lead_id,
    )
    if blocked is None:
        return CheckOut(allowed=True)
    return CheckOut(
        allowed=False, rule=blocked.rule, rule_label=blocked.rule.label, message=blocked.message
    )
