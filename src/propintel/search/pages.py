"""Search pages: the search (filter panel, results, map; the URL is the search, so it can be
shared and the back button works) and a property's page. Both call the same services as the API,
so plan gating is the same."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User, UserType
from propintel.db.session import DbSession
from propintel.kit.errors import DomainError
from propintel.kit.i18n import N_, _
from propintel.scoring import service as scoring_service
from propintel.scoring.indicators import DISTRESSED, NEW_HOMEOWNER
from propintel.scoring.readable import (
    LEAD_SCORE_RULE,
    indicator_label,
    lead_score,
    property_record_url,
    source_label,
)
from propintel.scoring.schemas import ScoreExplanationOut
from propintel.scoring.service import IndicatorRow
from propintel.search import service
from propintel.search.criteria import (
    OWNER_TYPES,
    PROPERTY_TYPES,
    Intent,
    SearchPage,
    SortKey,
    query_values,
)
from propintel.search.endpoints import Searcher
from propintel.search.labels import (
    format_month,
    lead_kind_name,
    owner_type_name,
    property_type_name,
)
from propintel.search.presets import MIAMI, presets_for
from propintel.search.schemas import PropertyItem
from propintel.search.scope import Scope
from propintel.web.field_messages import field_message
from propintel.web.templating import render

router = APIRouter(include_in_schema=False)
INTENT_NAMES = {
    Intent.NEW_HOMEOWNER: N_("New homeowners"),
    Intent.DISTRESSED: N_("Distressed properties"),
    Intent.FSBO: N_("For sale by owner"),
}
INTENT_OF_INDICATOR_TYPE = {DISTRESSED: Intent.DISTRESSED, NEW_HOMEOWNER: Intent.NEW_HOMEOWNER}
INDICATOR_TYPE_TITLES = {DISTRESSED: N_("Distressed"), NEW_HOMEOWNER: N_("New homeowner")}
# Names the templates use for codes (property and owner types, kinds of leads).
LABELS = {
    "property_type_name": property_type_name,
    "owner_type_name": owner_type_name,
    "lead_kind_name": lead_kind_name,
    "format_month": format_month,
    "source_label": source_label,
}


def _errors(error: ValidationError) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "criteria"
        found.setdefault(name, field_message(item))
    return found


def _lead_intent(item: PropertyItem, intent: Intent | None) -> Intent:
    """What "Save lead" on a result saves it as: the searched intent, else its higher score's."""
    if intent is not None:
        return intent
    distressed, new_owner = item.distressed_score or 0, item.new_homeowner_score or 0
    return Intent.NEW_HOMEOWNER if new_owner > distressed else Intent.DISTRESSED


def _points(items: list[PropertyItem]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(item.id),
            "lat": item.location.lat,
            "lon": item.location.lon,
            "score": item.lead_score,
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


async def _options(db: AsyncSession, scope: Scope | None) -> dict[str, Any]:
    intents = [i for i in Intent if scope is None or scope.allows(i)]
    indicators = await scoring_service.indicators(db, with_counts=False)
    return {
        "intents": [(intent.value, _(INTENT_NAMES[intent])) for intent in intents],
        "property_types": sorted(PROPERTY_TYPES),
        "indicator_groups": _indicator_groups(indicators, scope),
        "owner_types": OWNER_TYPES,
        "sorts": [key.value for key in SortKey],
        "presets": presets_for(scope),
    }


def _indicator_groups(
    indicators: Sequence[IndicatorRow], scope: Scope | None
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(name, label)]) per intent type the plan can search (in the order of
    ``indicators``: weightiest first), each indicator by its name for people."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for indicator in indicators:
        kind = indicator.intent_type or ""
        intent = INTENT_OF_INDICATOR_TYPE.get(kind)
        if scope is not None and intent is not None and not scope.allows(intent):
            continue
        label = indicator_label(indicator.indicator_name, indicator.description)
        groups.setdefault(kind, []).append((indicator.indicator_name, label))
    return [
        (_(INDICATOR_TYPE_TITLES[kind]) if kind in INDICATOR_TYPE_TITLES else kind, names)
        for kind, names in groups.items()
    ]


@router.get("/search")
async def search_page(request: Request, user: Searcher, db: DbSession) -> Response:
    values = query_values(request.query_params)
    context: dict[str, Any] = {
        "values": values,
        "errors": {},
        "items": [],
        "searched": bool(values),
        "scores_refreshed_at": await scoring_service.scores_refreshed_at(db),
        "lead_score_rule": _(LEAD_SCORE_RULE),
        "map": _map_settings(request),
        "export_url": None,
        "next_url": None,
        **LABELS,
    }
    try:
        scope = await service.scope_for(db, user)
    except service.PlanRequired as refusal:
        context.update(await _options(db, None), upgrade=refusal.message)
        return render(request, "search/search.html", context, status_code=403)
    context.update(await _options(db, scope))
    if not values:
        return render(request, "search/search.html", context)
    status = await _run_search(request, db, user, values, context)
    return render(request, "search/search.html", context, status_code=status)


