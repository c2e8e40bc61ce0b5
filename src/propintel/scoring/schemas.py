"""API shapes of the scoring domain."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from propintel.kit.clock import NewYorkDatetime
from propintel.scoring.explain import ScoreExplanation
from propintel.scoring.indicators import DISTRESSED, RULES, rule_for
from propintel.scoring.repository import IndicatorRow
from propintel.scoring.service import MAX_WEIGHT, MIN_WEIGHT

Weight = Annotated[int, Field(ge=MIN_WEIGHT, le=MAX_WEIGHT)]
FLAGS = tuple(rule.flag for rule in RULES if rule.flag)
ESTIMATE_NOTE = (
    "mortgage_balance and estimated_equity are estimates: 80% of the last arm's-length sale price, "
    "amortised over 30 years at that year's average 30-year rate; no public record holds them."
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
            rule=rule.summary if rule else None,
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


class EvidenceOut(BaseModel):
    source: str
    reference: str
    date: date | None
    note: str | None


class IndicatorExplanationOut(BaseModel):
    indicator_name: str
    intent_type: str | None
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
    property_id: uuid.UUID
    folio_number: str | None
    full_address: str
    as_of: date
    distressed_score: int | None
    new_homeowner_score: int | None
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
                "distressed_score",
                "new_homeowner_score",
                "is_new_homeowner",
                "sale_date",
                "days_since_sale",
                "market_value",
                "mortgage_balance",
                "estimated_equity",
                "data_quality_score",
                "intent_breakdown",
            )
        }
        return cls(
            **scalars,
            as_of=explanation.as_of,
            flags={flag: prop[flag] for flag in (*FLAGS, "out_of_state_owner")},
            indicators=[
                IndicatorExplanationOut(
                    indicator_name=item.name,
                    intent_type=item.intent_type,
                    weight=item.weight,
                    scored_weight=item.scored_weight,
                    description=item.description,
                    rule=item.rule,
                    detected_at=item.detected_at,
                    still_detected=item.still_detected,
                    evidence=[EvidenceOut(**asdict(piece)) for piece in item.evidence],
                )
                for item in explanation.indicators
            ],
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
