"""The phone numbers API's bodies and answers (``/api/v1/voice/numbers…``)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from propintel.integrations.voice import AvailableNumber
from propintel.kit.clock import NewYorkDatetime
from propintel.voice import numbers


class NumberOut(BaseModel):
    phone_id: uuid.UUID
    number: str = Field(description="E.164, e.g. +13055550123.")
    friendly_name: str
    provider: Literal["twilio", "local"] | str = Field(
        description="`local`: a simulated number of the offline telephone network."
    )
    simulated: bool
    monthly_cost_usd: Decimal
    active: bool
    since: NewYorkDatetime | None = None
    released_at: NewYorkDatetime | None = None

    @classmethod
    def of(cls, number: numbers.PhoneNumber) -> NumberOut:
        return cls(
            phone_id=number.phone_id,
            number=number.number,
            friendly_name=number.friendly_name,
            provider=number.provider,
            simulated=number.simulated,
            monthly_cost_usd=number.monthly_cost_usd,
            active=number.active,
            since=number.since,
            released_at=number.released_at,
        )


class NumbersOut(BaseModel):
    held: list[NumberOut] = Field(description="The numbers you hold, newest first.")
    released: list[NumberOut] = Field(description="Your latest released numbers (at most 20).")
    limit: int = Field(description="The most numbers one account may hold at once.")

    @classmethod
    def of(cls, listing: numbers.Numbers) -> NumbersOut:
        return cls(
            held=[NumberOut.of(n) for n in listing.held],
            released=[NumberOut.of(n) for n in listing.released],
            limit=listing.limit,
        )


class AvailableOut(BaseModel):
    number: str
    locality: str | None = None
    region: str | None = None

    @classmethod
    def of(cls, available: AvailableNumber) -> AvailableOut:
        return cls(number=available.number, locality=available.locality, region=available.region)


class BuyIn(BaseModel):
    number: str = Field(max_length=32, description="A number from `GET /available`.")
    friendly_name: str = Field(max_length=200, description="Your name for it (at most 64).")


class RenameIn(BaseModel):
    friendly_name: str = Field(max_length=200, description="At most 64 characters.")
