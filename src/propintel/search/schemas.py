"""API shapes of search results. A result never carries the owner's phone or email (enriched
contact data): only public-record facts, values, the last sale, the owner's name and type, and
the scores with their breakdown."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from pydantic_core import to_json

MORTGAGE_NOTE = "estimate (80% of the last arm's-length sale, 30-year loan at that year's rate)"


class AddressOut(BaseModel):
    full: str
    street: str | None
    city: str | None
    zip: str | None


class LocationOut(BaseModel):
    lat: float
    lon: float


class ValuesOut(BaseModel):
    assessed: int | None
    market: int | None
    estimated_equity: int | None = Field(description=MORTGAGE_NOTE)
    mortgage_balance: int | None = Field(description=MORTGAGE_NOTE)


class SaleOut(BaseModel):
    price: int | None
    date: date | None


class OwnerOut(BaseModel):
    name: str | None
    type: str | None
    out_of_state: bool | None


class PropertyItem(BaseModel):
    id: uuid.UUID
    folio: str | None
    address: AddressOut
    location: LocationOut | None
    type: str | None
    bedrooms: int | None
    bathrooms: float | None
    square_feet: int | None
    lot_size_sqft: int | None
    year_built: int | None
    pool: bool | None
    values: ValuesOut
    last_sale: SaleOut
    new_homeowner_sale_date: date | None = Field(
        description="The last arm's-length sale (what sold_within_days and sort=sale_date use)."
    )
    owner: OwnerOut
    distressed_score: int | None
    new_homeowner_score: int | None
    is_new_homeowner: bool | None
    intent_breakdown: dict[str, Any] | None
    distance_m: float | None = Field(default=None, description="From near, when given.")

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> PropertyItem:
        return cls.model_validate(item_fields(row))


def item_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """A result row in the shape of PropertyItem, with JSON-ready types: the API serialises it
    as it is (``search_response_json``); pages validate it into a PropertyItem."""
    located = row["lat"] is not None and row["lon"] is not None
    bathrooms = row["bathrooms"]  # NUMERIC(3,1): a Decimal, which JSON would write as a string
    return {
        "id": row["property_id"],
        "folio": row["folio_number"],
        "address": {
            "full": row["full_address"],
            "street": row["street_address"],
            "city": row["city"],
            "zip": row["zip_code"],
        },
        "location": {"lat": row["lat"], "lon": row["lon"]} if located else None,
        "type": row["property_type"],
        "bedrooms": row["bedrooms"],
        "bathrooms": None if bathrooms is None else float(bathrooms),
        "square_feet": row["square_feet"],
        "lot_size_sqft": row["lot_size_sqft"],
        "year_built": row["year_built"],
        "pool": row["pool"],
        "values": {
            "assessed": row["assessed_value"],
            "market": row["market_value"],
            "estimated_equity": row["estimated_equity"],
            "mortgage_balance": row["mortgage_balance"],
        },
        "last_sale": {"price": row["last_sale_price"], "date": row["last_sale_date"]},
        "new_homeowner_sale_date": row["sale_date"],
        "owner": {
            "name": row["owner_name"],
            "type": row["owner_type"],
            "out_of_state": row["out_of_state_owner"],
        },
        "distressed_score": row["distressed_score"],
        "new_homeowner_score": row["new_homeowner_score"],
        "is_new_homeowner": row["is_new_homeowner"],
        "intent_breakdown": row["intent_breakdown"],
        "distance_m": row.get("distance_m"),
    }


class SearchResponse(BaseModel):
    items: list[PropertyItem]
    next_cursor: str | None = Field(
        description="Pass as cursor for the next page (same criteria); null on the last page."
    )


def search_response_json(rows: Sequence[Mapping[str, Any]], next_cursor: str | None) -> bytes:
    """The body of a search response (``SearchResponse``'s shape) from result rows, serialised
    without validating again what the database just returned (that costs a few hundred
    microseconds a page; ``tests/search`` checks the shape)."""
    return to_json({"items": [item_fields(row) for row in rows], "next_cursor": next_cursor})
