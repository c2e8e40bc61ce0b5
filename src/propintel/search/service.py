"""Search rules: which leads a plan may see (enforced here, for the API, the pages, exports and
saved-search alerts alike), criteria checked against the database, pages with keyset cursors.

Plans come from ``subscription_plans.features``: ``new_homeowner_leads`` → new homeowners,
``distressed_leads`` → distressed properties, ``fsbo_leads`` → FSBO listings. A subscriber
without an active (or trialing) plan is told how to get one; admins see everything.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User, UserType
from propintel.kit.clock import today_new_york
from propintel.kit.errors import Forbidden, Invalid, NotFound
from propintel.kit.i18n import N_, _
from propintel.kit.pagination import fingerprint
from propintel.scoring import service as scoring_service
from propintel.scoring.explain import ScoreExplanation
from propintel.scoring.indicators import DISTRESSED, NEW_HOMEOWNER
from propintel.scoring.readable import lead_score
from propintel.search.criteria import LISTINGS, Intent, SearchCriteria, SearchPage
from propintel.search.presets import Preset, presets_for
from propintel.search.repository import TOTAL_CAP, SearchRepository, SearchStart
from propintel.search.scope import Scope

# Alerts and other callers that want ids, not pages, get at most this many.
MAX_MATCHES = 1_000
FEATURE_OF_INTENT = {
    Intent.NEW_HOMEOWNER: "new_homeowner_leads",
    Intent.DISTRESSED: "distressed_leads",
    Intent.FSBO: "fsbo_leads",
}
INTENT_LABEL = {
    Intent.NEW_HOMEOWNER: N_("new-homeowner"),
    Intent.DISTRESSED: N_("distressed-property"),
    Intent.FSBO: N_("FSBO"),
}
PLAN_FOR_INTENT = {
    Intent.NEW_HOMEOWNER: N_("the contractor or full plan"),
    Intent.DISTRESSED: N_("the investor or full plan"),
    Intent.FSBO: N_("the investor or full plan"),
}
UPGRADE_MESSAGE = N_(
    "Searching leads needs an active plan: contractor (new homeowners), investor (distressed "
    "properties and FSBO listings) or full (everything). Choose one to unlock lead search."
)


class PlanRequired(Forbidden):
    """No active plan, or a plan without the leads asked for: the message says what to upgrade."""


@dataclass(frozen=True)
class SearchResult:
    items: list[dict[str, Any]]
    next_cursor: str | None
    scope: Scope  # what the caller's plan includes: items show only its scores


@dataclass(frozen=True)
class MatchCount:
    """How many properties a search matches: exact up to ``cap``, "cap+" beyond."""

    counted: int  # up to cap + 1
    cap: int = TOTAL_CAP

    @property
    def capped(self) -> bool:
        return self.counted > self.cap

    @property
    def total(self) -> int:
        return min(self.counted, self.cap)


async def scope_for(
    session: AsyncSession, user: User, criteria: SearchCriteria | None = None
) -> Scope:
    """The intents ``user`` may search (``PlanRequired`` when there are none), with ``criteria``
    checked against the plan and the database. Every search runs this first: its one statement
    (``SearchRepository.start_search``) also applies the search's planner settings."""
    repo = SearchRepository.from_session(session)
    if user.user_type == UserType.ADMIN:
        start = await repo.start_search(None, criteria)
        scope = Scope(frozenset(Intent))
    elif user.user_type != UserType.SUBSCRIBER or not user.has_active_plan:
        raise PlanRequired(_(UPGRADE_MESSAGE))
    else:
        start = await repo.start_search(str(user.subscription_tier), criteria)
        features = start.features or {}
        scope = Scope(frozenset(i for i in Intent if features.get(FEATURE_OF_INTENT[i]) is True))
        if not scope.intents:
            raise PlanRequired(_(UPGRADE_MESSAGE))
    if criteria is not None:
        check_intent(scope, user, criteria.intent)
        await check_criteria(session, start)
    return scope


