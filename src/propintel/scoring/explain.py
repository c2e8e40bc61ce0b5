"""Why a property scores what it scores: each indicator with its weight, evidence and age.

The indicators listed are those stored by the last refresh (``property_intents``) plus those the
rules detect on the records now but the next refresh has yet to store. Evidence is read live, with
the refresh's own SQL (``refresh.facts_sql``, ``refresh.OPEN_SIGNAL``), so an indicator whose
records have since closed shows ``still_detected = False`` until the next refresh removes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from propintel.ingest.landuse import VACANT_CODES
from propintel.scoring.indicators import BAND_RULES, OLD_LISTING_DAYS, RULES_BY_NAME, Rule
from propintel.scoring.quality import CHECKS

NOTE_MAX_CHARS = 200


@dataclass(frozen=True)
class Evidence:
    source: str
    reference: str
    date: date | None
    note: str | None = None


@dataclass(frozen=True)
class IndicatorExplanation:
    name: str
    intent_type: str | None
    weight: int | None  # now, in intent_indicators
    scored_weight: int | None  # in the property's intent_breakdown: what its scores used
    description: str | None
    rule: str | None  # how it is detected (None: no rule, nothing detects it)
    detected_at: datetime | None  # first detection; None: not stored yet
    still_detected: bool
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class QualityCheck:
    name: str
    points: int
    passed: bool
    meaning: str


@dataclass(frozen=True)
class ScoreExplanation:
    property: Mapping[str, Any]
    indicators: list[IndicatorExplanation]
    quality: list[QualityCheck]
    as_of: date


@dataclass(frozen=True)
class EvidenceContext:
    """What the evidence of one property is built from (all read by the service)."""

    record: Mapping[str, Any]  # the properties row
    facts: Mapping[str, Any]
    signals: Sequence[Mapping[str, Any]]
    sale: Mapping[str, Any] | None
    listings: Sequence[Mapping[str, Any]]

    @property
    def roll_source(self) -> str:
        return f"properties ({self.record['source'] or 'record'})"


def _note(detail: Mapping[str, Any] | None) -> str | None:
    if not detail:
        return None
    text = "; ".join(f"{key}: {value}" for key, value in detail.items() if value not in (None, ""))
    return text[:NOTE_MAX_CHARS] or None


def _sale_reference(sale: Mapping[str, Any]) -> str:
    if sale["or_book"] and sale["or_page"]:
        return f"OR book {sale['or_book']} page {sale['or_page']}"
    if sale["clerk_number"]:
        return f"clerk number {sale['clerk_number']}"
    return f"{sale['source']} sale of {sale['sale_date']}"


def _signal_evidence(rule: Rule, ctx: EvidenceContext) -> list[Evidence]:
    return [
        Evidence(s["source"], s["reference"], s["recorded_date"], _note(s["detail"]))
        for s in ctx.signals
        if s["signal_type"] in rule.signal_types
    ]


def _land_use(ctx: EvidenceContext) -> list[Evidence]:
    code = ctx.facts["dor_use_code"]
    if code not in VACANT_CODES:
        return []
    return [Evidence(ctx.roll_source, f"DOR land use {code} ({ctx.record['property_type']})", None)]


def _mailing_state(ctx: EvidenceContext) -> list[Evidence]:
    if not ctx.facts["out_of_state_owner"]:
        return []
    state = ctx.record["mailing_state"] or "not Florida"
    return [Evidence(ctx.roll_source, f"owner mailing state {state}", None)]


def _equity(ctx: EvidenceContext) -> list[Evidence]:
    facts = ctx.facts
    if facts["equity"] is None or not facts["market_value"]:
        return []
    note = (
        f"estimated equity ${facts['equity']:,} of market value ${facts['market_value']:,}; "
        f"mortgage estimate ${facts['mortgage']:,} (80% of the ${facts['sale_price']:,} sale, "
        "30-year loan at that year's average rate)"
    )
    return [Evidence("estimate", "mortgage and equity estimate", facts["sale_date"], note)]


def _old_listings(ctx: EvidenceContext) -> list[Evidence]:
    return [
        Evidence(
            listing["listing_platform"] or "fsbo",
            listing["listing_url"],
            listing["listed_date"],
            f"{listing['days']} days on market",
        )
        for listing in ctx.listings
        if listing["days"] is not None and listing["days"] > OLD_LISTING_DAYS
    ]


def _sale(ctx: EvidenceContext) -> list[Evidence]:
    sale, facts = ctx.sale, ctx.facts
    if sale is None or not facts["is_new"]:
        return []
    price = f"${sale['sale_price']:,}" if sale["sale_price"] is not None else "price unknown"
    note = (
        f"arm's-length sale (code {sale['qualification_code']}), {price}, {facts['days']} days ago"
    )
    return [Evidence(sale["source"], _sale_reference(sale), sale["sale_date"], note)]


def _pool(ctx: EvidenceContext) -> list[Evidence]:
    return (
        [Evidence(ctx.roll_source, "pool on the property record", None)]
        if ctx.facts["pool"]
        else []
    )


def _lot(ctx: EvidenceContext) -> list[Evidence]:
    lot = ctx.facts["lot_size_sqft"]
    return [Evidence(ctx.roll_source, f"lot {lot:,} sqft", None)] if lot is not None else []


def _year_built(ctx: EvidenceContext) -> list[Evidence]:
    year = ctx.facts["year_built"]
    return [Evidence(ctx.roll_source, f"built {year}", None)] if year is not None else []


FACT_EVIDENCE: dict[str, Callable[[EvidenceContext], list[Evidence]]] = {
    "vacant": _land_use,
    "out_of_state_owner": _mailing_state,
    "high_equity": _equity,
    "old_listing": _old_listings,
    **{band: _sale for band in BAND_RULES},
    "has_pool": _pool,
    "large_lawn": _lot,
    "old_hvac": _year_built,
}


def evidence_for(name: str, ctx: EvidenceContext) -> list[Evidence]:
    rule = RULES_BY_NAME.get(name)
    if rule is None:
        return []
    facts_based = FACT_EVIDENCE.get(name)
    return _signal_evidence(rule, ctx) + (facts_based(ctx) if facts_based else [])


def quality_checks(facts: Mapping[str, Any]) -> list[QualityCheck]:
    return [
        QualityCheck(check.name, check.points, bool(facts[f"q_{check.name}"]), check.meaning)
        for check in CHECKS
    ]
