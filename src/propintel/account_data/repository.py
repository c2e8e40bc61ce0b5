"""The spec's tables of an account that no lower domain writes yet (the conversation history, the
subscriber's phone numbers and calendars, and the homeowner marketplace's): their rows for the
account's export, and their erasure ("Your data", docs/accounts.md). When a domain comes to own
one of these tables, its statements here move to that domain's ``personal_data`` module (the
assistant's knowledge base, scripts and call templates did: ``assistant.personal_data``)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, TableClause, column, delete, select, table, update
from sqlalchemy.dialects.postgresql import UUID

from propintel.db.export import Export, ExportPage, owned_by
from propintel.db.repository import Repository


def _table(name: str, key: str, *owners: str) -> TableClause:
    """A table of the spec by its key and owner columns (each row is exported whole)."""
    return table(name, *(column(c, UUID(as_uuid=True)) for c in (key, *owners)))


_conversations = _table("conversation_history", "conversation_id", "user_id")
_phones = _table("subscriber_phone_numbers", "phone_id", "user_id")
_calendars = _table("calendar_integrations", "integration_id", "user_id")
_appointments = _table("calendar_events", "event_id", "user_id")
_jobs = _table("homeowner_jobs", "job_id", "homeowner_id")
_bids = _table("job_bids", "bid_id", "contractor_id", "job_id")
_reviews = _table("contractor_reviews", "review_id", "contractor_id", "homeowner_id", "job_id")


def _key(source: TableClause) -> ColumnElement[Any]:
    return next(iter(source.c))


def _export(source: TableClause, owner: str, omit: tuple[str, ...] = ()) -> Export:
    return Export(source, _key(source), owned_by(source.c[owner]), omit=omit)


EXPORTS: dict[str, Export] = {
    "conversation_history": _export(_conversations, "user_id"),
    "subscriber_phone_numbers": _export(_phones, "user_id"),
    # The calendar's OAuth refresh token is a secret: never exported.
    "calendar_integrations": _export(_calendars, "user_id", omit=("oauth_refresh_token",)),
    "calendar_events": _export(_appointments, "user_id"),
    "homeowner_jobs": _export(_jobs, "homeowner_id"),
    "job_bids": _export(_bids, "contractor_id"),
    "reviews_written": _export(_reviews, "homeowner_id"),
    "reviews_received": _export(_reviews, "contractor_id"),
}


class AccountDataRepository(Repository):
    async def export_page(
        self, section: str, user_id: uuid.UUID, after: Any, limit: int
    ) -> ExportPage:
        return await EXPORTS[section].page(self.session, user_id, after, limit)

    async def erase(self, user_id: uuid.UUID) -> None:
        """Delete the account's rows of these tables. Reviews the account wrote as a homeowner
        stay with the contractor they are about, without their author (``homeowner_id``) and the
        deleted job; reviews about the account as a contractor go."""
        own_jobs = select(_jobs.c.job_id).where(_jobs.c.homeowner_id == user_id)
        statements = (
            update(_reviews)
            .where(_reviews.c.homeowner_id == user_id)
            .values(homeowner_id=None, job_id=None),
            update(_reviews).where(_reviews.c.job_id.in_(own_jobs)).values(job_id=None),
            delete(_reviews).where(_reviews.c.contractor_id == user_id),
            delete(_bids).where(_bids.c.contractor_id == user_id),
            delete(_jobs).where(_jobs.c.homeowner_id == user_id),  # its bids: ON DELETE CASCADE
            delete(_conversations).where(_conversations.c.user_id == user_id),
            delete(_phones).where(_phones.c.user_id == user_id),
            delete(_appointments).where(_appointments.c.user_id == user_id),
            delete(_calendars).where(_calendars.c.user_id == user_id),
        )
        for statement in statements:
            await self.session.execute(statement)
