"""API shapes of billing."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from propintel.kit.clock import NewYorkDatetime
from propintel.kit.i18n import _


class CheckoutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["bundle", "subscription"]
    bundle_id: uuid.UUID | None = None
    plan_id: uuid.UUID | None = None
    interval: Literal["month", "year"] = "month"

    @model_validator(mode="after")
    def _target_given(self) -> CheckoutIn:
        if self.kind == "bundle" and self.bundle_id is None:
            raise ValueError(_("bundle_id is required to buy a bundle"))
        if self.kind == "subscription" and self.plan_id is None:
            raise ValueError(_("plan_id is required to subscribe"))
        return self


class CheckoutOut(BaseModel):
    session_id: str
    checkout_url: str


class PlanChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    plan_id: uuid.UUID


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cancel_at_period_end: bool


class SubscriptionOut(BaseModel):
    subscription_id: str
    plan_name: str | None
    billing_interval: str
    status: str
    current_period_end: NewYorkDatetime | None
    cancel_at_period_end: bool


class PlanOut(BaseModel):
    plan_id: uuid.UUID
    plan_name: str
    monthly_price: Decimal
    yearly_price: Decimal | None
    base_tokens_monthly: int
    features: dict[str, bool]


class BundleOut(BaseModel):
    bundle_id: uuid.UUID
    bundle_name: str
    token_amount: int
    price: Decimal


class BillingOut(BaseModel):
    provider: str
    subscription: SubscriptionOut | None
    plans: list[PlanOut]
    bundles: list[BundleOut]
