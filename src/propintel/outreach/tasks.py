"""Outreach jobs: webhook events of the SMS and e-mail providers, e-mail sequence steps, CRM
sync."""

from __future__ import annotations

import uuid

from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.integrations.providers import crm_client
from propintel.jobs.registry import job
from propintel.kit.clock import now_new_york
from propintel.outreach import crm as crm_service


# --- CRM sync (docs/outreach/crm.md) -------------------------------------------------------------
# No Procrastinate retry: the job records a failure itself and the periodic job queues it again at
# its retry time (crm.backoff); a row lock keeps two syncs of one contact apart.
@job(crm_service.SYNC_JOB)
async def crm_sync_job(session: AsyncSession, *, contact_id: str) -> JSONDict:
    outcome = await crm_service.sync_contact(
        session,
        uuid.UUID(contact_id),
        settings=get_settings(),
        clients=crm_client,
        now=now_new_york(),
    )
    return {"contact_id": contact_id, "outcome": outcome}


@job(crm_service.FOLLOW_JOB, lock=crm_service.FOLLOW_JOB, queueing_lock=crm_service.FOLLOW_JOB)
async def crm_follow_job(session: AsyncSession, *, timestamp: int | None = None) -> JSONDict:
    """Every 5 minutes: queue the CRM syncs due for a retry and those of leads changed since."""
    followed = await crm_service.follow_changes(session, now_new_york())
    return {"users": followed.users, "retries": followed.retries, "changed": followed.changed}
