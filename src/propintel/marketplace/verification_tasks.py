"""The verification expiry job (daily, see ``jobs/schedule.py``)."""

from __future__ import annotations

from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.integrations.providers import configured_email_senders
from propintel.jobs.registry import job
from propintel.kit.clock import now_new_york
from propintel.marketplace.verification import expire_lapsed

VERIFICATION_EXPIRY = "marketplace.verification_expiry"


@job(VERIFICATION_EXPIRY, lock=VERIFICATION_EXPIRY, queueing_lock=VERIFICATION_EXPIRY)
async def verification_expiry_job(
    session: AsyncSession, *, timestamp: int | None = None
) -> JSONDict:
    """Approved profiles with a document that expired before today lose the badge."""
    report = await expire_lapsed(
        session,
        configured_email_senders()(session),
        now=now_new_york(),
        public_url=get_settings().public_base_url,
    )
    return report.to_detail()
