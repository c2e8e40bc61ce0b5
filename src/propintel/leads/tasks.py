"""The follow-up digest job (daily 07:00 New York, see ``jobs/schedule.py``)."""

from __future__ import annotations

from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.integrations.providers import configured_email_senders
from propintel.jobs.registry import job
from propintel.kit.clock import now_new_york
from propintel.leads.digest import send_task_digests

SEND_TASK_DIGEST = "leads.send_task_digest"


@job(SEND_TASK_DIGEST, lock=SEND_TASK_DIGEST, queueing_lock=SEND_TASK_DIGEST)
async def send_task_digest_job(session: AsyncSession, *, timestamp: int | None = None) -> JSONDict:
    """One email per subscriber with follow-ups overdue or due today, at most one a day."""
    settings = get_settings()
    report = await send_task_digests(
        session, configured_email_senders()(session), now_new_york(), settings.public_base_url
    )
    return report.to_detail()
