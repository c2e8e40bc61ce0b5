"""The saved-search alert job (daily 07:00 New York, see ``jobs/schedule.py``)."""

from __future__ import annotations

from procrastinate.types import JSONDict
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.integrations.providers import configured_email_senders
from propintel.jobs.registry import job
from propintel.kit.clock import now_new_york
from propintel.saved_searches.alerts import run_due_alerts

# The job's name predates the package's move out of leads/; scheduled runs are recorded under it.
SEND_ALERTS = "leads.send_alerts"


@job(SEND_ALERTS, lock=SEND_ALERTS, queueing_lock=SEND_ALERTS)
async def send_alerts_job(session: AsyncSession, *, timestamp: int | None = None) -> JSONDict:
    """One digest per due saved search with new matches; counts for the run record."""
    settings = get_settings()
    report = await run_due_alerts(
        session, configured_email_senders()(session), now_new_york(), settings.public_base_url
    )
    return report.to_detail()
