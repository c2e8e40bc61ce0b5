"""API shapes of the auth domain."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from propintel.auth.models import Plan, UserType
from propintel.kit.clock import NewYorkDatetime
from propintel.kit.text import Text

AccountStatus = Literal["active", "suspended"]


class SignUpIn(BaseModel):
    email: str = Field(max_length=255)
    password: str = Field(max_length=256)
    user_type: Literal["subscriber", "homeowner"]
    name: str | None = Field(default=None, max_length=255)


class SignUpOut(BaseModel):
    """A sign-up's answer: the same for a new address and for one that already has an account."""

    email: str = Field(description="The address the message went to.")
    message: str = Field(description="What to do next: follow the e-mailed link, then log in.")


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
    email_verified: bool
    preferred_locale: str | None


class TokenBody(BaseModel):
    """The token of an e-mailed link (verification, password reset)."""

    token: str = Field(min_length=1, max_length=1000)


class ResetPasswordIn(TokenBody):
    new_password: str = Field(max_length=256)


class ForgotPasswordIn(BaseModel):
    email: str = Field(max_length=255)


class ChangePasswordIn(BaseModel):
    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class ChangeEmailIn(BaseModel):
    email: str = Field(max_length=255)
    current_password: str = Field(default="", max_length=256)


class AcceptedOut(BaseModel):
    """An answer that says only that the request was taken."""

    detail: str


class SessionOut(BaseModel):
    """A session or API key (never its secret); ``current``: the one making this call."""

    model_config = ConfigDict(from_attributes=True)

    session_id: uuid.UUID
    kind: str
    name: str | None
    created_at: NewYorkDatetime
    last_seen_at: NewYorkDatetime | None
    expires_at: NewYorkDatetime
    ip_address: str | None
    user_agent: str | None
    current: bool


class SessionsOut(BaseModel):
    sessions: list[SessionOut]
    api_keys: list[SessionOut]


class NewApiKeyIn(BaseModel):
    name: str = Field(max_length=100)


class NewApiKeyOut(BaseModel):
    """The key's secret, shown in this answer only."""

    session_id: uuid.UUID
    name: str
    api_key: str
    expires_at: NewYorkDatetime


class UserFilters(BaseModel):
    """The admins' search of accounts (/admin/users, GET /api/v1/admin/users). All optional;
    combined with AND."""

    model_config = ConfigDict(extra="ignore")

    q: Text | None = Field(default=None, max_length=255, description="Part of the email address.")
    user_type: UserType | None = None
    tier: Plan | None = None
    status: AccountStatus | None = Field(default=None, description="active or suspended.")
