"""Saved-search pages: the list (re-run, rename, alerts, delete with confirmation) and the form
that saves the search just run. A search is carried as the search page's own query string and
read with the search page's parser, so what is saved is exactly what was searched."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import QueryParams

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.kit.errors import DomainError, Invalid
from propintel.kit.i18n import N_, _
from propintel.saved_searches import service as searches
from propintel.saved_searches.models import AlertFrequency, SavedSearch, frequency_name
from propintel.saved_searches.schemas import SavedSearchPatch
from propintel.scoring.readable import indicator_label
from propintel.search.criteria import SearchCriteria, query_values
from propintel.search.labels import lead_kind_name, owner_type_name, property_type_name
from propintel.web.field_messages import field_message
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/saved-searches"
PER_PAGE = 25
NOT_IN_QUERY = frozenset({"cursor", "limit"})


def criteria_of_query(query: str) -> SearchCriteria:
    values = query_values(QueryParams(query))
    return SearchCriteria.model_validate(
        {key: value for key, value in values.items() if key not in NOT_IN_QUERY}
    )


def _ordered(stored: dict[str, Any]) -> dict[str, Any]:
    """Stored criteria in the schema's field order (JSONB keeps keys in its own order)."""
    return {name: stored[name] for name in SearchCriteria.model_fields if name in stored}


def search_url(search: SavedSearch) -> str | None:
    """The search page running this saved search; None for a drawn polygon (API only)."""
    stored = _ordered(search.search_criteria)
    if "polygon" in stored:
        return None
    pairs = [
        (key, str(item).lower() if isinstance(item, bool) else str(item))
        for key, value in stored.items()
        for item in (value if isinstance(value, list) else [value])
    ]
    return f"/search?{urlencode(pairs)}"


# The criteria's names in a summary (in English, the field's name in words).
CRITERIA_NAMES = {
    "intent": N_("intent"),
    "zip": N_("zip"),
    "city": N_("city"),
    "property_type": N_("property type"),
    "near": N_("near"),
    "radius_m": N_("radius m"),
    "polygon": N_("polygon"),
    "min_score": N_("min score"),
    "indicator": N_("indicator"),
    "sold_within_days": N_("sold within days"),
    "min_years_owned": N_("min years owned"),
    "pool": N_("pool"),
    "min_beds": N_("min beds"),
    "min_baths": N_("min baths"),
    "min_value": N_("min value"),
    "max_value": N_("max value"),
    "min_equity_pct": N_("min equity pct"),
    "owner_type": N_("owner type"),
    "out_of_state": N_("out of state"),
    "sort": N_("sort"),
}
SORT_NAMES = {
    "score": N_("best score"),
    "sale_date": N_("latest sale"),
    "value": N_("highest value"),
    "distance": N_("nearest"),
}


def _shown(key: str, value: Any) -> str:
    """One criterion's value for people (codes named, yes/no for booleans)."""
    if isinstance(value, list):
        return ", ".join(_shown(key, item) for item in value)
    if key == "polygon":
        return _("drawn area")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "intent":
        return lead_kind_name(str(value))
    if key == "property_type":
        return property_type_name(str(value))
    if key == "owner_type":
        return owner_type_name(str(value))
    if key == "indicator":
        return indicator_label(str(value))
    if key == "sort" and value in SORT_NAMES:
        return _(SORT_NAMES[value])
    return str(value)


def describe(stored: dict[str, Any]) -> str:
    """Criteria in one line for people: ``intent: distressed · zip: 33139, 33140``."""
    if not stored:
        return _("everything your plan includes")
    parts = []
    for key, value in _ordered(stored).items():
        name = CRITERIA_NAMES.get(key)
        label = _(name) if name else key.replace("_", " ")
        parts.append(f"{label}: {_shown(key, value)}")
    return " · ".join(parts)


HELPERS = {
    "search_url": search_url,
    "describe": describe,
    "frequency_name": frequency_name,
    "frequencies": list(AlertFrequency),
}