def check_intent(scope: Scope, user: User, intent: Intent | None) -> None:
    if intent is None or scope.allows(intent):
        return
    plan = user.subscription_tier or _("current")
    raise PlanRequired(
        _(
            "Your {plan} plan does not include {kind} leads; they come with {plans}. "
            "Upgrade to search them."
        ).format(plan=plan, kind=_(INTENT_LABEL[intent]), plans=_(PLAN_FOR_INTENT[intent])),
        field="intent",
    )


async def property_in_scope(
    session: AsyncSession, user: User, scope: Scope, property_id: uuid.UUID
) -> RowMapping:
    """A property's record for its page: missing → 404; outside the plan → ``PlanRequired``."""
    record = await SearchRepository.from_session(session).property_record(property_id, scope)
    if record is None:
        raise NotFound(_("There is no such property."))
    if not record["in_scope"]:
        included = _(" and ").join(_(INTENT_LABEL[i]) for i in Intent if scope.allows(i))
        raise PlanRequired(
            _(
                "This property is not among the leads of your {plan} plan ({kinds} leads). "
                "Upgrade your plan to open it."
            ).format(plan=user.subscription_tier, kinds=included)
        )
    return record


async def properties_in_scope(
    session: AsyncSession, scope: Scope, property_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, bool]:
    """``property_in_scope`` for many properties at once, without raising: each of
    ``property_ids`` that exists, with whether ``scope`` covers it (a missing one is left out).
    For batch actions on properties (outreach's contact unlock)."""
    return await SearchRepository.from_session(session).in_scope(property_ids, scope)


def intent_types(scope: Scope) -> frozenset[str]:
    """The kinds of scores (``intent_indicators.intent_type``) ``scope`` includes."""
    shown = ((NEW_HOMEOWNER, scope.new_homeowner_scores), (DISTRESSED, scope.distressed_scores))
    return frozenset(kind for kind, included in shown if included)


@dataclass(frozen=True)
class SavedLeadRef:
    """A subscriber's saved lead of a property, as search results and property pages mark it."""

    lead_id: uuid.UUID
    status: str
    lead_source: str | None


class SavedLeadLookup(Protocol):
    """Which of ``property_ids`` the user has saved as leads. The leads domain implements it and
    the app hands it to the search pages (``app.state.saved_leads``): leads depends on search,
    never the other way round."""

    async def __call__(
        self, session: AsyncSession, user_id: uuid.UUID, property_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, SavedLeadRef]: ...


@dataclass(frozen=True)
class PropertyDetail:
    """A property as its page and ``GET /properties/{id}`` show it to one caller."""

    record: RowMapping
    scope: Scope
    sales: list[RowMapping]
    listings: list[RowMapping]
    explanation: ScoreExplanation


async def explain(
    session: AsyncSession, user: User, property_id: uuid.UUID, new_homeowner_days: int
) -> ScoreExplanation:
    """A property's scores explained, limited to the scores the caller's plan includes (a
    property outside the plan is refused, like its page)."""
    scope = await scope_for(session, user)
    await property_in_scope(session, user, scope, property_id)
    return await _explained(session, scope, property_id, new_homeowner_days)


async def property_detail(
    session: AsyncSession, user: User, property_id: uuid.UUID, new_homeowner_days: int
) -> PropertyDetail:
    scope = await scope_for(session, user)
    record = await property_in_scope(session, user, scope, property_id)
    repo = SearchRepository.from_session(session)
    return PropertyDetail(
        record,
        scope,
        await repo.sale_history(record["folio_number"]),
        await repo.listings(property_id),
        await _explained(session, scope, property_id, new_homeowner_days),
    )


async def _explained(
    session: AsyncSession, scope: Scope, property_id: uuid.UUID, new_homeowner_days: int
) -> ScoreExplanation:
    return await scoring_service.explain_property(
        session,
        property_id,
        new_homeowner_days,
        intent_types=intent_types(scope),
    )


