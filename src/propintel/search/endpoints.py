"""Search API: properties by criteria (query string or JSON with a polygon), a page at a time with
an opaque keyset cursor, and the CSV export. Subscribers see what their plan includes; admins see
everything; homeowners cannot search."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from propintel.auth.deps import require_user
from propintel.auth.models import User, UserType
from propintel.db.session import DbSession, StreamingDbSession
from propintel.kit.clock import today_new_york
from propintel.kit.pagination import Page
from propintel.scoring.schemas import ScoreExplanationOut
from propintel.search import service
from propintel.search.criteria import SearchCriteria, SearchPage
from propintel.search.export import ExportRequest, start_export, stream_rows
from propintel.search.schemas import (
    CountResponse,
    PropertyDetailOut,
    PropertyItem,
    search_response_json,
)

router = APIRouter(prefix="/api/v1", tags=["search"])
Searcher = Annotated[User, Depends(require_user(UserType.SUBSCRIBER, UserType.ADMIN))]


async def _respond(db: DbSession, user: User, page: SearchPage) -> Response:
    """Serialised once, straight from the rows (FastAPI would validate a returned model)."""
    result = await service.search(db, user, page)
    body = search_response_json(result)
    return Response(body, media_type="application/json")


@router.get("/properties", response_model=Page[PropertyItem])
async def search_properties(
    query: Annotated[SearchPage, Query()], user: Searcher, db: DbSession
) -> Response:
    """Leads matching every given filter, best first (``sort``), ``limit`` per page. Repeat
    ``zip``, ``property_type`` and ``indicator`` for several values. ``polygon`` may be given as
    GeoJSON text; ``POST /properties/search`` takes it as JSON."""
    return await _respond(db, user, query)


@router.post("/properties/search", response_model=Page[PropertyItem])
async def search_properties_json(body: SearchPage, user: Searcher, db: DbSession) -> Response:
    """The same search with the criteria as JSON, including a GeoJSON ``polygon`` (draw on map)."""
    return await _respond(db, user, body)


@router.get("/properties/count", response_model=CountResponse)
async def count_properties(
    query: Annotated[SearchCriteria, Query()], user: Searcher, db: DbSession
) -> CountResponse:
    """How many properties the criteria match (the same criteria as ``GET /properties``),
    exactly up to 10,000; beyond, ``total`` is 10,000 and ``total_capped`` true. A request of
    its own: counting many matches costs more than finding a page of them."""
    return _count_response(await service.count_matches(db, user, query))


@router.post("/properties/count", response_model=CountResponse)
async def count_properties_json(
    body: SearchCriteria, user: Searcher, db: DbSession
) -> CountResponse:
    """The same count with the criteria as JSON, including a GeoJSON ``polygon``."""
    return _count_response(await service.count_matches(db, user, body))


def _count_response(count: service.MatchCount) -> CountResponse:
    return CountResponse(total=count.total, total_capped=count.capped)


@router.get("/properties/export.csv", response_class=StreamingResponse)
async def export_csv(
    query: Annotated[ExportRequest, Query()],
    request: Request,
    user: Searcher,
    db: DbSession,
    stream_db: StreamingDbSession,
) -> StreamingResponse:
    """Every matching row (up to ``max_rows``, at most the configured cap) as CSV, streamed. The
    export is logged before the first row is sent."""
    ceiling = request.app.state.settings.search_export_max_rows
    job = await start_export(db, user, query, ceiling)
    filename = f"propintel-search-{today_new_york().isoformat()}.csv"
    return StreamingResponse(
        stream_rows(stream_db, job),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/properties/{property_id}", response_model=PropertyDetailOut)
async def get_property(
    property_id: uuid.UUID, request: Request, user: Searcher, db: DbSession
) -> PropertyDetailOut:
    """One property as its page shows it: facts, values, owner and mailing address, the scores
    your plan includes with their indicators, sale history, FSBO listings. 404 when it does not
    exist; 403 when it is not among the leads of your plan."""
    days = request.app.state.settings.new_homeowner_days
    detail = await service.property_detail(db, user, property_id, days)
    return PropertyDetailOut.of_detail(detail)


@router.get("/properties/{property_id}/score", response_model=ScoreExplanationOut)
async def property_score(
    property_id: uuid.UUID, request: Request, user: Searcher, db: DbSession
) -> ScoreExplanationOut:
    """Each detected indicator of the scores your plan includes, with its points, evidence
    records (labelled, linked to the public record where it has an address) and first
    detection."""
    days = request.app.state.settings.new_homeowner_days
    explanation = await service.explain(db, user, property_id, days)
    return ScoreExplanationOut.of(explanation)
