"""API shapes of the catalog: what an admin may write into plans, bundles and prices.

Each table has a *create* model (every required column), a *patch* model (any subset; a column
that is NOT NULL in practice refuses an explicit ``null``) and an *out* model. Amounts are
``Decimal`` with the column's scale (a price with a third decimal is refused, not rounded) and are
normalised to that scale, so an audit entry shows ``"12.50"``, the value the database stores.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    computed_field,
    field_validator,
)

from propintel.catalog import mapping
from propintel.kit.clock import NewYorkDatetime
from propintel.kit.i18n import _

MAX_TOKENS = 10_000_000
CENT = Decimal("0.01")
MICRO = Decimal("0.000001")


def _scale(step: Decimal) -> AfterValidator:
    return AfterValidator(lambda value: value.quantize(step))


# DECIMAL(10,2) prices; DECIMAL(10,6) provider costs; DECIMAL(5,2) markup (999.99 at most).
Money = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2), _scale(CENT)]
Cost = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=6), _scale(MICRO)]
Markup = Annotated[
    Decimal, Field(ge=0, le=Decimal("999.99"), max_digits=5, decimal_places=2), _scale(CENT)
]
Tokens = Annotated[int, Field(ge=1, le=MAX_TOKENS)]
Allowance = Annotated[int, Field(ge=0, le=MAX_TOKENS)]
SLUG_PATTERN = r"^[a-z][a-z0-9_]{1,49}$"  # plan names, actions, services
Slug = Annotated[str, StringConstraints(strip_whitespace=True, pattern=SLUG_PATTERN)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
StripePriceId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_]{1,255}$")
]
FeatureName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,49}$")]
Features = dict[FeatureName, StrictBool]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
UnitDescription = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Patch(_Write):
    """A partial update. ``REQUIRED`` columns may be left out but not set to ``null``."""

    REQUIRED: ClassVar[tuple[str, ...]] = ()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null_for_required(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.REQUIRED:
            raise ValueError(_("may be left out, but not set to null"))
        return value


# --- subscription_plans ----------------------------------------------------------------------
class PlanCreate(_Write):
    plan_name: Slug
    monthly_price: Money
    yearly_price: Money | None = None
    base_tokens_monthly: Allowance = 10_000
    features: Features = Field(default_factory=dict)
    stripe_price_id: StripePriceId | None = None


class PlanPatch(_Patch):
    REQUIRED = ("plan_name", "monthly_price", "base_tokens_monthly", "features")

    plan_name: Slug | None = None
    monthly_price: Money | None = None
    yearly_price: Money | None = None
    base_tokens_monthly: Allowance | None = None
    features: Features | None = None
    stripe_price_id: StripePriceId | None = None


class PlanOut(BaseModel):
    plan_id: uuid.UUID
    plan_name: str
    monthly_price: Decimal
    yearly_price: Decimal | None
    base_tokens_monthly: int | None
    features: dict[str, Any] | None
    stripe_price_id: str | None
    is_active: bool
    created_at: NewYorkDatetime | None
    updated_at: NewYorkDatetime | None


# --- token_bundles ---------------------------------------------------------------------------
class BundleCreate(_Write):
    bundle_name: Label
    token_amount: Tokens
    price: Money
    stripe_price_id: StripePriceId | None = None


class BundlePatch(_Patch):
    REQUIRED = ("bundle_name", "token_amount", "price")

    bundle_name: Label | None = None
    token_amount: Tokens | None = None
    price: Money | None = None
    stripe_price_id: StripePriceId | None = None


class BundleOut(BaseModel):
    bundle_id: uuid.UUID
    bundle_name: str | None
    token_amount: int
    price: Decimal
    stripe_price_id: str | None
    is_active: bool
    created_at: NewYorkDatetime | None


# --- token_pricing ---------------------------------------------------------------------------
class PricingCreate(_Write):
    action_type: Slug
    tokens_required: Tokens
    actual_cost_usd: Cost
    description: Description | None = None


class PricingPatch(_Patch):
    REQUIRED = ("tokens_required", "actual_cost_usd")

    tokens_required: Tokens | None = None
    actual_cost_usd: Cost | None = None
    description: Description | None = None


class PricingOut(BaseModel):
    action_type: str
    tokens_required: int
    actual_cost_usd: Decimal | None
    description: str | None
    updated_at: NewYorkDatetime | None

    @computed_field(description="The ai_cost_config service whose cost and markup apply.")
    def cost_service(self) -> str | None:
        return mapping.cost_service(self.action_type)


# --- ai_cost_config --------------------------------------------------------------------------
class AiCostCreate(_Write):
    service_name: Slug
    cost_per_unit: Cost
    markup_percentage: Markup = Decimal("50.00")
    tokens_per_unit: Tokens = 1
    unit_description: UnitDescription | None = None


class AiCostPatch(_Patch):
    REQUIRED = ("cost_per_unit", "markup_percentage", "tokens_per_unit")

    cost_per_unit: Cost | None = None
    markup_percentage: Markup | None = None
    tokens_per_unit: Tokens | None = None
    unit_description: UnitDescription | None = None


class AiCostOut(BaseModel):
    config_id: uuid.UUID
    service_name: str
    cost_per_unit: Decimal
    markup_percentage: Decimal | None
    tokens_per_unit: int | None
    unit_description: str | None
    updated_at: NewYorkDatetime | None
