"""API shapes of the scoring domain."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from propintel.kit.clock import NewYorkDatetime
from propintel.kit.i18n import N_, _
from propintel.scoring.explain import Evidence, IndicatorExplanation, ScoreExplanation
from propintel.scoring.indicators import DISTRESSED, NEW_HOMEOWNER, RULES, rule_for
from propintel.scoring.readable import LEAD_SCORE_RULE, lead_score, rule_summary
from propintel.scoring.repository import IndicatorRow
from propintel.scoring.service import MAX_WEIGHT, MIN_WEIGHT

Weight = Annotated[int, Field(ge=MIN_WEIGHT, le=MAX_WEIGHT)]
FLAGS = tuple(rule.flag for rule in RULES if rule.flag)
FLAG_COLUMNS = (*FLAGS, "out_of_state_owner")
ESTIMATE_NOTE = N_(  # English: pages translate it where they show it
    "The mortgage balance and the equity are estimates: 80% of the last arm's-length sale price, "
    "paid off over 30 years at that year's average 30-year rate. No public record holds them."
)


class IndicatorOut(BaseModel):
    indicator_id: uuid.UUID
    indicator_name: str
    intent_type: str | None
    weight: int
    description: str | None
    rule: str | None = Field(description="How it is detected; null: no rule detects it.")
    detected_properties: int

    @classmethod
    def of(cls, row: IndicatorRow) -> IndicatorOut:
        rule = rule_for(row.indicator_name)
        return cls(
            indicator_id=row.indicator_id,
            indicator_name=row.indicator_name,
            intent_type=row.intent_type,
            weight=row.weight,
            description=row.description,
            rule=rule_summary(rule.summary) if rule else None,
            detected_properties=row.detected,
        )


class WeightsPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weights: dict[str, Weight] = Field(
        min_length=1, description="indicator_name → new weight; names not given keep theirs."
    )


class WeightChangeOut(BaseModel):
    indicator_name: str
    before: int
    after: int


class WeightsUpdated(BaseModel):
    changed: list[WeightChangeOut]
    indicators: list[IndicatorOut]
    note: str = (
        "Scores follow at the next refresh: POST /api/v1/admin/scores/refresh to run it now."
    )


class IndicatorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicator_name: str = Field(min_length=1, max_length=100)
    intent_type: Literal["distressed_property", "new_homeowner"] = DISTRESSED
    weight: Weight
    description: str | None = Field(default=None, max_length=500)


class RefreshRequestOut(BaseModel):
    status: Literal["queued", "already_queued"]
    job_id: int | None
    message: str


class EvidenceFieldOut(BaseModel):
    label: str
    value: str


class EvidenceOut(BaseModel):
    source: str
    source_label: str
    reference: str
    date: date | None
    note: str | None
    fields: list[EvidenceFieldOut] = Field(description="The record's details, labelled.")
    url: str | None = Field(description="The public record itself, where it has an address.")

    @classmethod
    def of(cls, evidence: Evidence) -> EvidenceOut:
        return cls(
            source=evidence.source,
            source_label=evidence.source_label,
            reference=evidence.reference,
            date=evidence.date,
            note=evidence.note,
            fields=[EvidenceFieldOut(label=f.label, value=f.value) for f in evidence.fields],
            url=evidence.url,
        )


class IndicatorExplanationOut(BaseModel):
    indicator_name: str
    label: str = Field(description="The indicator's name for people.")
    intent_type: str | None
    points: int = Field(description="What it adds to the score (its scored weight).")
    weight: int | None = Field(description="The weight in intent_indicators now.")
    scored_weight: int | None = Field(
        description="The weight the stored scores used (intent_breakdown); differs from weight "
        "until the next refresh after an admin changed it."
    )
    description: str | None
    rule: str | None
    detected_at: NewYorkDatetime | None = Field(
        description="First detection (New York time); null: detected now, stored at the next "
        "refresh."
    )
    still_detected: bool = Field(
        description="The rule holds on the records now; false: removed at the next refresh."
    )
    evidence: list[EvidenceOut]


class QualityCheckOut(BaseModel):
    check: str
    points: int
    passed: bool
    meaning: str


class ScoreExplanationOut(BaseModel):
    """A property's scores explained. Scores a reader's plan does not include are null and their
    indicators left out."""

    property_id: uuid.UUID
    folio_number: str | None
    full_address: str
    as_of: date
    distressed_score: int | None = Field(description="Points: the sum of the weights.")
    new_homeowner_score: int | None = Field(description="Points: band or base + add-ons.")
    distressed_lead_score: int | None = Field(description=LEAD_SCORE_RULE)
    new_homeowner_lead_score: int | None = Field(description=LEAD_SCORE_RULE)
    lead_score_rule: str = LEAD_SCORE_RULE
    included: list[str] = Field(
        description="The kinds of scores shown (intent types the reader's plan includes)."
    )
    is_new_homeowner: bool | None
    sale_date: date | None
    days_since_sale: int | None
    market_value: int | None
    mortgage_balance: int | None
    estimated_equity: int | None
    estimate_note: str = ESTIMATE_NOTE
    data_quality_score: int | None
    flags: dict[str, bool | None]
    intent_breakdown: dict[str, Any] | None
    indicators: list[IndicatorExplanationOut]
    quality_checks: list[QualityCheckOut]

    @classmethod
    def of(cls, explanation: ScoreExplanation) -> ScoreExplanationOut:
        prop = explanation.property
        scalars = {
            name: prop[name]
            for name in (
                "property_id",
                "folio_number",
                "full_address",
                "sale_date",
                "days_since_sale",
                "market_value",
                "mortgage_balance",
                "estimated_equity",
                "data_quality_score",
            )
        }
        shown = {item.name for item in explanation.indicators}
        distressed = explanation.shows(DISTRESSED)
        new_homeowner = explanation.shows(NEW_HOMEOWNER)
        breakdown = {
            name: weight
            for name, weight in (prop["intent_breakdown"] or {}).items()
            if name in shown
        }
        return cls(
            **scalars,
            **_scores(prop, "distressed", distressed),
            **_scores(prop, "new_homeowner", new_homeowner),
            is_new_homeowner=prop["is_new_homeowner"] if new_homeowner else None,
            as_of=explanation.as_of,
            lead_score_rule=_(LEAD_SCORE_RULE),  # in the reader's language
            estimate_note=_(ESTIMATE_NOTE),
            included=sorted(explanation.intent_types),
            flags={flag: prop[flag] for flag in (*FLAGS, "out_of_state_owner")}
            if distressed
            else {},
            intent_breakdown=breakdown or None,
            indicators=[_indicator(item) for item in explanation.indicators],
            quality_checks=[
                QualityCheckOut(
                    check=check.name,
                    points=check.points,
                    passed=check.passed,
                    meaning=check.meaning,
                )
                for check in explanation.quality
            ],
        )


def _scores(prop: Mapping[str, Any], kind: str, shown: bool) -> dict[str, int | None]:
    points = prop[f"{kind}_score"] if shown else None
    lead = lead_score(points) if points is not None else None
    return {f"{kind}_score": points, f"{kind}_lead_score": lead}


def _indicator(item: IndicatorExplanation) -> IndicatorExplanationOut:
    return IndicatorExplanationOut(
        indicator_name=item.name,
        label=item.label,
        intent_type=item.intent_type,
        points=item.scored_weight if item.scored_weight is not None else item.weight or 0,
        weight=item.weight,
        scored_weight=item.scored_weight,
        description=item.description,
        rule=item.rule,
        detected_at=item.detected_at,
        still_detected=item.still_detected,
        evidence=[EvidenceOut.of(piece) for piece in item.evidence],
    )
