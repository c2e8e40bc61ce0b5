"""What billing holds of one account, for its export ("Your data", docs/accounts.md): the
statements of ``billing.personal_data``. Invoices and subscriptions are never deleted."""

from __future__ import annotations

from propintel.billing.tables import billing_invoices, billing_subscriptions
from propintel.db.export import Export, ExportingRepository, owned_by

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


class BillingDataRepository(ExportingRepository):
    exports = EXPORTS
