"""API shapes of the token domain."""

from __future__ import annotations

import enum
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from propintel.kit.clock import NewYorkDatetime

MAX_DAILY_LIMIT = 10_000_000
MAX_RECHARGE = 1_000_000


class TokenPreferences(BaseModel):
    """``users.token_preferences`` (spec defaults). Ranges here; cross-field rules in
    ``preferences.validate``."""

    model_config = ConfigDict(extra="forbid")

    daily_limit: StrictInt | None = Field(default=None, ge=0, le=MAX_DAILY_LIMIT)
    auto_recharge: StrictBool = False
    recharge_threshold: StrictInt = Field(default=0, ge=0, le=MAX_RECHARGE)
    recharge_amount: StrictInt = Field(default=0, ge=0, le=MAX_RECHARGE)

    @classmethod
    def from_stored(cls, stored: dict[str, Any] | None) -> TokenPreferences:
        """The stored JSON, tolerating spec defaults and unknown keys written by others."""
        known = {key: value for key, value in (stored or {}).items() if key in cls.model_fields}
        try:
            return cls.model_validate(known)
        except ValueError:
            return cls()


class BalanceOut(BaseModel):
    balance: int
    held: int
    used_today: int
    daily_limit: int | None
    remaining_today: int | None
    suspended: bool


class HistoryEntryOut(BaseModel):
    entry_id: uuid.UUID
    kind: str
    at: NewYorkDatetime
    tokens: int
    balance_after: int
    action_type: str | None
    description: str | None


class AdjustmentKind(enum.StrEnum):
    GRANT = "grant"
    DEDUCT = "deduct"


class AdjustmentIn(BaseModel):
    action: AdjustmentKind
    tokens: StrictInt = Field(ge=1, le=MAX_DAILY_LIMIT)
    reason: str = Field(min_length=3, max_length=500)


class AdjustmentOut(BaseModel):
    user_id: uuid.UUID
    transaction_id: uuid.UUID
    tokens_amount: int
    balance: int


class SuspensionIn(BaseModel):
    reason: str = Field(min_length=3, max_length=500)


class SuspensionOut(BaseModel):
    user_id: uuid.UUID
    suspended_at: NewYorkDatetime | None
