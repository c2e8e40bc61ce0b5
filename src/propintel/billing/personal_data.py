"""Billing's part of "Your data" (docs/accounts.md): the account's subscriptions and paid invoices
for its export. An erasure deletes nothing here: invoices are financial records the law requires
us to keep (seven years), and the subscription rows say what was billed. Called by
``account_data``."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.billing.personal_data_repository import EXPORTS, BillingDataRepository
from propintel.billing.service import LIVE, current_subscription
from propintel.db.export import EXPORT_PAGE_SIZE, ExportPage

SECTIONS: tuple[str, ...] = tuple(EXPORTS)


async def export_rows(
    session: AsyncSession,
    user_id: uuid.UUID,
    section: str,
    *,
    after: Any = None,
    limit: int = EXPORT_PAGE_SIZE,
) -> ExportPage:
    """One keyset page of the account's rows of ``section`` (one of ``SECTIONS``)."""
    repo = BillingDataRepository.from_session(session)
    return await repo.export_page(section, user_id, after, limit)


async def has_renewing_plan(session: AsyncSession, user_id: uuid.UUID) -> bool:
    """Whether the account's plan is live and will renew (be charged again): such an account
    cancels its plan before it is deleted. A plan set to end at the period's end does not
    renew."""
    subscription = await current_subscription(session, user_id)
    return (
        subscription is not None
        and subscription.status in LIVE
        and not subscription.cancel_at_period_end
    )
