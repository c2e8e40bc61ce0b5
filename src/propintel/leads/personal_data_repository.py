"""What the leads domain holds of one account, for its export and its erasure ("Your data",
docs/accounts.md): the statements of ``leads.personal_data``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, column, delete, or_, select, table
from sqlalchemy.dialects.postgresql import UUID

from propintel.db.export import Export, ExportingRepository, owned_by
from propintel.leads.models import LeadEvent, LeadTask, SavedLead, lead_task_digests

# The spec's outreach logs of a lead (an AI call, a workflow e-mail): nothing writes them yet, and
# they refer to saved_leads without a cascade, so they go before the leads.
_calls = table(
    "ai_voice_call_logs",
    column("call_id", UUID(as_uuid=True)),
    column("user_id", UUID(as_uuid=True)),
    column("lead_id", UUID(as_uuid=True)),
)
_emails = table(
    "email_workflow_logs",
    column("log_id", UUID(as_uuid=True)),
    column("user_id", UUID(as_uuid=True)),
    column("lead_id", UUID(as_uuid=True)),
)


def _of_own_leads(lead_id: Any) -> Callable[[uuid.UUID], ColumnElement[bool]]:
    """Rows of the account's leads, found through ``lead_id`` (the index events and tasks have;
    their ``user_id`` is always the lead's owner)."""

    def condition(user_id: uuid.UUID) -> ColumnElement[bool]:
        leads = select(SavedLead.lead_id).where(SavedLead.user_id == user_id)
        clause: ColumnElement[bool] = lead_id.in_(leads)
        return clause

    return condition


EXPORTS: dict[str, Export] = {
    "saved_leads": Export(SavedLead.__table__, SavedLead.lead_id, owned_by(SavedLead.user_id)),
    "lead_events": Export(
        LeadEvent.__table__, LeadEvent.event_id, _of_own_leads(LeadEvent.lead_id)
    ),
    "lead_tasks": Export(LeadTask.__table__, LeadTask.task_id, _of_own_leads(LeadTask.lead_id)),
    "ai_voice_call_logs": Export(_calls, _calls.c.call_id, owned_by(_calls.c.user_id)),
    "email_workflow_logs": Export(_emails, _emails.c.log_id, owned_by(_emails.c.user_id)),
}


class LeadDataRepository(ExportingRepository):
    exports = EXPORTS

    async def erase(self, user_id: uuid.UUID) -> int:
        """Delete the account's leads with their history, tasks and outreach logs (also logs of
        its leads written under another user id); returns how many leads went."""
        leads = select(SavedLead.lead_id).where(SavedLead.user_id == user_id)
        for statement in (
            delete(_calls).where(or_(_calls.c.user_id == user_id, _calls.c.lead_id.in_(leads))),
            delete(_emails).where(or_(_emails.c.user_id == user_id, _emails.c.lead_id.in_(leads))),
            delete(LeadTask).where(LeadTask.user_id == user_id),
            delete(LeadEvent).where(LeadEvent.user_id == user_id),
            delete(lead_task_digests).where(lead_task_digests.c.user_id == user_id),
        ):
            await self.session.execute(statement, execution_options={"synchronize_session": False})
        deleted = await self.session.execute(
            delete(SavedLead).where(SavedLead.user_id == user_id),
            execution_options={"synchronize_session": False},
        )
        return int(getattr(deleted, "rowcount", 0) or 0)
