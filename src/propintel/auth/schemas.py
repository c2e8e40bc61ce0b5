"""API shapes of the auth domain."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from propintel.auth.models import Plan, UserType
from propintel.kit.clock import NewYorkDatetime

AccountStatus = Literal["active", "suspended"]


class SignUpIn(BaseModel):
    email: str = Field(max_length=255)
    password: str = Field(max_length=256)
    user_type: Literal["subscriber", "homeowner"]
    name: str | None = Field(default=None, max_length=255)


class TokenIn(BaseModel):
    email: str = Field(max_length=255)
    password: str = Field(max_length=256)


class PasswordGrantIn(BaseModel):
    """OAuth2's password grant (RFC 6749, section 4.3), as a form: what Swagger's "Authorize" and
    OAuth2 client libraries send. ``scope`` and client credentials, if sent, are ignored: a token
    carries its account's rights."""

    grant_type: Literal["password"]
    username: str = Field(max_length=255, description="The account's email address.")
    password: str = Field(max_length=256)

    def credentials(self) -> TokenIn:
        return TokenIn(email=self.username, password=self.password)


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: NewYorkDatetime
    expires_in: int = Field(description="Seconds until the token expires (OAuth2's field).")


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: uuid.UUID
    email: str
    user_type: str
    subscription_tier: str | None
    subscription_status: str | None
    token_balance: int | None
    created_at: NewYorkDatetime | None
    last_login: NewYorkDatetime | None


class UserFilters(BaseModel):
    """The admins' search of accounts (/admin/users, GET /api/v1/admin/users). All optional;
    combined with AND."""

    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(default=None, max_length=255, description="Part of the email address.")
    user_type: UserType | None = None
    tier: Plan | None = None
    status: AccountStatus | None = Field(default=None, description="active or suspended.")
