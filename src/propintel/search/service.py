"""Search rules: which leads a plan may see (enforced here, for the API, the pages, exports and
saved-search alerts alike), criteria checked against the database, pages with keyset cursors.

Plans come from ``subscription_plans.features``: ``new_homeowner_leads`` → new homeowners,
``distressed_leads`` → distressed properties, ``fsbo_leads`` → FSBO listings. A subscriber
without an active (or trialing) plan is told how to get one; admins see everything.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import RowMapping

from propintel.auth.models import User, UserType
from propintel.kit.clock import today_new_york
from propintel.kit.errors import Forbidden, Invalid, NotFound
from propintel.search.criteria import Cursor, Intent, SearchCriteria, SearchPage, decode_cursor
from propintel.search.repository import Scope, SearchRepository, SearchStart, search_sql

# Alerts and other callers that want ids, not pages, get at most this many.
MAX_MATCHES = 1_000
FEATURE_OF_INTENT = {
    Intent.NEW_HOMEOWNER: "new_homeowner_leads",
    Intent.DISTRESSED: "distressed_leads",
    Intent.FSBO: "fsbo_leads",
}
INTENT_LABEL = {
    Intent.NEW_HOMEOWNER: "new-homeowner",
    Intent.DISTRESSED: "distressed-property",
    Intent.FSBO: "FSBO",
}
PLAN_FOR_INTENT = {
    Intent.NEW_HOMEOWNER: "the contractor or full plan",
    Intent.DISTRESSED: "the investor or full plan",
    Intent.FSBO: "the investor or full plan",
}
UPGRADE_MESSAGE = (
    "Searching leads needs an active plan: contractor (new homeowners), investor (distressed "
    "properties and FSBO listings) or full (everything). Choose one to unlock lead search."
)


class PlanRequired(Forbidden):
    """No active plan, or a plan without the leads asked for: the message says what to upgrade."""


@dataclass(frozen=True)
class SearchResult:
    items: list[dict[str, Any]]
    next_cursor: str | None


async def scope_for(
    repo: SearchRepository, user: User, criteria: SearchCriteria | None = None
) -> Scope:
    """The intents ``user`` may search (``PlanRequired`` when there are none), with ``criteria``
    checked against the plan and the database. Every search runs this first: its one statement
    (``repo.start_search``) also applies the search's planner settings."""
    if user.user_type == UserType.ADMIN:
        start = await repo.start_search(None, criteria)
        scope = Scope(frozenset(Intent))
    elif user.user_type != UserType.SUBSCRIBER or not user.has_active_plan:
        raise PlanRequired(UPGRADE_MESSAGE)
    else:
        start = await repo.start_search(str(user.subscription_tier), criteria)
        features = start.features or {}
        scope = Scope(frozenset(i for i in Intent if features.get(FEATURE_OF_INTENT[i]) is True))
        if not scope.intents:
            raise PlanRequired(UPGRADE_MESSAGE)
    if criteria is not None:
        check_intent(scope, user, criteria.intent)
        await check_criteria(repo, start)
    return scope


def check_intent(scope: Scope, user: User, intent: Intent | None) -> None:
    if intent is None or scope.allows(intent):
        return
    plan = user.subscription_tier or "current"
    raise PlanRequired(
        f"Your {plan} plan does not include {INTENT_LABEL[intent]} leads; they come with "
        f"{PLAN_FOR_INTENT[intent]}. Upgrade to search them.",
        field="intent",
    )


async def property_in_scope(
    repo: SearchRepository, user: User, scope: Scope, property_id: uuid.UUID
) -> RowMapping:
    """A property's record for its page: missing → 404; outside the plan → ``PlanRequired``."""
    record = await repo.property_record(property_id, scope)
    if record is None:
        raise NotFound("There is no such property.")
    if not record["in_scope"]:
        included = " and ".join(INTENT_LABEL[i] for i in Intent if scope.allows(i))
        raise PlanRequired(
            f"This property is not among the leads of your {user.subscription_tier} plan "
            f"({included} leads). Upgrade your plan to open it."
        )
    return record


async def check_criteria(repo: SearchRepository, start: SearchStart) -> None:
    """What only the database can tell (found by ``start_search``): indicator names exist, the
    polygon is valid."""
    if start.unknown_indicators:
        known = ", ".join(await repo.indicator_names())
        unknown = ", ".join(start.unknown_indicators)
        raise Invalid(f"Unknown indicator {unknown}; known: {known}.", field="indicator")
    if start.polygon_problem:
        raise Invalid(f"The polygon is not valid: {start.polygon_problem}.", field="polygon")


async def search(
    repo: SearchRepository, user: User, page: SearchPage, today: date | None = None
) -> SearchResult:
    """One page of results and the cursor of the next page (None on the last page)."""
    criteria = page.criteria()
    after = decode_cursor(page.cursor, criteria) if page.cursor else None
    scope = await scope_for(repo, user, criteria)
    statement = search_sql(
        criteria, scope, today=today or today_new_york(), limit=page.limit + 1, after=after
    )
    rows = await repo.page(statement)
    items, more = rows[: page.limit], len(rows) > page.limit
    next_cursor = None
    if more:
        last = items[-1]
        next_cursor = Cursor(
            criteria.sort,
            _json_value(last["sort_value"]),
            last["property_id"],
            criteria.fingerprint(),
        ).encode()
    return SearchResult(items, next_cursor)


def _json_value(value: Any) -> int | float | str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return int(value)  # numeric


async def matching_property_ids(
    repo: SearchRepository,
    user: User,
    criteria: SearchCriteria,
    *,
    limit: int = MAX_MATCHES,
    today: date | None = None,
) -> list[uuid.UUID]:
    """Ids of the properties ``criteria`` matches for ``user`` (plan gating included), in the
    criteria's order, at most ``limit``. For saved-search alerts: no cursor, no paging."""
    scope = await scope_for(repo, user, criteria)
    statement = search_sql(
        criteria,
        scope,
        today=today or today_new_york(),
        limit=min(limit, MAX_MATCHES),
        columns="p.property_id",
    )
    return await repo.ids(statement)
