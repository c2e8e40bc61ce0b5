"""Outreach jobs: webhook events of the SMS and e-mail providers, e-mail sequence steps, CRM
sync."""

from __future__ import annotations

import uuid

from procrastinate import RetryStrategy
from procrastinate.types import JSONDict, JSONValue
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.integrations.providers import configured_email_senders, crm_client
from propintel.jobs.registry import WEBHOOKS_QUEUE, job
from propintel.kit.clock import now_new_york
from propintel.outreach import crm as crm_service
from propintel.outreach import email_events, email_outreach, sms_webhooks

# A provider's event racing its message's commit is retried for ~20 minutes (5 s, 10 s, … doubling).
EVENT_RETRY = RetryStrategy(max_attempts=8, exponential_wait=5)


# --- SMS (docs/outreach/sms.md) -------------------------------------------------------------------
@job(sms_webhooks.HANDLE_EVENT_JOB, queue=WEBHOOKS_QUEUE, retry=EVENT_RETRY)
async def twilio_sms_event_job(session: AsyncSession, *, event_pk: str) -> JSONDict:
    outcome = await sms_webhooks.handle_event(session, uuid.UUID(event_pk))
    return {"event_pk": event_pk, "outcome": outcome}


@job(
    sms_webhooks.SIMULATE_DELIVERY_JOB,
    queue=WEBHOOKS_QUEUE,
    retry=RetryStrategy(max_attempts=3, wait=5),
)
async def sms_simulate_delivery_job(session: AsyncSession, *, message_sid: str) -> JSONDict:
    statuses = await sms_webhooks.simulate_delivery(session, get_settings(), message_sid)
    return {"message_sid": message_sid, "statuses": list[JSONValue](statuses)}


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


# --- E-mail (docs/outreach/email.md) -------------------------------------------------------------
# An event may race the commit of its e-mail's log row: retried for ~20 minutes.
@job(email_events.HANDLE_EVENT_JOB, queue=WEBHOOKS_QUEUE, retry=EVENT_RETRY)
async def email_event_job(session: AsyncSession, *, event_pk: str) -> JSONDict:
    outcome = await email_events.handle_event(
        session, uuid.UUID(event_pk), senders=configured_email_senders(), settings=get_settings()
    )
    return {"event_pk": event_pk, "outcome": outcome}


@job(
    email_outreach.SEND_DUE_JOB,
    lock=email_outreach.SEND_DUE_JOB,
    queueing_lock=email_outreach.SEND_DUE_JOB,
)
async def send_due_emails_job(session: AsyncSession, *, timestamp: int | None = None) -> JSONDict:
    """Every minute: the due steps of active e-mail sequences (or their pauses)."""
    report = await email_outreach.send_due_emails(
        session, now=now_new_york(), senders=configured_email_senders(), settings=get_settings()
    )
    return report.to_detail()
