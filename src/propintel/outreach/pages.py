"""The lead's outreach page: everything a subscriber does to reach the owner of a saved lead."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.outreach import compliance_pages, crm_pages, email_pages, sms_pages, unlock_pages
from propintel.outreach.targets import lead_target
from propintel.outreach.workspace import Section
from propintel.web.templating import render

router = APIRouter(include_in_schema=False)

# In page order. Each area adds its section here.
SECTIONS: tuple[Section, ...] = (
    unlock_pages.SECTION,
    compliance_pages.SECTION,
    sms_pages.SECTION,
    email_pages.SECTION,
    crm_pages.SECTION,
)


@router.get("/leads/{lead_id}/outreach")
async def outreach_page(
    request: Request, lead_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    target = await lead_target(db, user, lead_id)
    built = {s.name: await s.build(request, db, user, target) for s in SECTIONS}
    context = {"target": target, "lead_id": lead_id, "sections": SECTIONS, "built": built}
    return render(request, "outreach/lead.html", context)
