"""Saved searches: criteria validated by the search's own schema and rules (plan gating,
indicator names), a name, an alert frequency. Switching alerts on takes a baseline: what the
search matches then is recorded as seen, so the first alert names only what is new after it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.kit.errors import NotFound
from propintel.kit.pagination import KeyPart, Listing
from propintel.saved_searches.models import AlertFrequency, SavedSearch
from propintel.saved_searches.repository import ALERTING, SavedSearchRepository, listing_key
from propintel.search.criteria import SearchCriteria
from propintel.search.service import matching_property_ids, scope_for

SAVED_SEARCHES = Listing("saved_searches", (KeyPart.DATETIME, KeyPart.UUID))


class SavedSearchNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such saved search.")


@dataclass(frozen=True)
class SearchChanges:
    search_name: str | None = None
    alert_frequency: AlertFrequency | None = None


async def create_search(
    session: AsyncSession,
    user: User,
    name: str,
    criteria: SearchCriteria,
    frequency: AlertFrequency,
    now: datetime,
) -> SavedSearch:
    """Refused exactly as running the search would be (plan, unknown indicator, bad polygon)."""
    await scope_for(session, user, criteria)
    search = await SavedSearchRepository.from_session(session).add(
        SavedSearch(
            user_id=user.user_id,
            search_name=name,
            search_criteria=criteria.stored(),
            alert_frequency=frequency.value,
            created_at=now,
        )
    )
    if frequency in ALERTING:
        await take_baseline(session, user, search, now)
    return search


async def take_baseline(
    session: AsyncSession, user: User, search: SavedSearch, now: datetime
) -> None:
    criteria = SearchCriteria.model_validate(search.search_criteria)
    ids = await matching_property_ids(session, user, criteria, today=now.date())
    await SavedSearchRepository.from_session(session).record_matches(
        search.search_id, ids, now, alerted=False
    )


async def list_searches(
    session: AsyncSession, user_id: uuid.UUID, *, limit: int, cursor: str | None = None
) -> tuple[list[SavedSearch], str | None]:
    """A page of the user's saved searches, newest first, after ``cursor`` (a page's
    ``next_cursor``), and the cursor of the next page (None on the last)."""
    after = SAVED_SEARCHES.decode_optional(cursor)
    rows = await SavedSearchRepository.from_session(session).list_for_user(
        user_id, limit=limit + 1, after=after
    )
    return SAVED_SEARCHES.page(rows, limit, listing_key)


async def owned_search(
    session: AsyncSession, user_id: uuid.UUID, search_id: uuid.UUID
) -> SavedSearch:
    search = await SavedSearchRepository.from_session(session).get_for_user(search_id, user_id)
    if search is None:
        raise SavedSearchNotFound()
    return search


async def update_search(
    session: AsyncSession,
    user: User,
    search_id: uuid.UUID,
    changes: SearchChanges,
    now: datetime,
) -> SavedSearch:
    """Rename and/or change the alert frequency; switching alerts on from none re-baselines."""
    search = await owned_search(session, user.user_id, search_id)
    if changes.search_name is not None:
        search.search_name = changes.search_name
    if changes.alert_frequency is not None:
        was_alerting = search.alert_frequency in ALERTING
        search.alert_frequency = changes.alert_frequency.value
        if changes.alert_frequency in ALERTING and not was_alerting:
            await take_baseline(session, user, search, now)
    await session.flush()
    return search


async def delete_search(session: AsyncSession, user_id: uuid.UUID, search_id: uuid.UUID) -> None:
    search = await owned_search(session, user_id, search_id)
    await SavedSearchRepository.from_session(session).delete(search)
