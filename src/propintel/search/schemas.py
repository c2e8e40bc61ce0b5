"""API shapes of search results. A result never carries the owner's phone or email (enriched
contact data): only public-record facts, values, the last sale, the owner's name, type and
mailing address, and the scores the caller's plan includes with their indicators."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from pydantic_core import to_json
from sqlalchemy import RowMapping

from propintel.ingest.sales import ARMS_LENGTH_CODES
from propintel.kit.i18n import _
from propintel.scoring.indicators import NEW_HOMEOWNER_RULES
from propintel.scoring.readable import (
    LEAD_SCORE_RULE,
    indicator_label,
    lead_score,
    property_record_url,
)
from propintel.search.repository import TOTAL_CAP
from propintel.search.scope import Scope
from propintel.search.service import PropertyDetail, SearchResult

NEW_HOMEOWNER_INDICATORS = frozenset(rule.name for rule in NEW_HOMEOWNER_RULES)
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


class MailingAddressOut(BaseModel):
    full: str | None = Field(description="As one line, as the tax roll publishes it.")
    street: str | None
    city: str | None
    state: str | None = Field(description="State, or country for owners abroad.")
    zip: str | None


class OwnerOut(BaseModel):
    name: str | None
    first_name: str | None
    last_name: str | None
    type: str | None
    out_of_state: bool | None
    absentee: bool | None = Field(
        description="Mailing address elsewhere and no homestead exemption; null: no address."
    )
    mailing_address: MailingAddressOut


class IndicatorOut(BaseModel):
    name: str
    label: str
    points: int


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
    lead_score: int = Field(description=LEAD_SCORE_RULE)
    distressed_score: int | None = Field(description="Points; null when the plan excludes it.")
    new_homeowner_score: int | None = Field(description="Points; null when the plan excludes it.")
    is_new_homeowner: bool | None
    indicators: list[IndicatorOut] = Field(description="Detected, weightiest first.")
    intent_breakdown: dict[str, Any] | None
    distance_m: float | None = Field(default=None, description="From near, when given.")

    @classmethod
    def of(cls, row: Mapping[str, Any] | RowMapping, scope: Scope) -> PropertyItem:
        return cls.model_validate(item_fields(row, scope))


def _shown(breakdown: dict[str, int] | None, scope: Scope) -> dict[str, int]:
    """The breakdown's indicators of the scores ``scope`` includes."""
    return {
        name: points
        for name, points in (breakdown or {}).items()
        if (
            scope.new_homeowner_scores
            if name in NEW_HOMEOWNER_INDICATORS
            else scope.distressed_scores
        )
    }


def item_fields(row: Mapping[str, Any] | RowMapping, scope: Scope) -> dict[str, Any]:
    """A result row in the shape of PropertyItem, with JSON-ready types: the API serialises it
    as it is (``search_response_json``); pages validate it into a PropertyItem. Scores and
    indicators of leads ``scope`` does not include are left out."""
    located = row["lat"] is not None and row["lon"] is not None
    bathrooms = row["bathrooms"]  # NUMERIC(3,1): a Decimal, which JSON would write as a string
    breakdown = _shown(row["intent_breakdown"], scope)
    new_owners, distressed = scope.new_homeowner_scores, scope.distressed_scores
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
            "first_name": row["owner_first_name"],
            "last_name": row["owner_last_name"],
            "type": row["owner_type"],
            "out_of_state": row["out_of_state_owner"],
            "absentee": row["absentee_owner"],
            "mailing_address": {
                "full": row["mailing_address"],
                "street": row["mailing_street"],
                "city": row["mailing_city"],
                "state": row["mailing_state"],
                "zip": row["mailing_zip"],
            },
        },
        "lead_score": lead_score(row["lead_points"]),
        "distressed_score": row["distressed_score"] if distressed else None,
        "new_homeowner_score": row["new_homeowner_score"] if new_owners else None,
        "is_new_homeowner": row["is_new_homeowner"] if new_owners else None,
        "indicators": [
            {"name": name, "label": indicator_label(name), "points": points}
            for name, points in sorted(breakdown.items(), key=lambda pair: (-pair[1], pair[0]))
        ],
        "intent_breakdown": breakdown or None,
        "distance_m": row.get("distance_m"),
    }


class CountResponse(BaseModel):
    total: int = Field(description=f"Properties matching, counted exactly up to {TOTAL_CAP:,}.")
    total_capped: bool = Field(description=f"More than {TOTAL_CAP:,} match (shown as 10,000+).")


def search_response_json(result: SearchResult) -> bytes:
    """The body of a search response (``Page[PropertyItem]``) from result rows, serialised
    without validating again what the database just returned (that costs a few hundred
    microseconds a page; ``tests/search`` checks the shape)."""
    return to_json(
        {
            "items": [item_fields(row, result.scope) for row in result.items],
            "next_cursor": result.next_cursor,
        }
    )


class SaleRecordOut(BaseModel):
    date: date | None
    day_exact: bool | None = Field(description="False: the record gives only the month.")
    price: int | None
    qualification_code: str | None
    arms_length: bool
    official_records: str | None = Field(description="Book/page or clerk number of the deed.")
    source: str


class ListingOut(BaseModel):
    """An FSBO listing (the seller's contact details are not shown)."""

    url: str | None
    platform: str | None
    price: int | None
    status: str | None
    listed_date: date | None
    days_on_market: int | None
    description: str | None


class PropertyDetailOut(PropertyItem):
    parcel_id: str | None
    dor_use_code: str | None
    homestead: bool | None
    stories: int | None
    legal_description: str | None
    data_quality_score: int | None
    data_issues: dict[str, Any] | None = Field(description="Fields an import nulled, and why.")
    property_appraiser_url: str | None = Field(description="The parcel at the county's site.")
    sales: list[SaleRecordOut]
    fsbo_listings: list[ListingOut]

    @classmethod
    def of_detail(cls, detail: PropertyDetail) -> PropertyDetailOut:
        record = detail.record
        return cls.model_validate(
            item_fields(record, detail.scope)
            | {
                "parcel_id": record["parcel_id"],
                "dor_use_code": record["dor_use_code"],
                "homestead": record["homestead"],
                "stories": record["stories"],
                "legal_description": record["legal_description"],
                "data_quality_score": record["data_quality_score"],
                "data_issues": record["data_issues"],
                "property_appraiser_url": property_record_url(record["folio_number"]),
                "sales": [_sale(sale) for sale in detail.sales],
                "fsbo_listings": [_listing(listing) for listing in detail.listings],
            }
        )


def _sale(sale: RowMapping) -> dict[str, Any]:
    if sale["or_book"] and sale["or_page"]:
        record = _("OR book {book}, page {page}").format(book=sale["or_book"], page=sale["or_page"])
    else:
        record = sale["clerk_number"]
    return {
        "date": sale["sale_date"],
        "day_exact": sale["sale_day_exact"],
        "price": sale["sale_price"],
        "qualification_code": sale["qualification_code"],
        "arms_length": sale["qualification_code"] in ARMS_LENGTH_CODES,
        "official_records": record,
        "source": sale["source"],
    }


def _listing(listing: RowMapping) -> dict[str, Any]:
    return {
        "url": listing["listing_url"],
        "platform": listing["listing_platform"],
        "price": listing["listing_price"],
        "status": listing["listing_status"],
        "listed_date": listing["listed_date"],
        "days_on_market": listing["days_on_market"],
        "description": listing["listing_description"],
    }
