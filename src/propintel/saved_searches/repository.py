"""Every query of saved searches and their alerts, scoped by owner where a user asks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, text

from propintel.db.repository import Repository
from propintel.saved_searches.models import AlertFrequency, SavedSearch
from propintel.scoring.readable import lead_score
from propintel.search.criteria import Intent
from propintel.search.repository import Scope, score_sql

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

# Daily searches are due once per New York day, weekly ones 7 days after their last run; never
# for suspended accounts. Oldest first, so a backlog is worked off fairly.
_DUE = text(
    """
    SELECT s.search_id FROM saved_searches s JOIN users u ON u.user_id = s.user_id
    WHERE u.suspended_at IS NULL AND (
      (s.alert_frequency = 'daily' AND (s.last_run_at IS NULL OR s.last_run_at < :today))
      OR (s.alert_frequency = 'weekly' AND (s.last_run_at IS NULL OR s.last_run_at < :week_ago))
    )
    ORDER BY s.last_run_at NULLS FIRST, s.search_id
    """
)


@dataclass(frozen=True)
class DigestLine:
    property_id: uuid.UUID
    full_address: str
    score: int


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
        self, user_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[list[SavedSearch], int]:
        owned = SavedSearch.user_id == user_id
        total = await self.session.scalar(select(func.count()).where(owned))
        rows = await self.session.scalars(
            select(SavedSearch)
            .where(owned)
            .order_by(SavedSearch.created_at.desc(), SavedSearch.search_id)
            .limit(limit)
            .offset(offset)
        )
        return list(rows), int(total or 0)

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
        params = {"today": today, "week_ago": today - timedelta(days=6)}
        return list((await self.session.scalars(_DUE, params)).all())

    async def get(self, search_id: uuid.UUID) -> SavedSearch | None:
        """For the alert job (no user asking): any search by id."""
        return await self.session.get(SavedSearch, search_id)

    async def digest_lines(
        self, ids: list[uuid.UUID], intent: Intent | None, scope: Scope, limit: int
    ) -> list[DigestLine]:
        """The properties of a digest, best score (for the search's intent, of the scores the
        plan includes) first, each with its 0-100 lead score."""
        rows = await self.session.execute(
            text(
                f"SELECT p.property_id, p.full_address, {score_sql(intent, scope)} AS score "
                "FROM properties p WHERE p.property_id = ANY(CAST(:ids AS uuid[])) "
                "ORDER BY score DESC, p.full_address, p.property_id LIMIT :limit"
            ),
            {"ids": ids, "limit": limit},
        )
        return [
            DigestLine(row.property_id, row.full_address, lead_score(row.score)) for row in rows
        ]


ALERTING = (AlertFrequency.DAILY, AlertFrequency.WEEKLY)
