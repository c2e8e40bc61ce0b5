"""Scoring rules for people: weights (audited), new indicators, refresh requests, explanations.

Services flush, never commit: the request's or job's unit of work commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.audit.service import audit, audit_queued_job
from propintel.auth.models import User
from propintel.jobs.enqueue import defer_in_transaction
from propintel.kit.errors import Conflict, Invalid, NotFound
from propintel.kit.i18n import _
from propintel.scoring.explain import (
    EvidenceContext,
    IndicatorExplanation,
    ScoreExplanation,
    evidence_for,
    quality_checks,
)
from propintel.scoring.indicators import DISTRESSED, NEW_HOMEOWNER, RULES, rule_for
from propintel.scoring.readable import rule_summary
from propintel.scoring.refresh import new_york_today
from propintel.scoring.repository import IndicatorRow, ScoringRepository, StoredIntent

REFRESH_JOB = "scoring.refresh"
MIN_WEIGHT, MAX_WEIGHT = 0, 1000
ENTITY = "intent_indicators"


@dataclass(frozen=True)
class WeightChange:
    indicator_name: str
    before: int
    after: int


@dataclass(frozen=True)
class RefreshRequest:
    status: Literal["queued", "already_queued"]
    job_id: int | None


def check_weight(name: str, weight: int) -> None:
    if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        raise Invalid(
            _("The weight of {name} must be a whole number from {low} to {high}.").format(
                name=name, low=MIN_WEIGHT, high=MAX_WEIGHT
            ),
            field=f"weights.{name}",
        )


async def indicators(session: AsyncSession, *, with_counts: bool = True) -> list[IndicatorRow]:
    """Every indicator (with how many properties have it, or 0 without ``with_counts``),
    distressed first, heaviest first."""
    return await ScoringRepository.from_session(session).indicators(with_counts=with_counts)


async def refresh_waiting(session: AsyncSession) -> str | None:
    """``todo`` or ``doing`` when a refresh job is queued or running, else None."""
    return await ScoringRepository.from_session(session).refresh_waiting(REFRESH_JOB)


async def update_weights(
    session: AsyncSession, admin: User, weights: Mapping[str, int]
) -> list[WeightChange]:
    """Set the given weights; each change is audit-logged with its before and after. Scores
    follow at the next refresh. Unknown names or out-of-range weights change nothing."""
    if not weights:
        raise Invalid(_("Give at least one indicator weight."), field="weights")
    for name, weight in weights.items():
        check_weight(name, weight)
    repo = ScoringRepository.from_session(session)
    rows = await repo.indicators_for_update(weights)
    unknown = sorted(set(weights) - set(rows))
    if unknown:
        raise Invalid(
            _("Unknown indicator: {names}.").format(names=", ".join(unknown)),
            field=f"weights.{unknown[0]}",
        )
    changes = []
    for name in sorted(weights):
        row, weight = rows[name], weights[name]
        if row.weight == weight:
            continue
        await repo.set_weight(row.indicator_id, weight)
        await _audit_weight(session, admin, row, weight)
        changes.append(WeightChange(name, row.weight, weight))
    return changes


async def _audit_weight(session: AsyncSession, admin: User, row: IndicatorRow, weight: int) -> None:
    await audit(
        session,
        admin,
        "intent_indicator.update",
        ENTITY,
        row.indicator_id,
        {"indicator_name": row.indicator_name, "weight": row.weight},
        {"indicator_name": row.indicator_name, "weight": weight},
    )


async def add_indicator(
    session: AsyncSession,
    admin: User,
    name: str,
    intent_type: str,
    weight: int,
    description: str | None,
) -> uuid.UUID:
    """Add an indicator for a detection rule that has none yet (``heirship``): from the next
    refresh on it is detected and scored like the seeded ones."""
    if rule_for(name) is None:
        known = ", ".join(rule.name for rule in RULES)
        raise Invalid(
            _("No detection rule is named {name} (rules: {known}).").format(
                name=repr(name), known=known
            ),
            field="indicator_name",
        )
    check_weight(name, weight)
    repo = ScoringRepository.from_session(session)
    indicator_id = await repo.insert_indicator(name, intent_type, weight, description)
    if indicator_id is None:
        raise Conflict(
            _("The indicator {name} exists already; change its weight instead.").format(name=name)
        )
    after = {
        "indicator_name": name,
        "intent_type": intent_type,
        "weight": weight,
        "description": description,
    }
    await audit(session, admin, "intent_indicator.create", ENTITY, indicator_id, None, after)
    return indicator_id


async def request_refresh(session: AsyncSession, admin: User) -> RefreshRequest:
    """Queue the refresh job in this transaction (a worker runs it once this commits, so it sees
    the weights saved with it), audit-logged. At most one waits at a time: asking again while
    one waits changes nothing and logs nothing."""
    try:
        job_id = await defer_in_transaction(session, REFRESH_JOB)
    except AlreadyEnqueued:
        return RefreshRequest("already_queued", None)
    await audit_queued_job(session, admin, "scoring.refresh", REFRESH_JOB, job_id)
    return RefreshRequest("queued", job_id)


async def scores_refreshed_at(session: AsyncSession) -> datetime | None:
    """When the scores were last refreshed (New York time), for pages to say how fresh they are;
    None before the first refresh."""
    return await ScoringRepository.from_session(session).last_refreshed_at()


async def explain_property(
    session: AsyncSession,
    property_id: uuid.UUID,
    new_homeowner_days: int,
    as_of: date | None = None,
    intent_types: frozenset[str] = frozenset({DISTRESSED, NEW_HOMEOWNER}),
) -> ScoreExplanation:
    """Why ``property_id`` scores what it scores, for a reader who may see ``intent_types``."""
    repo = ScoringRepository.from_session(session)
    prop = await repo.property_scores(property_id)
    if prop is None:
        raise NotFound(_("No such property."))
    as_of = as_of or await new_york_today(session)
    facts = await repo.current_facts(property_id, as_of, new_homeowner_days)
    assert facts is not None  # the property exists, so its facts row does
    context = EvidenceContext(
        prop,
        facts,
        await repo.evidence_signals(property_id),
        await repo.last_arms_length_sale(prop["folio_number"]),
        await repo.active_listings(property_id, as_of),
    )
    indicators = {row.indicator_name: row for row in await repo.indicators(with_counts=False)}
    stored = await repo.stored_intents(property_id)
    items = [_stored(intent, indicators, context) for intent in stored]
    items += _pending({intent.indicator_name for intent in stored}, indicators, context)
    items = [item for item in items if item.intent_type in intent_types]
    items.sort(key=lambda item: (item.intent_type != DISTRESSED, -(item.weight or 0), item.name))
    return ScoreExplanation(prop, items, quality_checks(facts), as_of, intent_types)


def _explained(
    name: str,
    row: IndicatorRow | None,
    context: EvidenceContext,
    stored: StoredIntent | None,
) -> IndicatorExplanation:
    rule = rule_for(name)
    breakdown = context.record["intent_breakdown"] or {}
    return IndicatorExplanation(
        name=name,
        intent_type=row.intent_type if row else None,
        weight=row.weight if row else None,
        scored_weight=breakdown.get(name),
        description=row.description if row else None,
        rule=rule_summary(rule.summary) if rule else None,
        detected_at=stored.detected_at if stored else None,
        still_detected=bool(context.facts.get(f"hit_{name}")),
        evidence=evidence_for(name, context),
    )


def _stored(
    intent: StoredIntent, indicators: Mapping[str, IndicatorRow], context: EvidenceContext
) -> IndicatorExplanation:
    return _explained(intent.indicator_name, indicators.get(intent.indicator_name), context, intent)


def _pending(
    stored: set[str], indicators: Mapping[str, IndicatorRow], context: EvidenceContext
) -> list[IndicatorExplanation]:
    """Detected on the records now, with an indicator row, but not stored by a refresh yet."""
    return [
        _explained(rule.name, indicators[rule.name], context, None)
        for rule in RULES
        if context.facts[f"hit_{rule.name}"] and rule.name in indicators and rule.name not in stored
    ]
