"""Every query of saved leads, always scoped by the owner's ``user_id``: another subscriber's lead
is simply not found."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, any_, exists, func, literal, or_, select, text, true, tuple_
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.orm import aliased

from propintel.db.repository import Repository
from propintel.leads.models import (
    LeadEvent,
    LeadFilters,
    LeadRow,
    SavedLead,
    ai_voice_call_logs,
    email_workflow_logs,
    properties_table,
)
from propintel.search.criteria import Intent

# The property facts a lead shows (its page, its card, its table row).
_FACTS = select(
    *(
        properties_table.c[name]
        for name in (
            "property_id", "full_address", "street_address", "city", "zip_code", "folio_number",
            "property_type", "bedrooms", "bathrooms", "square_feet", "lot_size_sqft",
            "year_built", "pool", "owner_name", "mailing_address", "out_of_state_owner",
            "market_value", "assessed_value", "last_sale_price", "last_sale_date",
            "estimated_equity", "mortgage_balance", "distressed_score", "new_homeowner_score",
            "is_new_homeowner", "days_since_sale", "intent_breakdown", "has_tax_lien",
            "has_code_violation", "is_pre_foreclosure", "is_foreclosure", "is_vacant",
            "is_probate", "is_divorce", "is_heirship", "data_quality_score",
        )
    )
)  # fmt: skip

# lead_score at save time: the 0-100 lead score (the points capped at 100, scoring/readable.py)
# of the property's score for the intent the lead is saved for. A stale FSBO listing is a
# distressed indicator (old_listing), so FSBO leads carry the distressed score.
SCORE_COLUMN = {
    Intent.NEW_HOMEOWNER: "LEAST(COALESCE(new_homeowner_score, 0), 100)",
    Intent.DISTRESSED: "LEAST(COALESCE(distressed_score, 0), 100)",
    Intent.FSBO: "LEAST(COALESCE(distressed_score, 0), 100)",
}


# Lists of leads: the latest change first, then the lead id. A lead without ``updated_at`` (the
# column allows NULL) sorts first, where PostgreSQL puts NULL in a descending order.
NEVER_UPDATED = datetime.max
_UPDATED = func.coalesce(SavedLead.updated_at, NEVER_UPDATED)
_NEWEST_FIRST = (_UPDATED.desc(), SavedLead.lead_id.desc())  # lists of leads: ``listing_key``

# The intents are bound too (``:source_<name>``), never pasted into the text.
_SOURCE_PARAMS = {f"source_{intent.name.lower()}": intent.value for intent in SCORE_COLUMN}
_SCORE_OF_SOURCE = " ".join(
    f"WHEN :source_{intent.name.lower()} THEN {sql}" for intent, sql in SCORE_COLUMN.items()
)

# Kept as text: an INSERT … SELECT from unnest() WITH ORDINALITY, each row scored by the same
# SCORE_COLUMN SQL as score_for, ON CONFLICT DO NOTHING; Core would only obscure it.
# Many leads saved at once, each scored for its own intent as save_lead scores one; properties
# already saved by the user are left as they are (ON CONFLICT), missing ones are skipped by the
# join (the service refuses a batch naming one before it gets here).
_INSERT_MANY = text(
    f"""
    INSERT INTO saved_leads
      (user_id, property_id, lead_source, lead_score, created_at, updated_at)
    SELECT :user_id, p.property_id, pick.source,
           CASE pick.source {_SCORE_OF_SOURCE} END, :now, :now
    FROM unnest(CAST(:ids AS uuid[]), CAST(:sources AS text[])) WITH ORDINALITY
      AS pick(property_id, source, n)
    JOIN properties p ON p.property_id = pick.property_id
    ORDER BY pick.n
    ON CONFLICT (user_id, property_id) DO NOTHING
    RETURNING property_id, lead_id
    """
)

# Kept as text: UPDATE … FROM jsonb_to_recordset(…) AS v(column definitions), no Core form.
# New tags for many leads of one user in one statement: {"lead_id", "tags"} objects.
_SET_TAGS = text(
    """
    UPDATE saved_leads s SET tags = v.tags
    FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS v(lead_id uuid, tags text[])
    WHERE s.lead_id = v.lead_id AND s.user_id = :user_id
    """
)

# Kept as text: an ARRAY(subquery) over unnest() of another row's array; Core would obscure it.
# The user's leads carrying ``tag`` in any case (tags && ... can use the GIN index).
_HAS_TAG = text(
    """
    saved_leads.tags && ARRAY(
      SELECT DISTINCT t FROM saved_leads own, unnest(own.tags) AS t
      WHERE own.user_id = :tag_owner AND lower(t) = lower(:tag))
    """
)


@dataclass(frozen=True)
class PickedLead:
    """A lead of the user for a property of a bulk save, with what a tag change needs."""

    lead_id: uuid.UUID
    tags: list[str]
    full_address: str


class LeadRepository(Repository):
    async def score_for(self, property_id: uuid.UUID, source: Intent) -> int | None:
        """The property's score for ``source``, or None when the property does not exist."""
        # Kept as text: the score expression is SCORE_COLUMN, the SQL the bulk save scores with.
        sql = f"SELECT {SCORE_COLUMN[source]} FROM properties WHERE property_id = :property_id"
        row = (await self.session.execute(text(sql), {"property_id": property_id})).first()
        return None if row is None else int(row[0])

    async def insert_once(
        self, user_id: uuid.UUID, property_id: uuid.UUID, source: Intent, score: int
    ) -> uuid.UUID | None:
        """The new lead's id, or None when this user already has a lead for the property."""
        statement = (
            insert(SavedLead)
            .values(user_id=user_id, property_id=property_id, lead_source=source, lead_score=score)
            .on_conflict_do_nothing(index_elements=["user_id", "property_id"])
            .returning(SavedLead.lead_id)
        )
        lead_id: uuid.UUID | None = await self.session.scalar(statement)
        return lead_id

    async def insert_marketplace(
        self, user_id: uuid.UUID, property_id: uuid.UUID, now: datetime
    ) -> uuid.UUID | None:
        """A won marketplace job's lead (no score: it was not found by a search); None when
        the user already has a lead for the property."""
        statement = (
            insert(SavedLead)
            .values(
                user_id=user_id,
                property_id=property_id,
                lead_source="marketplace",
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["user_id", "property_id"])
            .returning(SavedLead.lead_id)
        )
        lead_id: uuid.UUID | None = await self.session.scalar(statement)
        return lead_id

    async def get_for_user(
        self, lead_id: uuid.UUID, user_id: uuid.UUID, *, lock: bool = False
    ) -> SavedLead | None:
        statement = select(SavedLead).where(
            SavedLead.lead_id == lead_id, SavedLead.user_id == user_id
        )
        if lock:
            statement = statement.with_for_update()
        lead: SavedLead | None = await self.session.scalar(
            statement.execution_options(populate_existing=True)
        )
        return lead

    async def get_by_property(self, user_id: uuid.UUID, property_id: uuid.UUID) -> SavedLead | None:
        statement = select(SavedLead).where(
            SavedLead.user_id == user_id, SavedLead.property_id == property_id
        )
        lead: SavedLead | None = await self.session.scalar(statement)
        return lead

    def _listing(self, user_id: uuid.UUID, filters: LeadFilters) -> Select[Any]:
        statement = (
            select(SavedLead, properties_table.c.full_address, properties_table.c.zip_code)
            .join(properties_table, properties_table.c.property_id == SavedLead.property_id)
            .where(SavedLead.user_id == user_id)
        )
        if filters.status:
            statement = statement.where(SavedLead.status == filters.status)
        if filters.lead_source:
            statement = statement.where(SavedLead.lead_source == filters.lead_source)
        if filters.min_score is not None:
            statement = statement.where(SavedLead.lead_score >= filters.min_score)
        if filters.address:
            pattern = f"%{_escape_like(filters.address)}%"
            statement = statement.where(properties_table.c.full_address.ilike(pattern, escape="\\"))
        if filters.tag:
            statement = statement.where(_HAS_TAG.bindparams(tag_owner=user_id, tag=filters.tag))
        return statement

    async def list_for_user(
        self,
        user_id: uuid.UUID,
        filters: LeadFilters,
        *,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None = None,
    ) -> list[LeadRow]:
        """Up to ``limit`` of the user's leads, most recently updated first (``listing_key``),
        after the lead whose key is ``after``."""
        listing = self._listing(user_id, filters)
        if after is not None:
            listing = listing.where(tuple_(_UPDATED, SavedLead.lead_id) < tuple_(*after))
        rows = await self.session.execute(listing.order_by(*_NEWEST_FIRST).limit(limit))
        return [LeadRow(row[0], row[1], row[2]) for row in rows]

    async def board_for_user(
        self, user_id: uuid.UUID, per_status: int
    ) -> list[tuple[LeadRow, int]]:
        """The first ``per_status`` leads of each status (as ``list_for_user`` orders them), each
        with how many leads its status has: one statement for the whole board."""
        by_status: dict[str, Any] = {"partition_by": SavedLead.status}
        ranked = (
            self._listing(user_id, LeadFilters())
            .add_columns(
                func.row_number().over(**by_status, order_by=_NEWEST_FIRST).label("rank"),
                func.count().over(**by_status).label("total"),
            )
            .subquery()
        )
        lead = aliased(SavedLead, ranked)
        rows = await self.session.execute(
            select(lead, ranked.c.full_address, ranked.c.zip_code, ranked.c.total)
            .where(ranked.c.rank <= per_status)
            .order_by(ranked.c.status, ranked.c.rank)
        )
        return [(LeadRow(row[0], row[1], row[2]), int(row[3])) for row in rows]

    async def count_for_user(self, user_id: uuid.UUID, filters: LeadFilters) -> int:
        listing = self._listing(user_id, filters)
        total = await self.session.scalar(select(func.count()).select_from(listing.subquery()))
        return int(total or 0)

    async def existing_properties(self, property_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of ``property_ids`` exist."""
        ids = literal(list(property_ids), ARRAY(UUID(as_uuid=True)))
        rows = await self.session.scalars(
            select(properties_table.c.property_id).where(
                properties_table.c.property_id == any_(ids)
            )
        )
        return set(rows)

    async def properties_of_leads(
        self, user_id: uuid.UUID, lead_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, uuid.UUID]:
        """The property of each of ``lead_ids`` that is one of the user's leads, by lead."""
        rows = await self.session.execute(
            select(SavedLead.lead_id, SavedLead.property_id).where(
                SavedLead.user_id == user_id, SavedLead.lead_id.in_(list(lead_ids))
            )
        )
        return {row[0]: row[1] for row in rows}

    async def leads_of_properties(
        self, user_id: uuid.UUID, property_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, PickedLead]:
        """The user's leads for these properties, by property."""
        rows = await self.session.execute(
            select(
                SavedLead.property_id,
                SavedLead.lead_id,
                SavedLead.tags,
                properties_table.c.full_address,
            )
            .join(properties_table, properties_table.c.property_id == SavedLead.property_id)
            .where(SavedLead.user_id == user_id, SavedLead.property_id.in_(property_ids))
        )
        return {row[0]: PickedLead(row[1], list(row[2]), row[3]) for row in rows}

    async def insert_many(
        self,
        user_id: uuid.UUID,
        picks: Sequence[tuple[uuid.UUID, Intent]],
        now: datetime,
    ) -> dict[uuid.UUID, uuid.UUID]:
        """Save the picked properties the user has no lead for yet; the new leads' ids by
        property."""
        params = {
            "user_id": user_id,
            "ids": [property_id for property_id, _ in picks],
            "sources": [source.value for _, source in picks],
            **_SOURCE_PARAMS,
            "now": now,
        }
        rows = await self.session.execute(_INSERT_MANY, params)
        return {row.property_id: row.lead_id for row in rows}

    async def set_tags(self, user_id: uuid.UUID, tags: Mapping[uuid.UUID, list[str]]) -> None:
        """Replace the tags of several of the user's leads (lead id -> its new tags)."""
        if not tags:
            return
        rows = json.dumps([{"lead_id": str(lead), "tags": values} for lead, values in tags.items()])
        await self.session.execute(_SET_TAGS, {"rows": rows, "user_id": user_id})

    async def tag_names(self, user_id: uuid.UUID) -> list[str]:
        """Every tag the user has on a lead: the names of their lists, alphabetically."""
        tags = func.unnest(SavedLead.tags).table_valued("tag").render_derived().lateral()
        rows = await self.session.scalars(
            select(tags.c.tag)
            .select_from(SavedLead)
            .join(tags, true())
            .distinct()
            .where(SavedLead.user_id == user_id)
        )
        return sorted(rows, key=str.lower)

    async def saved_of_properties(
        self, user_id: uuid.UUID, property_ids: Sequence[uuid.UUID]
    ) -> list[tuple[uuid.UUID, uuid.UUID, str, str | None]]:
        """(property, lead, status, source) of the user's leads among these properties."""
        rows = await self.session.execute(
            select(
                SavedLead.property_id, SavedLead.lead_id, SavedLead.status, SavedLead.lead_source
            ).where(SavedLead.user_id == user_id, SavedLead.property_id.in_(property_ids))
        )
        return [(row[0], row[1], str(row[2]), row[3]) for row in rows]

    async def lead_records(
        self,
        user_id: uuid.UUID,
        lead_ids: Sequence[uuid.UUID] | None,
        after: uuid.UUID | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """Up to ``limit`` of the user's leads (those of ``lead_ids``, or all), by lead id after
        ``after``, with their property's address, owner and value."""
        p = properties_table.c
        lead = (SavedLead.lead_id, SavedLead.property_id, SavedLead.status, SavedLead.notes)
        more = (SavedLead.lead_score, SavedLead.lead_source, SavedLead.updated_at)
        facts = (p.full_address, p.street_address, p.city, p.zip_code, p.owner_name)
        statement = (
            select(*lead, *more, *facts, p.market_value)
            .join(properties_table, p.property_id == SavedLead.property_id)
            .where(SavedLead.user_id == user_id)
            .order_by(SavedLead.lead_id)
            .limit(limit)
        )
        if lead_ids is not None:
            statement = statement.where(SavedLead.lead_id.in_(list(lead_ids)))
        if after is not None:
            statement = statement.where(SavedLead.lead_id > after)
        return [dict(row) for row in (await self.session.execute(statement)).mappings()]

    async def updated_at_of(
        self, user_id: uuid.UUID, lead_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, datetime]:
        """When each of ``lead_ids`` that is one of the user's leads last changed."""
        rows = await self.session.execute(
            select(SavedLead.lead_id, SavedLead.updated_at).where(
                SavedLead.user_id == user_id, SavedLead.lead_id.in_(list(lead_ids))
            )
        )
        return {row[0]: row[1] for row in rows}

    async def count_saved(self, user_id: uuid.UUID) -> int:
        total = await self.session.scalar(
            select(func.count()).select_from(SavedLead).where(SavedLead.user_id == user_id)
        )
        return int(total or 0)

    async def lead_named_in(self, user_id: uuid.UUID, text_: str) -> uuid.UUID | None:
        """The user's saved lead whose street address ``text_`` contains (the longest address
        when several do; case and spacing ignored), or None."""
        street = func.upper(
            func.regexp_replace(properties_table.c.street_address, r"\s+", " ", "g")
        )
        statement = (
            select(SavedLead.lead_id)
            .join(properties_table, properties_table.c.property_id == SavedLead.property_id)
            .where(
                SavedLead.user_id == user_id,
                func.length(properties_table.c.street_address) >= 5,
                func.strpos(literal(text_), street) > 0,
            )
            .order_by(func.length(street).desc(), SavedLead.lead_id)
            .limit(1)
        )
        return await self.session.scalar(statement)

    async def property_facts(self, property_id: uuid.UUID) -> dict[str, Any] | None:
        statement = _FACTS.where(properties_table.c.property_id == property_id)
        row = (await self.session.execute(statement)).mappings().first()
        return dict(row) if row else None

    async def add_event(
        self, lead: SavedLead, kind: str, now: datetime, **values: Any
    ) -> LeadEvent:
        event = LeadEvent(lead_id=lead.lead_id, user_id=lead.user_id, kind=kind, created_at=now)
        for name, value in values.items():
            setattr(event, name, value)
        self.session.add(event)
        await self.session.flush()
        return event

    async def events(self, lead_id: uuid.UUID, user_id: uuid.UUID) -> list[LeadEvent]:
        """The lead's history, newest first (scoped by owner like everything else)."""
        rows = await self.session.scalars(
            select(LeadEvent)
            .where(LeadEvent.lead_id == lead_id, LeadEvent.user_id == user_id)
            .order_by(LeadEvent.seq.desc())
        )
        return list(rows)

    async def has_outreach(self, lead_id: uuid.UUID) -> bool:
        """Whether calls or emails are logged against the lead (their rows keep it alive)."""
        found = await self.session.scalar(
            select(
                or_(
                    exists().where(ai_voice_call_logs.c.lead_id == lead_id),
                    exists().where(email_workflow_logs.c.lead_id == lead_id),
                )
            )
        )
        return bool(found)

    async def delete(self, lead: SavedLead) -> None:
        await self.session.delete(lead)
        await self.session.flush()


def listing_key(row: LeadRow) -> tuple[datetime, uuid.UUID]:
    """Where ``row`` sits in a list of leads (what ``list_for_user`` orders by)."""
    return (row.lead.updated_at or NEVER_UPDATED, row.lead.lead_id)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
