"""Billing's part of "Your data" (docs/accounts.md): the account's subscriptions and paid invoices
for its export. An erasure deletes nothing here: invoices are financial records the law requires
us to keep (seven years), and the subscription rows say what was billed. Called by
``account_data``."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.billing.personal_data_repository import EXPORTS, BillingDataRepository
from propintel.billing.service import LIVE, current_subscription
from propintel.db.export import export_rows_of

SECTIONS: tuple[str, ...] = tuple(EXPORTS)


export_rows = export_rows_of(BillingDataRepository)


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
