"""Why a property scores what it scores: each indicator with its weight, evidence and age.

The indicators listed are those stored by the last refresh (``property_intents``) plus those the
rules detect on the records now but the next refresh has yet to store. Evidence is read live,
with the refresh's own SQL (``refresh_sql.inputs_sql``, ``refresh_sql.OPEN_SIGNAL``), so an
indicator whose records have since closed shows ``still_detected = False`` until the next refresh
removes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from propintel.ingest.landuse import VACANT_CODES
from propintel.kit import i18n
from propintel.kit.i18n import _
from propintel.scoring.indicators import (
    BAND_RULES,
    DISTRESSED,
    NEW_HOMEOWNER,
    OLD_LISTING_DAYS,
    RULES_BY_NAME,
    Rule,
)
from propintel.scoring.quality import CHECKS
from propintel.scoring.readable import (
    EvidenceField,
    detail_fields,
    indicator_label,
    property_record_url,
    record_url,
    source_label,
)

# has_pool reads properties.pool, which the pool records set (docs/data.md, "Pools"): they are its
# evidence, whatever their status but cancelled.
POOL_RECORDS = ("pool",)


@dataclass(frozen=True)
class Evidence:
    """One record or fact behind an indicator, as a person reads it: where it comes from, its
    reference and date, labelled fields, and the public record's address when there is one."""

    source: str
    reference: str
    date: date | None
    note: str | None = None
    fields: tuple[EvidenceField, ...] = ()
    url: str | None = None

    @property
    def source_label(self) -> str:
        return source_label(self.source)


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

    @property
    def label(self) -> str:
        return indicator_label(self.name, self.description)


@dataclass(frozen=True)
class QualityCheck:
    name: str
    points: int
    passed: bool
    meaning: str


@dataclass(frozen=True)
class ScoreExplanation:
    """A property's scores and their reasons, limited to ``intent_types`` (the kinds of leads
    the reader's plan includes: the other score and its indicators are left out)."""

    property: Mapping[str, Any]
    indicators: list[IndicatorExplanation]
    quality: list[QualityCheck]
    as_of: date
    intent_types: frozenset[str] = frozenset({DISTRESSED, NEW_HOMEOWNER})

    def shows(self, intent_type: str) -> bool:
        return intent_type in self.intent_types


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
        return str(self.record["source"] or "dor_nal")

    def roll_fact(self, fact: str) -> Evidence:
        """A fact of the property's own record (the tax roll or the Property Appraiser)."""
        folio = self.record["folio_number"]
        return Evidence(self.roll_source, fact, None, url=property_record_url(folio))


def _sale_reference(sale: Mapping[str, Any]) -> str:
    if sale["or_book"] and sale["or_page"]:
        return _("Official Records book {book}, page {page}").format(
            book=sale["or_book"], page=sale["or_page"]
        )
    if sale["clerk_number"]:
        return _("clerk number {number}").format(number=sale["clerk_number"])
    return _("sale of {day}").format(day=i18n.format_date(sale["sale_date"]))


def _signal_evidence(rule: Rule, ctx: EvidenceContext) -> list[Evidence]:
    types = POOL_RECORDS if rule.name == "has_pool" else rule.signal_types
    folio = ctx.record["folio_number"]
    return [
        Evidence(
            s["source"],
            s["reference"],
            s["recorded_date"],
            fields=tuple(detail_fields(s["detail"])),
            url=record_url(s["source"], s["recorded_date"], folio),
        )
        for s in ctx.signals
        if s["signal_type"] in types
    ]


def _land_use(ctx: EvidenceContext) -> list[Evidence]:
    code = ctx.facts["dor_use_code"]
    if code not in VACANT_CODES:
        return []
    kind = str(ctx.record["property_type"] or "vacant").replace("_", " ")  # the record's code
    return [ctx.roll_fact(_("DOR land use {code} ({kind})").format(code=code, kind=kind))]


def _mailing_state(ctx: EvidenceContext) -> list[Evidence]:
    if not ctx.facts["out_of_state_owner"]:
        return []
    state = ctx.record["mailing_state"] or _("not Florida")
    return [ctx.roll_fact(_("owner's mailing state: {state}").format(state=state))]


def _equity(ctx: EvidenceContext) -> list[Evidence]:
    facts = ctx.facts
    if facts["equity"] is None or not facts["market_value"]:
        return []
    note = _(
        "estimated equity {equity} of market value {market_value}; "
        "mortgage estimate {mortgage} (80% of the {sale_price} sale, "
        "30-year loan at that year's average rate)"
    ).format(
        equity=_dollars(facts["equity"]),
        market_value=_dollars(facts["market_value"]),
        mortgage=_dollars(facts["mortgage"]),
        sale_price=_dollars(facts["sale_price"]),
    )
    return [Evidence("estimate", _("Mortgage and equity estimate"), facts["sale_date"], note)]


def _dollars(amount: int | None) -> str:
    return i18n.format_currency(amount, whole=True)


def _old_listings(ctx: EvidenceContext) -> list[Evidence]:
    return [
        Evidence(
            listing["listing_platform"] or "fsbo",
            listing["listing_url"] or _("FSBO listing"),
            listing["listed_date"],
            _("{days} days on market").format(days=i18n.format_number(listing["days"])),
            url=listing["listing_url"],
        )
        for listing in ctx.listings
        if listing["days"] is not None and listing["days"] > OLD_LISTING_DAYS
    ]


def _sale(ctx: EvidenceContext) -> list[Evidence]:
    sale, facts = ctx.sale, ctx.facts
    if sale is None or not facts["is_new"]:
        return []
    price = _dollars(sale["sale_price"]) if sale["sale_price"] is not None else _("price unknown")
    note = _("arm's-length sale (code {code}), {price}, {days} days ago").format(
        code=sale["qualification_code"], price=price, days=facts["days"]
    )
    return [Evidence(sale["source"], _sale_reference(sale), sale["sale_date"], note)]


def _lot(ctx: EvidenceContext) -> list[Evidence]:
    lot = ctx.facts["lot_size_sqft"]
    if lot is None:
        return []
    return [ctx.roll_fact(_("lot of {area} sqft").format(area=i18n.format_number(lot)))]


def _year_built(ctx: EvidenceContext) -> list[Evidence]:
    year = ctx.facts["year_built"]
    return [ctx.roll_fact(_("built in {year}").format(year=year))] if year is not None else []


FACT_EVIDENCE: dict[str, Callable[[EvidenceContext], list[Evidence]]] = {
    "vacant": _land_use,
    "out_of_state_owner": _mailing_state,
    "high_equity": _equity,
    "old_listing": _old_listings,
    **{band: _sale for band in BAND_RULES},
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
        QualityCheck(check.name, check.points, bool(facts[f"q_{check.name}"]), _(check.meaning))
        for check in CHECKS
    ]
