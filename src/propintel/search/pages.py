"""Search pages: the search (filter panel, results, map; the URL is the search, so it can be
shared and the back button works) and a property's page. Both call the same services as the API,
so plan gating is the same."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import RowMapping
from starlette.datastructures import QueryParams

from propintel.auth.models import User
from propintel.db.session import DbSession
from propintel.kit.errors import DomainError
from propintel.scoring import service as scoring_service
from propintel.scoring.indicators import DISTRESSED, NEW_HOMEOWNER
from propintel.scoring.repository import ScoringRepository
from propintel.scoring.schemas import ScoreExplanationOut
from propintel.search import service
from propintel.search.criteria import (
    OWNER_TYPES,
    PROPERTY_TYPES,
    Intent,
    SearchPage,
    SortKey,
)
from propintel.search.endpoints import Searcher
from propintel.search.presets import MIAMI, presets_for
from propintel.search.repository import Scope, SearchRepository
from propintel.search.schemas import PropertyItem
from propintel.web.security import verify_csrf
from propintel.web.templating import render

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
LIST_FIELDS = ("zip", "property_type", "indicator")
PAGE_FIELDS = frozenset(SearchPage.model_fields)
INTENT_NAMES = {
    Intent.NEW_HOMEOWNER: "New homeowners",
    Intent.DISTRESSED: "Distressed properties",
    Intent.FSBO: "For sale by owner",
}
INTENT_OF_INDICATOR_TYPE = {DISTRESSED: Intent.DISTRESSED, NEW_HOMEOWNER: Intent.NEW_HOMEOWNER}
INDICATOR_TYPE_TITLES = {DISTRESSED: "Distressed", NEW_HOMEOWNER: "New homeowner"}


def form_values(params: QueryParams) -> dict[str, Any]:
    """The query string as criteria input: empty fields dropped, list fields split on commas or
    spaces (one "ZIP codes" box), unknown names ignored."""
    values: dict[str, Any] = {}
    for key, raw in params.multi_items():
        value = raw.strip()
        if not value or key not in PAGE_FIELDS:
            continue
        if key in LIST_FIELDS:
            values.setdefault(key, []).extend(part for part in re.split(r"[,\s]+", value) if part)
        else:
            values[key] = value
    return values


def _errors(error: ValidationError) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "criteria"
        found.setdefault(name, str(item["msg"]).removeprefix("Value error, "))
    return found


def _lead_intent(item: PropertyItem, intent: Intent | None) -> Intent:
    """What "Save lead" on a result saves it as: the searched intent, else its higher score's."""
    if intent is not None:
        return intent
    distressed, new_owner = item.distressed_score or 0, item.new_homeowner_score or 0
    return Intent.NEW_HOMEOWNER if new_owner > distressed else Intent.DISTRESSED


def _item_score(item: PropertyItem, intent: Intent | None) -> int:
    distressed, new_owner = item.distressed_score or 0, item.new_homeowner_score or 0
    if intent == Intent.NEW_HOMEOWNER:
        return new_owner
    if intent in (Intent.DISTRESSED, Intent.FSBO):
        return distressed
    return max(distressed, new_owner)


def _points(items: list[PropertyItem], intent: Intent | None) -> list[dict[str, Any]]:
    return [
        {
            "id": str(item.id),
            "lat": item.location.lat,
            "lon": item.location.lon,
            "score": _item_score(item, intent),
            "label": item.address.full,
        }
        for item in items
        if item.location is not None
    ]


def _url(path: str, values: dict[str, Any], **changes: Any) -> str:
    merged = {**values, **changes}
    pairs = [
        (key, item)
        for key, value in merged.items()
        if value not in (None, "", [])
        for item in (value if isinstance(value, list) else [value])
    ]
    return f"{path}?{urlencode(pairs)}" if pairs else path


async def _options(repo: SearchRepository, scope: Scope | None) -> dict[str, Any]:
    intents = [i for i in Intent if scope is None or scope.allows(i)]
    return {
        "intents": [(intent.value, INTENT_NAMES[intent]) for intent in intents],
        "property_types": sorted(PROPERTY_TYPES),
        "indicator_groups": _indicator_groups(await repo.indicator_options(), scope),
        "owner_types": OWNER_TYPES,
        "sorts": [key.value for key in SortKey],
        "presets": presets_for(scope),
    }


