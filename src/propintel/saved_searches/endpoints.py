"""Saved-searches API. Scoped by the caller: another subscriber's saved search is a 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.kit.pagination import Page
from propintel.saved_searches import service as searches
from propintel.saved_searches.schemas import SavedSearchCreate, SavedSearchOut, SavedSearchPatch

router = APIRouter(prefix="/api/v1/saved-searches", tags=["saved searches"])
MAX_PAGE = 100


@router.post("", response_model=SavedSearchOut, status_code=201)
async def create(body: SavedSearchCreate, user: SubscriberUser, db: DbSession) -> SavedSearchOut:
    """Save a search (criteria as for ``POST /api/v1/properties/search``) with its alerts."""
    search = await searches.create_search(
        db, user, body.search_name, body.search_criteria, body.alert_frequency, now_new_york()
    )
    return SavedSearchOut.of(search)


@router.get("", response_model=Page[SavedSearchOut])
async def list_searches(
    user: SubscriberUser,
    db: DbSession,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: str | None = None,
) -> Page[SavedSearchOut]:
    """The caller's saved searches, newest first."""
    rows, next_cursor = await searches.list_searches(db, user.user_id, limit=limit, cursor=cursor)
    return Page(items=[SavedSearchOut.of(row) for row in rows], next_cursor=next_cursor)


@router.get("/{search_id}", response_model=SavedSearchOut)
async def get_search(search_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> SavedSearchOut:
    return SavedSearchOut.of(await searches.owned_search(db, user.user_id, search_id))


@router.patch("/{search_id}", response_model=SavedSearchOut)
async def patch_search(
    search_id: uuid.UUID, body: SavedSearchPatch, user: SubscriberUser, db: DbSession
) -> SavedSearchOut:
    """Rename it or change its alerts (switching alerts on counts today's matches as seen)."""
    changes = searches.SearchChanges(body.search_name, body.alert_frequency)
    search = await searches.update_search(db, user, search_id, changes, now_new_york())
    return SavedSearchOut.of(search)


@router.delete("/{search_id}", status_code=204)
async def delete_search(search_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> Response:
    await searches.delete_search(db, user.user_id, search_id)
    return Response(status_code=204)
