"""Saved-searches API. Scoped by the caller: another subscriber's saved search is a 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.saved_searches import service as searches
from propintel.saved_searches.repository import SavedSearchRepository
from propintel.saved_searches.schemas import (
    SavedSearchCreate,
    SavedSearchOut,
    SavedSearchPageOut,
    SavedSearchPatch,
)

router = APIRouter(prefix="/api/v1/saved-searches", tags=["saved searches"])
MAX_PAGE = 100


def _repo(db: DbSession) -> SavedSearchRepository:
    return SavedSearchRepository(db)


Repo = Annotated[SavedSearchRepository, Depends(_repo)]


@router.post("", response_model=SavedSearchOut, status_code=201)
async def create(body: SavedSearchCreate, user: SubscriberUser, repo: Repo) -> SavedSearchOut:
    """Save a search (criteria as for ``POST /api/v1/properties/search``) with its alerts."""
    search = await searches.create_search(
        repo, user, body.search_name, body.search_criteria, body.alert_frequency, now_new_york()
    )
    return SavedSearchOut.of(search)


@router.get("", response_model=SavedSearchPageOut)
async def list_searches(
    user: SubscriberUser,
    repo: Repo,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SavedSearchPageOut:
    rows, total = await repo.list_for_user(user.user_id, limit=limit, offset=offset)
    items = [SavedSearchOut.of(row) for row in rows]
    return SavedSearchPageOut(items=items, total=total, limit=limit, offset=offset)


@router.get("/{search_id}", response_model=SavedSearchOut)
async def get_search(search_id: uuid.UUID, user: SubscriberUser, repo: Repo) -> SavedSearchOut:
    return SavedSearchOut.of(await searches.owned_search(repo, user.user_id, search_id))


@router.patch("/{search_id}", response_model=SavedSearchOut)
async def patch_search(
    search_id: uuid.UUID, body: SavedSearchPatch, user: SubscriberUser, repo: Repo
) -> SavedSearchOut:
    """Rename it or change its alerts (switching alerts on counts today's matches as seen)."""
    changes = searches.SearchChanges(body.search_name, body.alert_frequency)
    search = await searches.update_search(repo, user, search_id, changes, now_new_york())
    return SavedSearchOut.of(search)


@router.delete("/{search_id}", status_code=204)
async def delete_search(search_id: uuid.UUID, user: SubscriberUser, repo: Repo) -> Response:
    await searches.delete_search(repo, user.user_id, search_id)
    return Response(status_code=204)