def _indicator_groups(
    options: list[RowMapping], scope: Scope | None
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(name, label)]) per intent type the plan can search, labelled with the
    indicator's description (its name when it has none)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for option in options:
        kind = option["intent_type"]
        intent = INTENT_OF_INDICATOR_TYPE.get(kind)
        if scope is not None and intent is not None and not scope.allows(intent):
            continue
        label = option["description"] or option["indicator_name"].replace("_", " ")
        groups.setdefault(kind, []).append((option["indicator_name"], label))
    return [(INDICATOR_TYPE_TITLES.get(kind, kind), names) for kind, names in groups.items()]


@router.get("/search")
async def search_page(request: Request, user: Searcher, db: DbSession) -> Response:
    repo = SearchRepository(db)
    values = form_values(request.query_params)
    context: dict[str, Any] = {
        "values": values,
        "errors": {},
        "items": [],
        "searched": bool(values),
        "map": _map_settings(request),
        "export_url": None,
        "next_url": None,
    }
    try:
        scope = await service.scope_for(repo, user)
    except service.PlanRequired as refusal:
        context.update(await _options(repo, None), upgrade=refusal.message)
        return render(request, "search/search.html", context, status_code=403)
    context.update(await _options(repo, scope))
    if not values:
        return render(request, "search/search.html", context)
    status = await _run_search(repo, user, values, context)
    return render(request, "search/search.html", context, status_code=status)


async def _run_search(
    repo: SearchRepository, user: User, values: dict[str, Any], context: dict[str, Any]
) -> int:
    """Fills ``context`` with results, or with errors by field; returns the HTTP status."""
    try:
        page = SearchPage.model_validate(values)
    except ValidationError as error:
        context["errors"] = _errors(error)
        return 422
    try:
        result = await service.search(repo, user, page)
    except DomainError as error:
        context["errors"] = {error.field or "criteria": error.message}
        return error.status_code
    items = [PropertyItem.of(row) for row in result.items]
    criteria_values = {k: v for k, v in values.items() if k not in ("cursor", "limit")}
    context.update(
        items=[(item, _item_score(item, page.intent)) for item in items],
        lead_intents={item.id: _lead_intent(item, page.intent).value for item in items},
        points=json.dumps(_points(items, page.intent)),
        next_url=_url("/search", values, cursor=result.next_cursor) if result.next_cursor else None,
        first_url=_url("/search", values, cursor=None) if page.cursor else None,
        export_url=_url("/api/v1/properties/export.csv", criteria_values),
    )
    return 200


def _map_settings(request: Request) -> dict[str, Any]:
    settings = request.app.state.settings
    return {
        "tile_url": settings.map_tile_url or "",
        "attribution": settings.map_tile_attribution,
        "centre": [MIAMI.lat, MIAMI.lon],
    }


@router.get("/properties/{property_id}")
async def property_page(
    request: Request, property_id: uuid.UUID, user: Searcher, db: DbSession
) -> Response:
    """Facts, values, sale history, owner, scores with evidence, FSBO listings, a small map."""
    repo = SearchRepository(db)
    scope = await service.scope_for(repo, user)
    record = await service.property_in_scope(repo, user, scope, property_id)
    days = request.app.state.settings.new_homeowner_days
    explanation = await scoring_service.explain_property(ScoringRepository(db), property_id, days)
    context = {
        "record": record,
        "sales": await repo.sale_history(record["folio_number"]),
        "listings": await repo.listings(property_id),
        "score": ScoreExplanationOut.of(explanation),
        "map": _map_settings(request),
        "back_url": request.headers.get("referer") if _same_site(request) else None,
    }
    return render(request, "search/property.html", context)


def _same_site(request: Request) -> bool:
    referer = request.headers.get("referer", "")
    return referer.startswith(str(request.base_url).rstrip("/") + "/search")
