"""Every query of saved searches and their alerts, scoped by owner where a user asks."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select, text, tuple_

from propintel.auth.models import User
from propintel.db.repository import Repository
from propintel.saved_searches.models import AlertFrequency, SavedSearch

# Kept as text: an INSERT … SELECT from unnest() ON CONFLICT DO NOTHING; Core would obscure it.
# Records each matched property once per search; returns only those not seen before.
_RECORD = text(
    """
    INSERT INTO saved_search_matches (search_id, property_id, first_seen_at, alerted_at)
    SELECT :search_id, id, :now, CASE WHEN :alerted THEN CAST(:now AS timestamp) END
    FROM unnest(CAST(:ids AS uuid[])) AS id
    ON CONFLICT (search_id, property_id) DO NOTHING
    RETURNING property_id
    """
)

# Lists of saved searches: newest first, then the search id. A search without ``created_at``
# (the column allows NULL) sorts first, where PostgreSQL puts NULL in a descending order.
NEVER_CREATED = datetime.max
_CREATED = func.coalesce(SavedSearch.created_at, NEVER_CREATED)


class SavedSearchRepository(Repository):
    async def add(self, search: SavedSearch) -> SavedSearch:
        self.session.add(search)
        await self.session.flush()
        return search

    async def get_for_user(self, search_id: uuid.UUID, user_id: uuid.UUID) -> SavedSearch | None:
        found: SavedSearch | None = await self.session.scalar(
            select(SavedSearch).where(
                SavedSearch.search_id == search_id, SavedSearch.user_id == user_id
            )
        )
        return found

    async def list_for_user(
        self,
        user_id: uuid.UUID,
        *,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None = None,
    ) -> list[SavedSearch]:
        """Up to ``limit`` of the user's saved searches, newest first (``listing_key``), after
        the one whose key is ``after``."""
        statement = select(SavedSearch).where(SavedSearch.user_id == user_id)
        if after is not None:
            statement = statement.where(tuple_(_CREATED, SavedSearch.search_id) < tuple_(*after))
        rows = await self.session.scalars(
            statement.order_by(_CREATED.desc(), SavedSearch.search_id.desc()).limit(limit)
        )
        return list(rows)

    async def delete(self, search: SavedSearch) -> None:
        await self.session.delete(search)
        await self.session.flush()

    async def record_matches(
        self, search_id: uuid.UUID, ids: list[uuid.UUID], now: datetime, *, alerted: bool
    ) -> list[uuid.UUID]:
        """Store ``ids`` as seen by the search; the ones it had never seen are returned."""
        if not ids:
            return []
        params = {"search_id": search_id, "ids": ids, "now": now, "alerted": alerted}
        return list((await self.session.scalars(_RECORD, params)).all())

    async def due_search_ids(self, today: date) -> list[uuid.UUID]:
        """Daily searches are due once per New York day, weekly ones 7 days after their last
        run; never for suspended accounts. Oldest first, so a backlog is worked off fairly."""
        week_ago = today - timedelta(days=6)
        last_run = SavedSearch.last_run_at
        statement = (
            select(SavedSearch.search_id)
            .join(User, User.user_id == SavedSearch.user_id)
            .where(
                User.suspended_at.is_(None),
                or_(
                    and_(
                        SavedSearch.alert_frequency == AlertFrequency.DAILY.value,
                        or_(last_run.is_(None), last_run < today),
                    ),
                    and_(
                        SavedSearch.alert_frequency == AlertFrequency.WEEKLY.value,
                        or_(last_run.is_(None), last_run < week_ago),
                    ),
                ),
            )
            .order_by(last_run.asc().nulls_first(), SavedSearch.search_id)
        )
        return list((await self.session.scalars(statement)).all())

    async def get(self, search_id: uuid.UUID) -> SavedSearch | None:
        """For the alert job (no user asking): any search by id."""
        return await self.session.get(SavedSearch, search_id)

    async def owner(self, search: SavedSearch) -> User | None:
        """For the alert job: whom the search's alert goes to."""
        return await self.session.get(User, search.user_id)


def listing_key(search: SavedSearch) -> tuple[datetime, uuid.UUID]:
    """Where ``search`` sits in a list of saved searches (what ``list_for_user`` orders by)."""
    return (search.created_at or NEVER_CREATED, search.search_id)


ALERTING = (AlertFrequency.DAILY, AlertFrequency.WEEKLY)
