"""The JSON of the account-deletion API."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class DeleteAccountIn(BaseModel):
    """The confirmation: the account's e-mail address, and its current password when it has one
    (an account that signs in only through Firebase leaves it out)."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=255, description="The account's e-mail address, typed again")
    password: str | None = Field(default=None, max_length=1024)


class ErasedOut(BaseModel):
    user_id: uuid.UUID
    erased: bool = True
    tokens_forfeited: int
    leads_deleted: int
    saved_searches_deleted: int