async def _saved_leads(
    request: Request, db: AsyncSession, user: User, property_ids: list[uuid.UUID]
) -> dict[uuid.UUID, service.SavedLeadRef]:
    """The subscriber's leads among ``property_ids`` (none for an admin)."""
    if user.user_type != UserType.SUBSCRIBER or not property_ids:
        return {}
    lookup: service.SavedLeadLookup = request.app.state.saved_leads
    return await lookup(db, user.user_id, property_ids)


async def _run_search(
    request: Request,
    db: AsyncSession,
    user: User,
    values: dict[str, Any],
    context: dict[str, Any],
) -> int:
    """Fills ``context`` with results, or with errors by field; returns the HTTP status."""
    try:
        page = SearchPage.model_validate(values)
    except ValidationError as error:
        context["errors"] = _errors(error)
        return 422
    try:
        result = await service.search(db, user, page)
    except DomainError as error:
        context["errors"] = {error.field or "criteria": error.message}
        return error.status_code
    items = [PropertyItem.of(row, result.scope) for row in result.items]
    criteria_values = {k: v for k, v in values.items() if k not in ("cursor", "limit")}
    context.update(
        items=items,
        count=await _count_without_script(request, db, user, page),
        count_url=_url("/api/v1/properties/count", criteria_values),
        count_now_url=_url("/search", values, count="1"),
        lead_intents={item.id: _lead_intent(item, page.intent).value for item in items},
        saved_leads=await _saved_leads(request, db, user, [item.id for item in items]),
        points=json.dumps(_points(items)),
        next_url=_url("/search", values, cursor=result.next_cursor) if result.next_cursor else None,
        first_url=_url("/search", values, cursor=None) if page.cursor else None,
        export_url=_url("/api/v1/properties/export.csv", criteria_values),
    )
    return 200


async def _count_without_script(
    request: Request, db: AsyncSession, user: User, page: SearchPage
) -> service.MatchCount | None:
    """The page's count of matches is fetched by its script (results never wait for it); a
    browser without scripts follows the "Count the matches" link, which asks for it here."""
    if request.query_params.get("count") != "1":
        return None
    return await service.count_matches(db, user, page.criteria())


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
    days = request.app.state.settings.new_homeowner_days
    detail = await service.property_detail(db, user, property_id, days)
    context = {
        "record": detail.record,
        "item": PropertyItem.of(detail.record, detail.scope),
        "lead_options": _lead_options(detail),
        "sales": detail.sales,
        "listings": detail.listings,
        "score": ScoreExplanationOut.of(detail.explanation),
        "scores_refreshed_at": await scoring_service.scores_refreshed_at(db),
        "property_appraiser_url": property_record_url(detail.record["folio_number"]),
        "saved_lead": (await _saved_leads(request, db, user, [property_id])).get(property_id),
        "map": _map_settings(request),
        "back_url": request.headers.get("referer") if _same_site(request) else None,
        **LABELS,
    }
    return render(request, "search/property.html", context)


def _lead_options(detail: service.PropertyDetail) -> list[tuple[str, str]]:
    """(lead source, label) the property can be saved as under the caller's plan, its likeliest
    first: a distressed or new-homeowner lead when it scores as one, FSBO when it is listed."""
    record, scope = detail.record, detail.scope
    options = []
    if scope.allows(Intent.NEW_HOMEOWNER) and record["is_new_homeowner"]:
        score = lead_score(record["new_homeowner_score"])
        label = _("New-homeowner lead (lead score {score})").format(score=score)
        options.append((Intent.NEW_HOMEOWNER.value, label))
    distressed = lead_score(record["distressed_score"])
    if scope.allows(Intent.DISTRESSED) and (distressed or not options):
        label = _("Distressed lead (lead score {score})").format(score=distressed)
        options.append((Intent.DISTRESSED.value, label))
    if scope.allows(Intent.FSBO) and detail.listings:
        options.append(
            (Intent.FSBO.value, _("FSBO lead (lead score {score})").format(score=distressed))
        )
    if not options:  # a contractor on a property that is not a new homeowner (any more)
        label = _("New-homeowner lead (lead score {score})").format(score=0)
        options.append((Intent.NEW_HOMEOWNER.value, label))
    return options


@router.get("/properties/{property_id}/score")
async def property_score_page(
    request: Request, property_id: uuid.UUID, user: Searcher, db: DbSession
) -> Response:
    days = request.app.state.settings.new_homeowner_days
    explanation = await service.explain(db, user, property_id, days)
    score = ScoreExplanationOut.of(explanation)
    return render(request, "search/property_score.html", {"score": score})


def _same_site(request: Request) -> bool:
    referer = request.headers.get("referer", "")
    return referer.startswith(str(request.base_url).rstrip("/") + "/search")
