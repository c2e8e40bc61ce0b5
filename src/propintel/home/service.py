"""Read-only figures for the dashboards (each scoped to the user it is shown to), gathered from
each domain's service; and the local email outbox, a user's messages (an admin's: everyone's)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth import service as auth_service
from propintel.auth.models import User
from propintel.home.repository import HomeRepository
from propintel.integrations.local.outbox_repository import OutboxEmail, OutboxRepository
from propintel.jobs.runs import schedule_status
from propintel.kit.clock import today_new_york
from propintel.kit.errors import NotFound
from propintel.kit.pagination import KeyPart, Listing
from propintel.leads import service as leads_service
from propintel.leads.service import due_followups
from propintel.scoring.service import scores_refreshed_at
from propintel.search.service import presets_of
from propintel.tokens import service as tokens_service

DUE_FOLLOWUPS_SHOWN = 10
RECENT_JOBS_SHOWN = 20
OUTBOX = Listing("outbox", (KeyPart.DATETIME, KeyPart.UUID))


async def subscriber_summary(db: AsyncSession, user: User) -> dict[str, Any]:
    due = await due_followups(db, user.user_id, today_new_york(), limit=DUE_FOLLOWUPS_SHOWN)
    return {
        "saved_leads": await leads_service.count_saved_leads(db, user.user_id),
        "due_followups": due,
        "presets": await presets_of(db, user),
        "scores_refreshed_at": await scores_refreshed_at(db),
    }


async def homeowner_summary(db: AsyncSession, user: User) -> dict[str, Any]:
    jobs = await HomeRepository.from_session(db).recent_jobs(user.user_id, RECENT_JOBS_SHOWN)
    return {"jobs": jobs}


async def admin_summary(db: AsyncSession) -> dict[str, Any]:
    return {
        "user_counts": await auth_service.count_users_by_type(db),
        "pool": await tokens_service.company_pool(db),
        "scheduled_jobs": await schedule_status(db),
    }


async def outbox_page(
    db: AsyncSession, owner: uuid.UUID | None, limit: int, cursor: str | None = None
) -> tuple[list[OutboxEmail], str | None]:
    """One page of ``owner``'s messages (None: everyone's), newest first, and the cursor of the
    next page (None: the last)."""
    after = OUTBOX.decode_optional(cursor)
    emails = await OutboxRepository.from_session(db).page(owner, after, limit + 1)
    return OUTBOX.page(emails, limit, key=lambda email: (email.created_at, email.email_id))


async def outbox_count(db: AsyncSession, owner: uuid.UUID | None) -> int:
    return await OutboxRepository.from_session(db).count(owner)


async def outbox_email(
    db: AsyncSession, email_id: uuid.UUID, owner: uuid.UUID | None
) -> OutboxEmail:
    """One message of ``owner``'s (None: anyone's); ``NotFound`` for any other."""
    email = await OutboxRepository.from_session(db).get(email_id, owner)
    if email is None:
        raise NotFound("No such email in your outbox.")
    return email
