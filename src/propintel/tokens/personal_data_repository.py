"""What the token ledger holds of one account, for its export ("Your data", docs/accounts.md),
and the account's open holds, which an erasure releases: statements of ``tokens.personal_data``.
The ledger's rows themselves are never deleted."""

from __future__ import annotations

import uuid

from sqlalchemy import column, select, table
from sqlalchemy.dialects.postgresql import UUID

from propintel.db.export import Export, ExportingRepository, owned_by
from propintel.tokens.models import billing_recharges, token_reservations

# Each row whole (to_jsonb); only the key and the owner are named here.
_transactions = table(
    "token_transactions",
    column("transaction_id", UUID(as_uuid=True)),
    column("user_id", UUID(as_uuid=True)),
)
_usage = table(
    "token_usage_logs", column("log_id", UUID(as_uuid=True)), column("user_id", UUID(as_uuid=True))
)
_purchases = table(
    "token_purchases",
    column("purchase_id", UUID(as_uuid=True)),
    column("user_id", UUID(as_uuid=True)),
)

EXPORTS: dict[str, Export] = {
    "token_purchases": Export(_purchases, _purchases.c.purchase_id, owned_by(_purchases.c.user_id)),
    "token_transactions": Export(
        _transactions, _transactions.c.transaction_id, owned_by(_transactions.c.user_id)
    ),
    "token_usage_logs": Export(_usage, _usage.c.log_id, owned_by(_usage.c.user_id)),
    "token_reservations": Export(
        token_reservations,
        token_reservations.c.reservation_id,
        owned_by(token_reservations.c.user_id),
    ),
    "auto_recharges": Export(
        billing_recharges, billing_recharges.c.recharge_id, owned_by(billing_recharges.c.user_id)
    ),
}


class TokenDataRepository(ExportingRepository):
    exports = EXPORTS

    async def held_reservations(self, user_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.session.scalars(
            select(token_reservations.c.reservation_id)
            .where(
                token_reservations.c.user_id == user_id,
                token_reservations.c.status == "held",
            )
            .order_by(token_reservations.c.reservation_id)
        )
        return list(rows)
