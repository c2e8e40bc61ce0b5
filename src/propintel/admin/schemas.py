"""API shapes of the admin domain."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from propintel.kit.clock import NewYorkDatetime


class PoolOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    total_tokens: int | None
    tokens_purchased: int | None
    tokens_consumed: int | None
    updated_at: NewYorkDatetime | None
    cost_per_token: Decimal | None = None


class ScheduledJobOut(BaseModel):
    name: str
    cron: str
    timezone: str
    description: str
    last_started_at: NewYorkDatetime | None
    last_duration_ms: int | None
    last_outcome: str | None
    last_detail: dict[str, Any] | None
    next_run_at: NewYorkDatetime = Field(description="Its next tick.")
    overdue_since: NewYorkDatetime | None = Field(
        description="Set when a tick due after its last run (or, never run, after the server "
        "started) passed over 15 minutes ago without a run: is a worker running?"
    )


class AdminSummaryOut(BaseModel):
    user_counts: dict[str, int]
    pool: PoolOut | None
    scheduled_jobs: list[ScheduledJobOut]


class _FromRow(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class UserOut(_FromRow):
    user_id: uuid.UUID
    email: str
    user_type: str
    subscription_tier: str | None
    subscription_status: str | None
    token_balance: int
    created_at: NewYorkDatetime | None
    last_login: NewYorkDatetime | None
    suspended_at: NewYorkDatetime | None
    erased_at: NewYorkDatetime | None
    email_verified_at: NewYorkDatetime | None


class UserDetailOut(UserOut):
    stripe_customer_id: str | None
    business_name: str | None
    held: int
    used_today: int
    daily_limit: int | None


class FieldChangeOut(_FromRow):
    field: str
    before: str
    after: str


class AuditEntryOut(_FromRow):
    log_id: uuid.UUID
    timestamp: NewYorkDatetime
    admin_user_id: uuid.UUID | None
    admin_email: str | None
    action: str | None
    action_label: str | None = Field(
        description='The action as people read it, e.g. "Changed plan".'
    )
    target_entity: str | None
    entity_label: str | None = Field(description='The entity as people read it, e.g. "Plan".')
    target_id: uuid.UUID | None
    target_key: str | None
    target_name: str | None = Field(
        description="The changed row's name: a user's email, a plan's or bundle's name, an "
        "indicator, a token price's action, a provider service, an uploaded file or a job."
    )
    changes: dict[str, Any] | None
    fields: list[FieldChangeOut]


class AuditPageOut(BaseModel):
    entries: list[AuditEntryOut]
    next_cursor: str | None


class PeriodFiguresOut(_FromRow):
    start: date
    sold: int
    plan_allowance: int
    granted: int
    deducted: int
    consumed: int
    refunded: int
    bundle_revenue: Decimal
    plan_revenue: Decimal
    revenue: Decimal


class ActionFiguresOut(_FromRow):
    action_type: str | None
    charges: int
    tokens_used: int
    tokens_billed: int
    provider_cost: Decimal
    cost_per_charge: Decimal
    service: str | None
    service_cost_per_unit: Decimal | None
    target_markup: Decimal | None
    revenue: Decimal | None
    realised_markup: Decimal | None
    below_target: bool


class EconomicsOut(_FromRow):
    period: str
    date_from: date
    date_to: date
    periods: list[PeriodFiguresOut]
    totals: PeriodFiguresOut
    price_per_token: Decimal | None
    price_source: str | None
    actions: list[ActionFiguresOut]
    pool: PoolOut | None