async def check_criteria(session: AsyncSession, start: SearchStart) -> None:
    """What only the database can tell (found by ``start_search``): indicator names exist, the
    polygon is valid."""
    if start.unknown_indicators:
        known = ", ".join(await _indicator_names(session))
        unknown = ", ".join(start.unknown_indicators)
        raise Invalid(
            _("Unknown indicator {unknown}; known: {known}.").format(unknown=unknown, known=known),
            field="indicator",
        )
    if start.polygon_problem:
        raise Invalid(
            _("The polygon is not valid: {problem}.").format(problem=start.polygon_problem),
            field="polygon",
        )


async def _indicator_names(session: AsyncSession) -> list[str]:
    """Every indicator's name, by intent type (those without one last), then by name."""
    indicators = await scoring_service.indicators(session, with_counts=False)
    indicators.sort(
        key=lambda row: (row.intent_type is None, row.intent_type or "", row.indicator_name)
    )
    return [row.indicator_name for row in indicators]


async def search(
    session: AsyncSession, user: User, page: SearchPage, today: date | None = None
) -> SearchResult:
    """One page of results and the cursor of the next page (None on the last page). A cursor
    continues only the search (criteria and order) it came from."""
    criteria = page.criteria()
    listing, bound = LISTINGS[criteria.sort], fingerprint(criteria)
    after = listing.decode_optional(page.cursor, bound_to=bound)
    scope = await scope_for(session, user, criteria)
    rows = await SearchRepository.from_session(session).page(
        criteria, scope, today=today or today_new_york(), limit=page.limit + 1, after=after
    )
    items, next_cursor = listing.page(rows, page.limit, key=_keyset, bound_to=bound)
    return SearchResult(items, next_cursor, scope)


def _keyset(row: Mapping[str, Any]) -> tuple[Any, uuid.UUID]:
    return row["sort_value"], row["property_id"]


async def count_matches(
    session: AsyncSession,
    user: User,
    criteria: SearchCriteria,
    today: date | None = None,
    cap: int = TOTAL_CAP,
) -> MatchCount:
    """How many properties ``criteria`` matches for ``user`` (plan gating included), counted
    exactly up to ``cap``. Its own request: counting thousands of matches reads far more rows
    than a page, so a search never waits for it (docs/search.md)."""
    scope = await scope_for(session, user, criteria)
    repo = SearchRepository.from_session(session)
    return MatchCount(
        await repo.count(criteria, scope, today=today or today_new_york(), cap=cap), cap
    )


async def matching_property_ids(
    session: AsyncSession,
    user: User,
    criteria: SearchCriteria,
    *,
    limit: int = MAX_MATCHES,
    today: date | None = None,
    scope: Scope | None = None,
) -> list[uuid.UUID]:
    """Ids of the properties ``criteria`` matches for ``user`` (plan gating included; ``scope``:
    already found by ``scope_for``), in the criteria's order, at most ``limit``. For saved-search
    alerts: no cursor, no paging."""
    scope = scope or await scope_for(session, user, criteria)
    return await SearchRepository.from_session(session).ids(
        criteria, scope, today=today or today_new_york(), limit=min(limit, MAX_MATCHES)
    )


@dataclass(frozen=True)
class ScoredProperty:
    """A property as a saved-search alert names it: its address and its 0-100 lead score."""

    property_id: uuid.UUID
    full_address: str
    score: int


async def best_scored(
    session: AsyncSession,
    ids: Sequence[uuid.UUID],
    intent: Intent | None,
    scope: Scope,
    limit: int,
) -> list[ScoredProperty]:
    """The best ``limit`` of ``ids``, best first, by the score a search for ``intent`` orders by
    (of the scores ``scope`` includes). For saved-search alerts."""
    rows = await SearchRepository.from_session(session).best_scored(ids, intent, scope, limit)
    return [
        ScoredProperty(row["property_id"], row["full_address"], lead_score(row["score"]))
        for row in rows
    ]


async def presets_of(session: AsyncSession, user: User) -> list[Preset]:
    """The ready-made searches ``user``'s plan can run (none without a plan)."""
    try:
        scope = await scope_for(session, user)
    except PlanRequired:
        return []
    return presets_for(scope)
