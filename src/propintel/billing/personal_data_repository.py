"""What billing holds of one account, for its export ("Your data", docs/accounts.md): the
statements of ``billing.personal_data``. Invoices and subscriptions are never deleted."""

from __future__ import annotations

import uuid
from typing import Any

from propintel.billing.tables import billing_invoices, billing_subscriptions
from propintel.db.export import Export, ExportPage, owned_by
from propintel.db.repository import Repository

EXPORTS: dict[str, Export] = {
    "subscriptions": Export(
        billing_subscriptions,
        billing_subscriptions.c.subscription_id,
        owned_by(billing_subscriptions.c.user_id),
    ),
    "invoices": Export(
        billing_invoices, billing_invoices.c.invoice_id, owned_by(billing_invoices.c.user_id)
    ),
}


class BillingDataRepository(Repository):
    async def export_page(
        self, section: str, user_id: uuid.UUID, after: Any, limit: int
    ) -> ExportPage:
        return await EXPORTS[section].page(self.session, user_id, after, limit)
