"""What outreach holds of one account, for its export and its erasure ("Your data",
docs/accounts.md): the statements of ``outreach.personal_data``.

Kept at erasure (docs/outreach.md, "Your data"): the guard's records of contacts already made
(``outreach_attempts``) and the opt-outs owners asked for. They protect the owners, not the
subscriber: deleting them would let a number be texted again past its limits or its STOP. They
point at the account's row, which erasure keeps without its identity."""

from __future__ import annotations

import uuid

from sqlalchemy import Table, delete

from propintel.db.export import Export, ExportingRepository, owned_by
from propintel.outreach.tables import (
    contact_unlocks,
    crm_connections,
    crm_contacts,
    email_sequences,
    outreach_attempts,
    outreach_consents,
    outreach_opt_outs,
)


def _export(table: Table, key: str, *, omit: tuple[str, ...] = ()) -> Export:
    return Export(table, table.c[key], owned_by(table.c.user_id), omit=omit)


EXPORTS: dict[str, Export] = {
    "contact_unlocks": _export(contact_unlocks, "unlock_id"),
    "outreach_consents": _export(outreach_consents, "consent_id"),
    "outreach_opt_outs": _export(outreach_opt_outs, "opt_out_id"),
    "outreach_attempts": _export(outreach_attempts, "attempt_id"),
    "email_sequences": _export(email_sequences, "sequence_id"),
    # The CRM's API key is a secret, even encrypted: never exported.
    "crm_connections": _export(crm_connections, "user_id", omit=("api_key_encrypted",)),
    "crm_contacts": _export(crm_contacts, "contact_id"),
}


class OutreachDataRepository(ExportingRepository):
    exports = EXPORTS

    async def erase(self, user_id: uuid.UUID) -> None:
        """Delete the account's unlocks, consents, sequences, CRM connection and contacts; keep
        attempts and opt-outs (see the module)."""
        for table in (
            contact_unlocks,
            outreach_consents,
            email_sequences,
            crm_contacts,
            crm_connections,
        ):
            await self.session.execute(delete(table).where(table.c.user_id == user_id))