@router.get(PAGE)
async def list_page(
    request: Request, user: SubscriberUser, db: DbSession, cursor: str | None = None
) -> Response:
    rows, next_cursor = await searches.list_searches(
        db, user.user_id, limit=PER_PAGE, cursor=cursor
    )
    context = {
        "rows": rows,
        "next_url": f"{PAGE}?{urlencode({'cursor': next_cursor})}" if next_cursor else None,
        "first_url": PAGE if cursor else None,
        **HELPERS,
    }
    return render(request, "leads/saved_searches.html", context)


def _new_context(query: str, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"query": query, "errors": {}, "values": {}, **HELPERS, **extra}
    try:
        context["summary"] = describe(criteria_of_query(query).stored())
    except ValidationError as error:
        context["errors"] = {"criteria": _first_error(error)}
    return context


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    return f"{field}: {field_message(first)}"


@router.get(PAGE + "/new")
async def new_page(request: Request, _user: SubscriberUser) -> Response:
    return render(request, "leads/saved_search_new.html", _new_context(request.url.query))


@router.post(PAGE)
async def create(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    query: str = Form(""),
    search_name: str = Form(""),
    alert_frequency: str = Form("none"),
) -> Response:
    values = {"search_name": search_name, "alert_frequency": alert_frequency}
    try:
        criteria = criteria_of_query(query)
        form = SavedSearchPatch.model_validate(values)
        if form.search_name is None:
            raise Invalid(_("Give the search a name."), field="search_name")
        await searches.create_search(
            db,
            user,
            form.search_name,
            criteria,
            form.alert_frequency or AlertFrequency.NONE,
            now_new_york(),
        )
    except (ValidationError, DomainError) as error:
        errors = (
            {"form": _first_error(error)}
            if isinstance(error, ValidationError)
            else {error.field or "form": error.message}
        )
        context = _new_context(query, values=values)
        context["errors"].update(errors)
        return render(request, "leads/saved_search_new.html", context, status_code=422)
    return redirect_with_flash(
        request, PAGE, _('Saved "{name}".').format(name=form.search_name), "success"
    )


@router.get(PAGE + "/{search_id}")
async def rerun(
    request: Request, search_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    """Run the saved search again on the search page (the link of alert emails)."""
    search = await searches.owned_search(db, user.user_id, search_id)
    url = search_url(search)
    if url is None:
        message = _(
            "A search of a drawn area runs through the API (POST /api/v1/properties/search)."
        )
        return redirect_with_flash(request, PAGE, message, "error")
    return redirect_with_flash(
        request, url, _('Results of "{name}".').format(name=search.search_name)
    )


@router.post(PAGE + "/{search_id}")
async def update(
    request: Request,
    search_id: uuid.UUID,
    user: SubscriberUser,
    db: DbSession,
    search_name: str = Form(""),
    alert_frequency: str = Form(""),
) -> Response:
    try:
        form = SavedSearchPatch.model_validate(
            {"search_name": search_name, "alert_frequency": alert_frequency or None}
        )
    except ValidationError as error:
        return redirect_with_flash(request, PAGE, _first_error(error), "error")
    changes = searches.SearchChanges(form.search_name, form.alert_frequency)
    await searches.update_search(db, user, search_id, changes, now_new_york())
    return redirect_with_flash(request, PAGE, _("Saved search updated."), "success")


@router.get(PAGE + "/{search_id}/delete")
async def confirm_delete(
    request: Request, search_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    search = await searches.owned_search(db, user.user_id, search_id)
    return render(request, "leads/saved_search_delete.html", {"search": search, **HELPERS})


@router.post(PAGE + "/{search_id}/delete")
async def delete(
    request: Request, search_id: uuid.UUID, user: SubscriberUser, db: DbSession
) -> Response:
    await searches.delete_search(db, user.user_id, search_id)
    return redirect_with_flash(request, PAGE, _("Saved search deleted."), "success")
