"""API shapes of the auth domain."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SignUpIn(BaseModel):
    email: str = Field(max_length=255)
    password: str = Field(max_length=256)
    user_type: Literal["subscriber", "homeowner"]
    name: str | None = Field(default=None, max_length=255)


class TokenIn(BaseModel):
    email: str = Field(max_length=255)
    password: str = Field(max_length=256)


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: uuid.UUID
    email: str
    user_type: str
    subscription_tier: str | None
    subscription_status: str | None
    token_balance: int | None
    created_at: datetime | None
    last_login: datetime | None
